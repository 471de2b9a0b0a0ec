"""Real bridge servers on free ports, and the signed headers the shim sends them."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bridge.settings import DatabaseURL
from tests.support.paths import ROOT

SECRET = "test-shared-secret-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BridgeServer:
    """A `wpbridge serve` process on a free port, reachable over real HTTP."""

    def __init__(self, url: DatabaseURL, env: dict[str, str], tmp: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        full_env = dict(
            os.environ,
            BRIDGE_DATABASE_URL=url.to_url(),
            BRIDGE_PORT=str(self.port),
            BRIDGE_HOST="127.0.0.1",
            BRIDGE_SHARED_SECRET=SECRET,
            BRIDGE_CACHE_DIR=str(tmp / f"cache-{self.port}"),
            BRIDGE_RUN_DIR=str(tmp / f"run-{self.port}"),  # its own bridge.pid: one bridge per run folder
            BRIDGE_WORKERS="1",
        )
        full_env.update(env)
        self.log_path = tmp / f"bridge-{self.port}.log"
        self._terminated = False
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bridge.cli", "serve"],
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,  # a failing start must not signal the test run's process group
        )
        self.client = httpx.Client(base_url=self.base, timeout=30)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"bridge exited with {self.process.returncode}:\n{self.log()}")
            try:
                if self.client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"bridge did not become healthy:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text()

    def terminate(self) -> None:
        """SIGTERM without waiting: a session's many bridges then wind down side by side."""
        if self.process.poll() is None and not self._terminated:
            self._terminated = True
            self.process.terminate()

    def stop(self) -> None:
        """SIGTERM once (a second one makes Sanic's manager give up on its workers: an orphaned
        worker then spins on its own), then SIGKILL for whatever of the bridge's process group
        is left after 10 s or after the main process exited."""
        self.client.close()
        self.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session (start_new_session): the bridge alone
        self.process.wait()
        self._log.close()


def signed_headers(method: str, target: str, user_id: int, body: bytes = b"", secret: str = SECRET) -> dict[str, str]:
    """Headers the shim would send for ``user_id``."""
    from bridge.signing import signed_headers as make

    return make(secret, method, target, user_id, body)
