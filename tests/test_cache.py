"""Caching: TTL, groups and generations on diskcache and Redis; ``POST /cache/invalidate``; a write
WordPress reports is visible in the very next DataTables answer and statistics; no two users
share a cached scope."""

from __future__ import annotations

import asyncio
import secrets
from types import SimpleNamespace
from urllib.parse import urlencode

import orjson
import pytest

from bridge.cache import DiskCache, RedisCache, remember
from tests.support.cli import run_cli
from tests.support.database import connect, query
from tests.support.datatables import dt_params
from tests.support.paths import API
from tests.support.redis_namespace import REDIS_URL, drop_redis_namespace
from tests.support.server import signed_headers


@pytest.fixture(params=["disk", "redis"])
async def cache(request, tmp_path):
    namespace = "test-" + secrets.token_hex(4)
    backend = DiskCache(str(tmp_path / "c"), namespace) if request.param == "disk" else RedisCache(REDIS_URL, namespace)
    yield backend
    await backend.clear()
    await backend.close()


async def test_entries_live_until_their_group_is_evicted(cache) -> None:
    await cache.set("a", {"n": 1}, 60, "customers")
    await cache.set("b", [1, 2], 60, "branches")
    assert await cache.get("a") == {"n": 1}
    await cache.evict("customers")
    assert await cache.get("a", None) is None
    assert await cache.get("b") == [1, 2]


async def test_entries_expire(cache) -> None:
    await cache.set("short", 1, 0.05, "g")
    await asyncio.sleep(0.15)
    assert await cache.get("short", None) is None


async def test_add_is_atomic_for_nonces(cache) -> None:
    assert await cache.add("nonce:x", 1, 10)
    assert not await cache.add("nonce:x", 1, 10)


async def test_remember_goes_stale_when_any_dependency_is_evicted(cache) -> None:
    calls: list[int] = []

    async def compute() -> int:
        calls.append(1)
        return len(calls)

    def ask() -> object:
        return remember(cache, "k", compute, ttl=60, group="statistics", depends=("customers", "branches"))

    assert await ask() == 1
    assert await ask() == 1
    await cache.evict("branches")
    assert await ask() == 2
    await cache.evict("statistics")
    assert await ask() == 3
    await cache.evict("employees")
    assert await ask() == 3
    branches, statistics, never = (await cache.generations(["branches", "statistics", "never"])).split(".")
    assert never == "0" and "0" not in (branches, statistics)


# ---- POST /cache/invalidate ----------------------------------------------------------------------------


def _post(bridge, body: object, **kwargs) -> object:
    headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
    return bridge.client.post(f"{API}/cache/invalidate", content=orjson.dumps(body), headers=headers, **kwargs)


def test_invalidate_needs_the_shim_or_an_administrator(bridge, demo_logins) -> None:
    body = {"groups": ["statistics"]}
    assert _post(bridge, body).status_code == 401
    assert _post(bridge, body, auth=demo_logins["andi_budi"].auth).status_code == 403
    assert _post(bridge, body, auth=demo_logins["admin"].auth).json() == {"evicted": ["statistics"]}
    raw = orjson.dumps(body)
    signed = _post(bridge, body, headers=signed_headers("POST", f"{API}/cache/invalidate", 0, raw))
    assert signed.status_code == 200 and signed.json() == {"evicted": ["statistics"]}
    forged = dict(signed_headers("POST", f"{API}/cache/invalidate", 0, raw), **{"X-WP-Bridge-User": "1"})
    assert _post(bridge, body, headers=forged).status_code == 401


def test_invalidate_by_entity_and_all(bridge, demo_logins) -> None:
    auth = demo_logins["admin"].auth
    customer = _post(bridge, {"entity": "customer", "id": 3}, auth=auth).json()["evicted"]
    assert {"customers", "branches", "employees", "statistics", "relations", "principals"} == set(customer)
    agency = _post(bridge, {"entity": "agency"}, auth=auth).json()["evicted"]
    assert "agencies" in agency and "wp_customer_agency_relations" in agency
    everything = _post(bridge, {"all": True}, auth=auth).json()["evicted"]
    assert set(customer) | set(agency) <= set(everything)


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({}, "body"),
        ([], "body"),
        ({"groups": []}, "groups"),
        ({"groups": ["ok", "no spaces"]}, "groups"),
        ({"groups": "customers"}, "groups"),
        ({"entity": "planet"}, "entity"),
        ({"entity": "customer", "id": "3"}, "id"),
    ],
)
def test_invalidate_rejects_bad_bodies(bridge, demo_logins, body, param) -> None:
    response = _post(bridge, body, auth=demo_logins["admin"].auth)
    assert response.status_code == 400
    assert param in response.json()["data"]["params"]


