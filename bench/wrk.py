"""Running wrk (Debian's package) and reading its result line; installing it when missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from bench.stats import Measured

LUA = Path(__file__).resolve().parent / "lua"


def ensure_wrk() -> str:
    """The wrk binary; installed with apt-get when we are root, else a message saying how."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("bench: wrk is not installed. Install it with:  sudo apt-get install -y wrk")
    print("bench: installing wrk with apt-get …", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, env=env, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("bench: apt-get installed wrk but it is not on PATH")
    return found


def command(url: str, auth: str, connections: int, seconds: float, script: str = "report.lua") -> list[str]:
    threads = max(1, min(connections, os.cpu_count() or 1))
    return [
        "wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
        "-s", str(LUA / script), "-H", f"Authorization: {auth}", url,
    ]  # fmt: skip


def parse(output: str) -> Measured:
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            raw = json.loads(line[len("BENCH_JSON ") :])
            errors = raw["bad"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
            return Measured(
                raw["requests"], raw["duration_us"] / 1e6, raw["p50_us"] / 1000, raw["p90_us"] / 1000,
                raw["p99_us"] / 1000, raw["max_us"] / 1000, errors,
            )  # fmt: skip
    raise RuntimeError(f"wrk printed no result line:\n{output}")


def run(url: str, auth: str, connections: int, seconds: float, datatable: bool = False) -> Measured:
    env = dict(os.environ, BENCH_DATATABLE="1" if datatable else "0")
    done = subprocess.run(command(url, auth, connections, seconds), env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse(done.stdout)


def start_writes(url: str, auth: str, connections: int, seconds: float, rate: int) -> subprocess.Popen:
    """S9's writers in the background: ``connections`` paced so that all together send ~``rate``/s."""
    delay = int(1000 * connections / rate) if rate > 0 else 0
    env = dict(os.environ, BENCH_WRITE_DELAY_MS=str(delay))
    cmd = command(url, auth, connections, seconds, "writes.lua")
    cmd[cmd.index("-t") + 1] = str(
        connections
    )  # one connection per thread: each runs its own create/rename/delete cycle
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
