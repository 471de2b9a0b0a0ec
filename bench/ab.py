"""A/B of two commits of the bridge on one database: both served side by side (one worker each),
wrk runs alternated over several rounds, and the medians of new ÷ old reported. On a shared, noisy
machine only such ratios within one run mean anything.

    python -m bench.ab BASE_DIR [--rounds 5] [--seconds 2] [--only S1/admin,S8/admin]

BASE_DIR is a checkout of the old commit (``git worktree add /tmp/base <commit>``); the new code is
this checkout. BRIDGE_DATABASE_URL names a database with ``wpbridge demo`` data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench import wrk
from bench.config import ROOT
from bench.scenarios import basic_auth, context, scenarios
from bench.stack import Bridge
from bridge.settings import DatabaseURL, parse_database_url


class _Checkout(Bridge):
    """``wpbridge serve`` from the code of another checkout (its folder first on sys.path)."""

    def __init__(self, url: DatabaseURL, run_dir: Path, code: Path) -> None:
        super().__init__(url, 1, run_dir)
        self.code = code
        self.name = f"bridge@{code.name}"

    def environment(self) -> dict[str, str]:
        return {**super().environment(), "PYTHONPATH": str(self.code)}

    def start(self) -> _Checkout:
        import subprocess
        import time
        import urllib.request

        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            self.command(), env=self.environment(), cwd=self.code, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"ab: {self.name} exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"ab: {self.name} did not answer within 60 s; see {self.log_path}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=2)
    parser.add_argument("--connections", default="1,16")
    parser.add_argument("--only", default="S1/admin,S1/owner,S6/admin,S8/admin")
    args = parser.parse_args()
    url = parse_database_url(os.environ["BRIDGE_DATABASE_URL"])
    ctx = context(url, 0)
    wanted = args.only.split(",")
    chosen = [s for s in scenarios(ctx) if s.key in wanted]
    with tempfile.TemporaryDirectory() as folder:
        run_dir = Path(folder)
        old = _Checkout(url, run_dir, args.base.resolve()).start()
        new = _Checkout(url, run_dir, ROOT).start()
        try:
            for s in chosen:
                for side in (old, new):
                    wrk.run(side.base + s.path, basic_auth(s.role), 4, 1, s.datatable)  # warm caches
            print(
                "| scenario | conn. | new ÷ old req/s (median) | new − old p50 ms (median) "
                "| new − old p99 ms (median) | new ÷ old CPU per request (median) | old CPU µs/request | rounds |"
            )
            print("|---|---|---|---|---|---|---|---|")
            for s in chosen:
                for conns in (int(c) for c in args.connections.split(",")):
                    ratios, deltas, tails, cpus, old_cpu = [], [], [], [], []
                    for i in range(args.rounds):
                        order = (old, new) if i % 2 == 0 else (new, old)
                        got, cpu = {}, {}
                        for side in order:
                            assert side.process is not None
                            before = cpu_seconds(side.process.pid)
                            got[side.name] = wrk.run(
                                side.base + s.path, basic_auth(s.role), conns, args.seconds, s.datatable
                            )
                            cpu[side.name] = (cpu_seconds(side.process.pid) - before) / max(1, got[side.name].requests)
                        a, b = got[old.name], got[new.name]
                        cpus.append(cpu[new.name] / cpu[old.name])
                        old_cpu.append(cpu[old.name] * 1e6)
                        if a.errors or b.errors:
                            print(f"ab: errors in {s.key} (old {a.errors}, new {b.errors})", file=sys.stderr)
                        ratios.append(b.rps / a.rps)
                        deltas.append(b.p50 - a.p50)
                        tails.append(b.p99 - a.p99)
                    print(
                        f"| {s.key} | {conns} | {statistics.median(ratios):.2f} × | "
                        f"{statistics.median(deltas):+.2f} | {statistics.median(tails):+.2f} | {statistics.median(cpus):.2f} × | "
                        f"{statistics.median(old_cpu):.0f} | {args.rounds} |",
                        flush=True,
                    )
        finally:
            old.stop()
            new.stop()


if __name__ == "__main__":
    main()
