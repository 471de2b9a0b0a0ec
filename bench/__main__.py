"""``python -m bench`` (``make bench``): run everything, write bench/results/."""

from __future__ import annotations

import sys

from bench.config import RESULTS, BenchConfig
from bench.report import write
from bench.runner import run, say


def main() -> int:
    cfg = BenchConfig()
    say(f"bench: sizes {', '.join(f'{n:,}' for n in cfg.sizes)} customers (main {cfg.customers:,}), {cfg.workers} workers, "
        f"{cfg.duration} s per run, concurrency {', '.join(map(str, cfg.concurrency))}")  # fmt: skip
    result = run(cfg)
    json_path, md_path, chart_path = write(result, RESULTS, cfg.name)
    marks = {True: "met   ", False: "MISSED", None: "  –   "}
    for t in result["targets"]:
        say(f"{marks[t['met']]} {t['target']}: {t['value']} {t.get('unit', '')} {t['by']}")
    for t in result["floor_targets"]:
        say(f"{marks[t['met']]} {t['size']:>7,} {t['target']} [{t['where']}]: {t['value']} {t['unit']} {t['by']}")
    say(f"wrote {json_path}, {md_path}, {chart_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