def test_invalidate_rejects_bad_json(bridge, demo_logins) -> None:
    response = bridge.client.post(
        f"{API}/cache/invalidate",
        content=b"{",
        headers={"Content-Type": "application/json"},
        auth=demo_logins["admin"].auth,
    )
    assert response.status_code == 400 and response.json()["code"] == "rest_invalid_json"


# ---- writes become visible; scopes never shared -----------------------------------------------------


def _signed(server, path: str, user_id: int, **params) -> dict:
    target = f"{API}{path}" + ("?" + urlencode(params) if params else "")
    response = server.client.get(target, headers=signed_headers("GET", target, user_id))
    assert response.status_code == 200, response.text
    return response.json()


def _view(server, user_id: int) -> SimpleNamespace:
    table = _signed(server, "/datatables/customers", user_id, **dt_params(length=-1))
    return SimpleNamespace(
        total=table["recordsTotal"],
        ids={r["id"] for r in table["data"]},
        stats=_signed(server, "/statistics/customers", user_id),
        branches=_signed(server, "/datatables/branches", user_id, **dt_params(customer_id=1))["recordsTotal"],
    )


@pytest.mark.parametrize("backend", ["disk", "redis"])
def test_reported_writes_show_at_once_and_scopes_stay_apart(make_database, start_bridge, backend: str) -> None:
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "30", "--seed", "1")
    server = start_bridge(url, {"BRIDGE_CACHE_URL": REDIS_URL} if backend == "redis" else {})
    a = query(url, "SELECT user_id FROM wp_app_customers WHERE id = 1")[0]["user_id"]
    other = query(
        url, "SELECT id, user_id FROM wp_app_customers WHERE status = 'active' AND id > 1 ORDER BY id LIMIT 1"
    )[0]
    b = other["user_id"]

    before_a, before_b = _view(server, a), _view(server, b)
    assert before_a.ids == {1} and before_b.ids == {other["id"]}
    assert before_a.stats["total_customers"] == before_b.stats["total_customers"] == 1
    assert _view(server, a) == before_a  # answered from the cache

    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO wp_app_customers (code, name, status, user_id, reg_type, created_by) "
            "VALUES ('ZZ01Ab99Cd', 'PT Baru Sekali', 'active', %s, 'by_admin', 1)",
            (a,),
        )
        new_id = cur.lastrowid
        cur.execute(
            "INSERT INTO wp_app_customer_branches (customer_id, code, name, type, agency_id, created_by, status) "
            "VALUES (1, 'ZZ01Ab99Cd-01', 'Cabang Baru', 'cabang', 1, 1, 'active')"
        )
    conn.close()
    stale = _view(server, a)
    assert stale.total == before_a.total and stale.stats == before_a.stats  # WordPress wrote without telling

    raw = orjson.dumps({"entity": "customer", "id": new_id})
    told = server.client.post(
        f"{API}/cache/invalidate",
        content=raw,
        headers={**signed_headers("POST", f"{API}/cache/invalidate", 0, raw), "Content-Type": "application/json"},
    )
    assert told.status_code == 200
    after_a, after_b = _view(server, a), _view(server, b)
    assert after_a.ids == {1, new_id} and after_a.total == 2
    assert after_a.stats == {
        "total_customers": 2,
        "total_branches": before_a.stats["total_branches"] + 1,
        "total_employees": before_a.stats["total_employees"],
    }
    assert after_a.branches == before_a.branches + 1
    assert after_b.ids == {other["id"]} and after_b.total == 1 and after_b.stats == before_b.stats
    assert after_b.branches == 0
    if backend == "redis":
        asyncio.run(drop_redis_namespace(url.database))


async def test_counters_count_within_a_window_that_starts_at_the_first_count(cache) -> None:
    """Failed-login counters: shared values with one expiry, set by the first count, not pushed back by later ones."""
    assert await cache.counters(["c:a", "c:b"]) == [(0, 0.0), (0, 0.0)]
    assert [await cache.count("c:a", 0.5) for _ in range(3)] == [1, 2, 3]
    (value, left), missing = await cache.counters(["c:a", "c:b"])
    assert value == 3 and 0 < left <= 0.5 and missing == (0, 0.0)
    await asyncio.sleep(0.3)
    await cache.count("c:a", 0.5)  # does not restart the window
    await asyncio.sleep(0.3)
    assert await cache.counters(["c:a"]) == [(0, 0.0)]
    assert await cache.count("c:a", 0.5) == 1  # a new window
