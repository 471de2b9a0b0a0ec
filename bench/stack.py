"""The system under test: a fresh database with demo data, and ``wpbridge serve`` run as a user would."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import pymysql

from bench.config import ROOT
from bridge.devdb import drop_database, ensure_database
from bridge.settings import DatabaseURL


def cli(url: DatabaseURL, *args: str) -> str:
    """Run ``wpbridge ARGS`` against ``url``; its output, or SystemExit with it."""
    env = dict(os.environ, BRIDGE_DATABASE_URL=url.to_url())
    done = subprocess.run(
        [sys.executable, "-m", "bridge.cli", *args], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(f"bench: wpbridge {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def fresh_database(server: DatabaseURL, customers: int) -> tuple[DatabaseURL, float]:
    """A new database named ``wpbench_…`` with the plugin's tables and ``customers`` demo customers."""
    url = server.with_database(f"wpbench_{customers}_{secrets.token_hex(4)}")
    ensure_database(url)
    cli(url, "migrate")
    started = time.perf_counter()
    cli(url, "demo", "--customers", str(customers), "--seed", "1")
    return url, time.perf_counter() - started


def connect(url: DatabaseURL) -> pymysql.connections.Connection:
    return pymysql.connect(autocommit=True, **url.connect_kwargs())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Memory:
    pid: int
    hwm_mb: float  # VmHWM: the peak resident set since the worker started
    rss_mb: float


def _status(pid: int) -> dict[str, str]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        out[key] = value.strip()
    return out


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Served:
    """A Sanic service started here with ``workers`` processes on a free port (its own process
    group, stopped with it): the bridge, or the HTTP floor (bench/httpfloor.py)."""

    name = "service"

    def __init__(self, url: DatabaseURL, workers: int, run_dir: Path) -> None:
        self.url = url
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = run_dir / f"{self.name}-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        return dict(
            os.environ,
            BRIDGE_DATABASE_URL=self.url.to_url(),
            BRIDGE_HOST="127.0.0.1",
            BRIDGE_PORT=str(self.port),
            BRIDGE_WORKERS=str(self.workers),
        )

    def start(self) -> Self:
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            self.command(), env=self.environment(), cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: the {self.name} exited ({self.process.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as answer:
                    if answer.status == 200 and len(self.worker_pids()) >= self.workers:
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"bench: the {self.name} did not answer /healthz within 60 s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: Sanic's workers (not its state manager), or the main one alone."""
        assert self.process is not None
        if self.workers == 1:
            return [self.process.pid]
        pids = []
        for pid in _children(self.process.pid):
            try:
                if b"SANIC_WORKER_NAME=Sanic-Server" in Path(f"/proc/{pid}/environ").read_bytes():
                    pids.append(pid)
            except OSError:
                continue
        return sorted(pids)

    def memory(self) -> list[Memory]:
        out = []
        for pid in self.worker_pids():
            status = _status(pid)
            out.append(Memory(pid, int(status["VmHWM"].split()[0]) / 1024, int(status["VmRSS"].split()[0]) / 1024))
        return out

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGINT)  # the group this object started (start_new_session)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        self.log.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Bridge(Served):
    """``wpbridge serve`` as a user runs it, with its own cache folder."""

    name = "bridge"

    def __init__(self, url: DatabaseURL, workers: int, run_dir: Path) -> None:
        super().__init__(url, workers, run_dir)
        self.cache_dir = run_dir / f"cache-{self.port}"
        self.run_dir = run_dir / f"run-{self.port}"  # its own bridge.pid, so a `make run` alongside does not refuse it

    def command(self) -> list[str]:
        return [sys.executable, "-m", "bridge.cli", "serve"]

    def environment(self) -> dict[str, str]:
        return {**super().environment(), "BRIDGE_CACHE_DIR": str(self.cache_dir), "BRIDGE_RUN_DIR": str(self.run_dir)}

    def clear_cache(self) -> None:
        """Empty the bridge's diskcache (shared by its workers): the next requests are cold (the
        clear changes the generations' stamp, so no worker reuses what it read before)."""
        import asyncio

        asyncio.run(self.cleared())

    async def cleared(self) -> None:
        """``clear_cache`` from a coroutine (bench/cold.py's rounds run in an event loop)."""
        from bridge.cache import DiskCache

        cache = DiskCache(str(self.cache_dir), "")
        await cache.clear()
        await cache.close()


class HttpFloor(Served):
    """bench/httpfloor.py serving ``spec`` (the captured statements and body sizes), with the
    bridge's worker count and pool size (``BRIDGE_POOL_SIZE``, read by both alike)."""

    name = "http-floor"

    def __init__(self, url: DatabaseURL, workers: int, run_dir: Path, spec: Path) -> None:
        super().__init__(url, workers, run_dir)
        self.spec = spec

    def command(self) -> list[str]:
        return [sys.executable, "-m", "bench.httpfloor", str(self.spec)]


def server_facts(url: DatabaseURL) -> dict[str, str]:
    """What the numbers depend on: the server's version and buffer pool, the data's size."""
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT VERSION(), @@innodb_buffer_pool_size")
            version, pool = cur.fetchone()
            cur.execute(
                "SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = DATABASE()"
            )
            size = cur.fetchone()[0]
    finally:
        conn.close()
    return {"version": version, "buffer_pool_mb": f"{int(pool) / 2**20:.0f}", "data_mb": f"{int(size) / 2**20:.0f}"}


__all__ = ["Bridge", "HttpFloor", "Served", "cli", "connect", "drop_database", "fresh_database", "server_facts"]
