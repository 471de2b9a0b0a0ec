"""The PHP side's access statement (``X-WP-Bridge-Access``) as the bridge combines it: a signed
statement grants the type it names or withdraws with ``none``, last, over the Python side;
only the signed shim can make it (a Basic-auth caller's header is ignored), and it is signed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bridge import signing
from bridge.demo import demo_application_passwords
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.server import SECRET, BridgeServer

API = "/wp-json/wp-customer/v1"


@pytest.fixture(scope="module")
def site(make_database: Callable, start_bridge: Callable) -> dict[str, Any]:
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "4")
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT ID, user_login FROM wp_users")
        ids = {r["user_login"]: int(r["ID"]) for r in cur.fetchall()}
    conn.close()
    return {"bridge": start_bridge(url), "ids": ids}


def totals(server: BridgeServer, user: int, access: str = "", **extra: str) -> dict[str, Any]:
    """Customers, branches and employees the signed caller sees (X-WP-Total of each list)."""
    out: dict[str, Any] = {}
    for resource in ("customers", "branches", "employees"):
        target = f"{API}/{resource}?per_page=1"
        headers = {**signing.signed_headers(SECRET, "GET", target, user, access=access), **extra}
        r = server.client.get(target, headers=headers)
        out[resource] = int(r.headers["X-WP-Total"]) if r.status_code == 200 else r.status_code
    return out


def test_a_signed_statement_grants_and_withdraws(site: dict[str, Any]) -> None:
    """``customer=platform`` gives a subscriber every customer and employee (not branches, which
    the branch type governs); ``branch=platform`` adds the branches; ``customer=none`` hides an
    owner's customers and employees but not their branches."""
    server, ids = site["bridge"], site["ids"]
    admin = totals(server, ids["admin"])
    assert totals(server, ids["demo_subscriber"]) == {"customers": 0, "branches": 0, "employees": 0}
    granted = totals(server, ids["demo_subscriber"], "customer=platform")
    assert granted == {"customers": admin["customers"], "branches": 0, "employees": admin["employees"]}
    assert totals(server, ids["demo_subscriber"], "customer=platform;branch=platform") == admin
    owner = totals(server, ids["andi_budi"])
    assert owner["customers"] > 0
    withdrawn = totals(server, ids["andi_budi"], "customer=none")
    assert withdrawn == {"customers": 0, "branches": owner["branches"], "employees": 0}


def test_only_the_signed_shim_can_state_access(site: dict[str, Any]) -> None:
    """A Basic-auth caller sending the header gets the Python side alone; a malformed statement
    on a signed request is refused."""
    server, ids = site["bridge"], site["ids"]
    auth = ("demo_subscriber", demo_application_passwords(1)["demo_subscriber"])
    r = server.client.get(f"{API}/customers", headers={signing.HEADER_ACCESS: "customer=platform"}, auth=auth)
    assert r.status_code == 200 and r.headers["X-WP-Total"] == "0"
    target = f"{API}/customers"
    bad = signing.signed_headers(SECRET, "GET", target, ids["demo_subscriber"], access="customer=PLATFORM!")
    r = server.client.get(target, headers=bad)
    assert r.status_code == 401 and r.json()["code"] == "wpbridge_signature_malformed"
