"""End-to-end fixtures: a real WordPress (Debian's 6.1) with the shim installed from its zip, on
the same database as a real bridge, served by ``php -S``.

The WordPress tree is a temporary folder: Debian's top-level PHP files and ``wp-admin`` copied
(their entry points find ``wp-load.php`` next to themselves, so they cannot be symlinks into
/usr/share/wordpress, whose wp-config.php reads /etc/wordpress), ``wp-includes`` and the themes
symlinked, our own ``wp-config.php``, and a ``wp-content`` holding the shim unzipped from
``dist/wp-customer-bridge.zip`` plus two test-only must-use plugins (support/): an observer and a
stand-in for WP Agency's agency list handler.
WordPress's core tables are created on the bridge's demo database (same prefix) with
``make_db_current_silent()`` / ``populate_options()`` / ``populate_roles()`` — not
``wp_install()``, which would add a second administrator — and the shim is activated with
``activate_plugin()``, all through php-cli.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bridge.settings import DatabaseURL
from tests.support.chromium import chromium
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.one_origin import FastSite, one_origin
from tests.support.paths import ROOT
from tests.support.server import BridgeServer, free_port
from tests.support.wordpress_site import (
    OWNER,
    OWNER_CUSTOMERS,
    WordPress,
    build_tree,
    install,
    require_tools,
    write_config,
)


@pytest.fixture(scope="session")
def shim_zip() -> Path:
    """The installable zip, built as `make shim-zip` builds it."""
    sys.path.insert(0, str(ROOT / "wordpress-shim"))
    try:
        import build as shim_build  # wordpress-shim/build.py
    finally:
        sys.path.pop(0)
    try:
        return shim_build.build()
    except shim_build.BuildError as exc:
        if os.environ.get("WPBRIDGE_SKIP_E2E") == "1":
            pytest.skip(f"could not build the shim zip: {exc}")
        pytest.fail(f"could not build the shim zip: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def e2e_db(make_database: Callable[[], DatabaseURL]) -> DatabaseURL:
    """Demo data (30 customers, seed 1); the owner andi_budi owns the first 12 active customers."""
    require_tools("php-cli", "php-mysql", "wordpress")
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "30", "--seed", "1")
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT ID FROM wp_users WHERE user_login = %s", (OWNER,))
        owner = cur.fetchone()["ID"]
        # Only active rows make someone an owner, so take twelve active customers.
        cur.execute(
            "UPDATE wp_app_customers SET user_id = %s WHERE status = 'active' ORDER BY id LIMIT %s",
            (owner, OWNER_CUSTOMERS),
        )
    conn.close()
    return url


@pytest.fixture(scope="session")
def user_ids(e2e_db: DatabaseURL) -> dict[str, int]:
    conn = connect(e2e_db)
    with conn.cursor() as cur:
        cur.execute("SELECT ID, user_login FROM wp_users")
        ids = {row["user_login"]: int(row["ID"]) for row in cur.fetchall()}
    conn.close()
    return ids


@pytest.fixture(scope="session")
def owner_customers(e2e_db: DatabaseURL, user_ids: dict[str, int]) -> list[int]:
    conn = connect(e2e_db)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT id FROM wp_app_customers WHERE user_id = %s AND status = 'active' ORDER BY id", (user_ids[OWNER],)
        )
        ids = [int(row["id"]) for row in cur.fetchall()]
    conn.close()
    return ids


@pytest.fixture(scope="session")
def wp_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def e2e_bridge(e2e_db: DatabaseURL, wp_port: int, start_bridge: Callable[..., BridgeServer]) -> BridgeServer:
    """The bridge, delivering its events to the WordPress below (retrying every second at most)."""
    return start_bridge(
        e2e_db,
        {
            "BRIDGE_EVENTS_URL": f"http://127.0.0.1:{wp_port}/wp-json/wp-customer-bridge/v1/events",
            "BRIDGE_EVENTS_MAX_BACKOFF": "1",
            "BRIDGE_EVENTS_TIMEOUT": "5",
        },
    )


@pytest.fixture(scope="session")
def wordpress(
    e2e_db: DatabaseURL,
    e2e_bridge: BridgeServer,
    wp_port: int,
    shim_zip: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[WordPress]:
    """WordPress with the shim, running; stopped at the end of the session."""
    base = tmp_path_factory.mktemp("wordpress")
    logs = base / "logs"
    logs.mkdir()
    wp = WordPress(root=base / "site", port=wp_port, db=e2e_db, bridge=e2e_bridge, logs=logs)
    build_tree(wp.root, shim_zip)
    write_config(wp)
    install(wp)
    wp.start()
    yield wp
    wp.close()
    errors = wp.shim_php_errors()
    assert not errors, "PHP reported problems in the shim:\n" + "\n".join(errors)


@pytest.fixture(scope="session")
def dead_url() -> str:
    """Where no bridge listens."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def down(wordpress: WordPress, dead_url: str) -> str:
    """The same WordPress served again, its wp-config.php pointing the shim at ``dead_url``."""
    return wordpress.serve_variant({"WPBRIDGE_E2E_BRIDGE_URL": dead_url})


@pytest.fixture(scope="module")
def fast_site(
    wordpress: WordPress,
    e2e_db: DatabaseURL,
    start_bridge: Callable[..., BridgeServer],
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[FastSite]:
    """WordPress and a bridge of its own behind nginx on one origin (the browser fast path), per
    module: a module may stop its bridge."""
    folder = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    with one_origin(wordpress, e2e_db, start_bridge, folder) as site:
        yield site


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium, one per test module."""
    require_tools("chromium")
    with chromium() as launched:
        yield launched
