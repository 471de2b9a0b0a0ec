"""Database outages over real HTTP: the bridge reaches the real MariaDB through a TCP proxy that
the tests cut (every connection dropped, new ones refused), hang and restore.

What must hold: every data route answers 503 ``wpbridge_database_unavailable``
with ``Retry-After`` within 1 s (DataTables: the in-band error), never a 500; the body names the
database only to an administrator or the signed shim; a write made during the outage left
nothing behind; requests succeed again within 2 s of the database coming back.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from bridge.settings import DatabaseURL
from tests.support.database import connect
from tests.support.datatables import CUSTOMER_COLUMNS, dt_params
from tests.support.logins import Login
from tests.support.paths import API
from tests.support.server import BridgeServer, signed_headers
from tests.support.tcp_proxy import TcpProxy

UNAVAILABLE = "wpbridge_database_unavailable"
OUTAGE_NAME = "PT Selama Padam " + secrets.token_hex(4)


@pytest.fixture
def proxy(demo_db: DatabaseURL) -> Iterator[TcpProxy]:
    proxy = TcpProxy(demo_db)
    yield proxy
    proxy.close()


@pytest.fixture
def served(proxy: TcpProxy, start_bridge: Callable[..., BridgeServer]) -> BridgeServer:
    """A bridge whose only way to the database is the proxy."""
    return start_bridge(proxy.url, {"BRIDGE_DATABASE_TIMEOUT": "1"})


def timed(client: httpx.Client, method: str, path: str, **kwargs: Any) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = client.request(method, path, **kwargs)
    return response, time.perf_counter() - started


def outage_requests(logins: dict[str, Login]) -> list[tuple[str, str, str, dict[str, Any], bool]]:
    """(label, method, path, httpx kwargs, caller may see the details) for every route class."""
    admin, owner, employee = logins["admin"].auth, logins["andi_budi"].auth, logins["demo_employee"].auth
    target = f"{API}/customers?per_page=3&search=padam"
    return [
        ("REST list, owner", "GET", f"{API}/customers?search=padam", {"auth": owner}, False),
        ("REST item, owner", "GET", f"{API}/customers/1", {"auth": owner}, False),
        ("REST list, administrator", "GET", f"{API}/branches?search=padam", {"auth": admin}, True),
        ("REST employees, administrator", "GET", f"{API}/employees?search=padam", {"auth": admin}, True),
        ("create, administrator", "POST", f"{API}/customers", {"auth": admin, "json": {"name": OUTAGE_NAME}}, True),
        ("update, administrator", "PATCH", f"{API}/customers/1", {"auth": admin, "json": {"name": OUTAGE_NAME}}, True),
        ("delete, administrator", "DELETE", f"{API}/branches/1", {"auth": admin}, True),
        ("statistics, owner", "GET", f"{API}/statistics/customers?customer_id=2", {"auth": owner}, False),
        ("statistics of agencies, owner", "GET", f"{API}/statistics/agencies", {"auth": owner}, False),
        ("relations, owner", "GET", f"{API}/relations/agency/2", {"auth": owner}, False),
        ("tabs, owner", "GET", f"{API}/tabs/agency/3/statistics", {"auth": owner}, False),
        ("users/me, uncached login", "GET", f"{API}/users/me", {"auth": employee}, False),
        ("wrong password (auth lookup)", "GET", f"{API}/users/me", {"auth": ("andi_budi", "wrong " * 4)}, False),
        (
            "unknown login (auth lookup)",
            "GET",
            f"{API}/customers",
            {"auth": ("nobody_" + secrets.token_hex(3), "x")},
            False,
        ),
        ("signed shim", "GET", target, {"headers": signed_headers("GET", target, logins["andi_budi"].user_id)}, True),
        ("readyz, anonymous", "GET", "/readyz", {}, False),
    ]


def assert_unavailable(label: str, response: httpx.Response, elapsed: float, details: bool, db: DatabaseURL) -> None:
    assert response.status_code == 503, (label, response.status_code, response.text)
    assert elapsed < 1.0, (label, elapsed)
    assert int(response.headers["Retry-After"]) >= 1, label
    body = response.json()
    assert body["code"] == UNAVAILABLE and body["message"], (label, body)
    if details:
        assert body["data"]["status"] == 503 and body["data"]["database"].endswith(f"/{db.database}"), (label, body)
        assert body["data"]["detail"], (label, body)
    else:
        assert body["data"].pop("request_id") == response.headers["X-Request-Id"], (label, body)
        assert body["data"] == {"status": 503}, (label, body)
        for secret in (db.database, db.user + "@", f":{db.port}", "127.0.0.1", "MySQL", "connect"):
            assert secret not in response.text, (label, secret, response.text)


def test_every_route_answers_503_during_a_cut_and_recovers_within_2_s(
    served: BridgeServer, proxy: TcpProxy, demo_db: DatabaseURL, demo_logins: dict[str, Login]
) -> None:
    """Cut: every route class answers 503 + Retry-After within 1 s (DataTables in-band), no 500,
    the database named only to the administrator and the shim; restore: 200 within 2 s, and the
    writes tried during the cut left nothing behind."""
    client = served.client
    conn = connect(demo_db)
    with conn.cursor() as cur:
        cur.execute("SELECT name FROM wp_app_customers WHERE id = 1")
        name_before = cur.fetchone()["name"]
        cur.execute("SELECT status FROM wp_app_customer_branches WHERE id = 1")
        branch_before = cur.fetchone()["status"]
    for login in ("admin", "andi_budi"):  # their credentials and principals are now cached
        assert client.get(f"{API}/users/me", auth=demo_logins[login].auth).status_code == 200
    assert client.get(f"{API}/customers", auth=demo_logins["andi_budi"].auth).status_code == 200

    proxy.cut()
    worst = 0.0
    for label, method, path, kwargs, details in outage_requests(demo_logins):
        response, elapsed = timed(client, method, path, **kwargs)
        assert_unavailable(label, response, elapsed, details, proxy.url)
        worst = max(worst, elapsed)
    for method in ("GET", "POST"):
        params = dt_params(CUSTOMER_COLUMNS, draw=7)
        started = time.perf_counter()
        if method == "GET":
            response = client.get(f"{API}/datatables/customers", params=params, auth=demo_logins["andi_budi"].auth)
        else:
            response = client.post(f"{API}/datatables/customers", data=params, auth=demo_logins["admin"].auth)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200 and elapsed < 1.0, (method, response.status_code, elapsed)
        body = response.json()
        assert body["draw"] == 7 and body["data"] == [] and body["recordsTotal"] == 0, body
        assert "database" in body["error"] and demo_db.database not in body["error"], body
        worst = max(worst, elapsed)
    assert "rest_internal_error" not in served.log() and "Traceback" not in served.log()

    proxy.restore()
    restored = time.perf_counter()
    while True:
        response = client.get(f"{API}/customers?search=padam", auth=demo_logins["admin"].auth)
        recovery = time.perf_counter() - restored
        if response.status_code == 200 or recovery > 2.0:
            break
        time.sleep(0.02)
    assert response.status_code == 200 and recovery <= 2.0, (recovery, response.text)
    print(
        f"\noutage: slowest 503 during the cut {worst * 1000:.0f} ms; first 200 {recovery * 1000:.0f} ms after restore"
    )

    assert client.get(f"{API}/users/me", auth=demo_logins["demo_employee"].auth).status_code == 200
    assert client.get("/readyz").status_code == 200
    dt = client.get(
        f"{API}/datatables/customers", params=dt_params(CUSTOMER_COLUMNS, draw=8), auth=demo_logins["admin"].auth
    )
    assert dt.status_code == 200 and "error" not in dt.json() and dt.json()["data"]
    with conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) AS n FROM wp_app_customers WHERE name = %s", (OUTAGE_NAME,))
        assert cur.fetchone()["n"] == 0
        cur.execute("SELECT name, status FROM wp_app_customers WHERE id = 1")
        assert cur.fetchone()["name"] == name_before
        cur.execute("SELECT status FROM wp_app_customer_branches WHERE id = 1")
        assert cur.fetchone()["status"] == branch_before
    conn.close()


def test_a_hung_database_answers_503_after_the_statement_timeout(
    served: BridgeServer, proxy: TcpProxy, demo_logins: dict[str, Login]
) -> None:
    """A database that stops answering without closing anything (a partition): in-flight and new
    connections are given up after BRIDGE_DATABASE_TIMEOUT (1 s here), 503, and the pool
    reconnects when the database answers again."""
    client = served.client
    admin = demo_logins["admin"].auth
    assert client.get(f"{API}/customers", auth=admin).status_code == 200
    proxy.hang()
    times = []
    for _ in range(2):  # the first gives up a pooled connection, the second a new one
        response, elapsed = timed(client, "GET", f"{API}/customers?search=hang", auth=admin)
        assert response.status_code == 503 and response.json()["code"] == UNAVAILABLE, response.text
        assert "Retry-After" in response.headers and 0.9 < elapsed < 2.0, elapsed
        assert "within 1 s" in response.json()["data"]["detail"], response.json()
        times.append(elapsed)
    proxy.restore()
    restored = time.perf_counter()
    while (response := client.get(f"{API}/customers?search=hang", auth=admin)).status_code != 200:
        assert time.perf_counter() - restored < 2.0, response.text
        time.sleep(0.02)
    recovery = time.perf_counter() - restored
    print(
        f"\nhung database: 503 after {', '.join(f'{t * 1000:.0f}' for t in times)} ms; first 200 {recovery * 1000:.0f} ms after restore"
    )


def test_a_database_down_from_the_start_answers_503_and_in_band_then_recovers(
    proxy: TcpProxy, start_bridge: Callable[..., BridgeServer], demo_logins: dict[str, Login]
) -> None:
    """Started while the database refuses connections: REST routes 503 + Retry-After without
    details, DataTables the in-band error; the first request after the database returns serves."""
    proxy.cut()
    server = start_bridge(proxy.url, {"BRIDGE_DATABASE_TIMEOUT": "1"})
    owner = demo_logins["andi_budi"].auth
    response, elapsed = timed(server.client, "GET", f"{API}/customers", auth=owner)
    assert_unavailable("customers, down at start", response, elapsed, False, proxy.url)
    dt = server.client.get(f"{API}/datatables/customers", params=dt_params(CUSTOMER_COLUMNS, draw=4), auth=owner)
    assert dt.status_code == 200 and dt.json()["draw"] == 4 and "database" in dt.json()["error"], dt.text
    proxy.restore()
    restored = time.perf_counter()
    while (response := server.client.get(f"{API}/customers", auth=owner)).status_code != 200:
        assert time.perf_counter() - restored < 2.0, response.text
        time.sleep(0.02)
    recovery = time.perf_counter() - restored
    print(f"\ndown from the start: 503 in {elapsed * 1000:.0f} ms; first 200 {recovery * 1000:.0f} ms after restore")
