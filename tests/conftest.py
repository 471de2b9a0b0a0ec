"""Shared fixtures: a fresh database per test run on the real MariaDB, and real bridge servers.

Every database made here has a random name and is dropped when the session ends.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from bridge.devdb import drop_database, ensure_database, find_database
from bridge.settings import DatabaseURL
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.logins import Login
from tests.support.server import BridgeServer


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
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(drop_database, made))


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
        server.terminate()
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def empty_site(make_database: Callable[[], DatabaseURL]) -> DatabaseURL:
    """A migrated database with no rows: the tables and nothing in them (nobody writes to it)."""
    url = make_database()
    run_cli(url, "migrate")
    return url


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
