"""Why req/s at 32 connections can fall below 16: the bridge as served (``BRIDGE_WORKERS``
workers) at each connection count, alternated over rounds, with what would show a cost that
grows with the connections (the workers' CPU time per request, summed over them) and what
would show the machine's share instead (the share of both cores busy, ``/proc/stat``), and how
the kernel spread wrk's kept-alive connections over the workers (one accept queue: unevenly).

    python -m bench.scaling [--rounds 4] [--seconds 3] [--connections 16,32] [--only S4/admin,S8/owner]

``BRIDGE_DATABASE_URL`` names a database with ``wpbridge demo`` data; ``BRIDGE_WORKERS``
defaults to the number of cores, as ``make bench`` serves.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench import wrk
from bench.ab import cpu_seconds
from bench.scenarios import Scenario, basic_auth, context, scenarios
from bench.stack import Bridge
from bridge.settings import parse_database_url


def busy_ticks() -> tuple[int, int]:
    """All CPUs' (busy, total) clock ticks so far (idle and iowait are not busy)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4], sum(fields)


def connection_split(port: int) -> list[int]:
    """How many established connections to ``port`` each serving process holds, most first."""
    listed = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"], capture_output=True, text=True
    ).stdout
    return sorted(collections.Counter(re.findall(r"pid=(\d+)", listed)).values(), reverse=True)


def measure(bridge: Bridge, s: Scenario, connections: int, seconds: int) -> dict[str, float | str]:
    """One wrk run: req/s, the workers' CPU µs per request, the machine's busy share, the split."""
    pids = bridge.worker_pids()
    cpu_before, ticks_before = sum(cpu_seconds(p) for p in pids), busy_ticks()
    run = subprocess.Popen(
        wrk.command(bridge.base + s.path, basic_auth(s.role), connections, seconds),
        env=dict(os.environ, BENCH_DATATABLE="1" if s.datatable else "0"), stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(seconds / 2)
    split = connection_split(bridge.port)
    out, _ = run.communicate()
    got = wrk.parse(out)
    cpu, ticks = sum(cpu_seconds(p) for p in pids) - cpu_before, busy_ticks()
    return {
        "rps": got.rps,
        "cpu_us": cpu / max(1, got.requests) * 1e6,
        "busy": (ticks[0] - ticks_before[0]) / max(1, ticks[1] - ticks_before[1]),
        "split": "/".join(map(str, split)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", default="16,32")
    parser.add_argument("--only", default="S1/admin,S4/admin,S6/admin,S8/owner")
    args = parser.parse_args()
    url = parse_database_url(os.environ["BRIDGE_DATABASE_URL"])
    workers = int(os.environ.get("BRIDGE_WORKERS") or os.cpu_count() or 1)
    counts = [int(c) for c in args.connections.split(",")]
    chosen = [s for s in scenarios(context(url, 0)) if s.key in args.only.split(",")]
    print(
        f"{workers} workers, {args.rounds} rounds × {args.seconds} s, medians; split: connections per worker (one round)"
    )
    print("| scenario | conn. | req/s | workers' CPU µs/request | machine busy | split |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder, Bridge(url, workers, Path(folder)) as bridge:
        for s in chosen:
            wrk.run(bridge.base + s.path, basic_auth(s.role), 4, 1, s.datatable)  # warm caches
            rows: dict[int, list[dict[str, float | str]]] = {c: [] for c in counts}
            for i in range(args.rounds):
                for c in counts if i % 2 == 0 else counts[::-1]:
                    rows[c].append(measure(bridge, s, c, args.seconds))
            for c, got in rows.items():
                rps = statistics.median(float(g["rps"]) for g in got)
                cpu = statistics.median(float(g["cpu_us"]) for g in got)
                busy = statistics.median(float(g["busy"]) for g in got)
                print(f"| {s.key} | {c} | {rps:,.0f} | {cpu:.0f} | {busy:.0%} | {got[-1]['split']} |", flush=True)


if __name__ == "__main__":
    main()
