"""``python -m bench`` (``make bench``): run everything, write bench/results/."""

from __future__ import annotations

import sys

from bench.config import RESULTS, BenchConfig
from bench.report import write
from bench.runner import run, say


def main() -> int:
    cfg = BenchConfig()
    say(f"bench: {cfg.customers:,} customers (sizes {cfg.sizes}), {cfg.workers} workers, {cfg.duration} s per run")
    result = run(cfg)
    json_path, md_path, chart_path = write(result, RESULTS)
    for t in result["targets"]:
        mark = {True: "met   ", False: "MISSED", None: "  –   "}[t["met"]]
        say(f"{mark} {t['target']}: {t['value']} {t.get('unit', '')} {t['by']}")
    say(f"wrote {json_path}, {md_path}, {chart_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
