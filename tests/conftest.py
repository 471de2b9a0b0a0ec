"""Shared fixtures: a fresh database per test run on the real MariaDB, and real bridge servers.

Every database made here has a random name and is dropped when the session ends.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pymysql
import pytest

from bridge.devdb import drop_database, ensure_database, find_database
from bridge.settings import DatabaseURL

ROOT = Path(__file__).resolve().parent.parent
SECRET = "test-shared-secret-0123456789abcdef"


@pytest.fixture(scope="session")
def mysql_server() -> DatabaseURL:
    """The MariaDB this run uses (found or started like `make test` does)."""
    return find_database()


@pytest.fixture(scope="session")
def make_database(mysql_server: DatabaseURL) -> Iterator[Callable[[], DatabaseURL]]:
    """Factory: a new, empty database with a random name; all are dropped at the end."""
    made: list[DatabaseURL] = []

    def make() -> DatabaseURL:
        url = mysql_server.with_database("wpbt_" + secrets.token_hex(6))
        ensure_database(url)
        made.append(url)
        return url

    yield make
    for url in made:
        drop_database(url)


def connect(url: DatabaseURL) -> pymysql.connections.Connection:
    """A plain autocommit connection for arranging and checking rows in tests."""
    return pymysql.connect(autocommit=True, cursorclass=pymysql.cursors.DictCursor, **url.connect_kwargs())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_cli(
    url: DatabaseURL, *args: str, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess:
    """Run `wpbridge ARGS` against ``url`` as a user would."""
    full_env = dict(os.environ, BRIDGE_DATABASE_URL=url.to_url(), **(env or {}))
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", *args], env=full_env, capture_output=True, text=True, cwd=ROOT
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"wpbridge {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


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

    def stop(self) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()


@pytest.fixture(scope="session")
def start_bridge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., BridgeServer]]:
    """Factory: start a bridge on ``url`` with extra env; waits until /healthz answers."""
    servers: list[BridgeServer] = []
    tmp = tmp_path_factory.mktemp("bridges")

    def start(url: DatabaseURL, env: dict[str, str] | None = None, wait: bool = True) -> BridgeServer:
        server = BridgeServer(url, env or {}, tmp)
        servers.append(server)
        if wait:
            server.wait_ready()
        return server

    yield start
    for server in servers:
        server.stop()


class Login:
    """A demo login: its WordPress user id and Basic credentials for the REST API."""

    def __init__(self, username: str, user_id: int, app_password: str) -> None:
        self.username = username
        self.user_id = user_id
        self.app_password = app_password

    @property
    def auth(self) -> tuple[str, str]:
        return (self.username, self.app_password)


@pytest.fixture(scope="session")
def demo_db(make_database: Callable[[], DatabaseURL]) -> DatabaseURL:
    """A database with the real 1.0.12 layout and demo data (30 customers, seed 1)."""
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "30", "--seed", "1")
    return url


@pytest.fixture(scope="session")
def demo_logins(demo_db: DatabaseURL) -> dict[str, Login]:
    """The printed demo logins by username: passwords regenerated from seed 1, ids read back."""
    from bridge.demo import demo_application_passwords

    passwords = demo_application_passwords(seed=1)
    conn = connect(demo_db)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT ID, user_login FROM wp_users WHERE user_login IN (" + ", ".join(["%s"] * len(passwords)) + ")",
            list(passwords),
        )
        ids = {row["user_login"]: int(row["ID"]) for row in cur.fetchall()}
    conn.close()
    return {name: Login(name, ids[name], password) for name, password in passwords.items()}


@pytest.fixture(scope="session")
def bridge(demo_db: DatabaseURL, start_bridge: Callable[..., BridgeServer]) -> BridgeServer:
    """A bridge serving the demo database over real HTTP."""
    return start_bridge(demo_db)


def signed_headers(method: str, target: str, user_id: int, body: bytes = b"", secret: str = SECRET) -> dict[str, str]:
    """Headers the shim would send for ``user_id``."""
    from bridge.signing import signed_headers as make

    return make(secret, method, target, user_id, body)
