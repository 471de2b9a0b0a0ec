"""Several hosts: two `wpbridge serve` processes, each with its own port, cache
folder and run folder as two machines would have, sharing one Redis through `BRIDGE_CACHE_URL`.

Both hosts are warmed first, so each holds cached totals and principals; a write through one
must then be in the very next answer of the other (DataTables counts and rows, statistics,
REST `X-WP-Total`, the scope of a user the write made an owner), and a signed request's nonce
used on one is refused on the other. The login throttle shared through Redis is proven in
tests/test_identity.py (`test_the_throttle_is_shared_by_hosts_through_redis`).

The cache namespace is `wpbridge:<database>:<prefix>:` and the database has a random name, so
parallel test runs on the same Redis never see each other's keys; the namespace is dropped at the end.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from bridge.settings import DatabaseURL
from tests.support.cli import run_cli
from tests.support.database import connect, fetch
from tests.support.datatables import CUSTOMER_COLUMNS, dt_params, row_ids
from tests.support.paths import API
from tests.support.redis_namespace import REDIS_URL, drop_redis_namespace
from tests.support.server import BridgeServer, signed_headers

ME = f"{API}/users/me"


@dataclass
class Hosts:
    url: DatabaseURL
    a: BridgeServer
    b: BridgeServer
    admin: tuple[str, str]

    def sql(self, query: str, args: Any = None) -> list[dict[str, Any]]:
        return fetch(self.url, query, args)


@pytest.fixture(scope="module")
def hosts(
    make_database: Callable[[], DatabaseURL],
    start_bridge: Callable[..., BridgeServer],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Hosts]:
    """A demo database of its own (writes change it) and two hosts on one Redis."""
    from bridge.demo import demo_application_passwords

    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "30", "--seed", "1")
    asyncio.run(drop_redis_namespace(url.database))
    a, b = (
        start_bridge(
            url, {"BRIDGE_CACHE_URL": REDIS_URL, "BRIDGE_RUN_DIR": str(tmp_path_factory.mktemp(f"host-{name}"))}
        )
        for name in ("a", "b")
    )
    assert a.port != b.port
    try:
        yield Hosts(url, a, b, ("admin", demo_application_passwords(seed=1)["admin"]))
    finally:
        asyncio.run(drop_redis_namespace(url.database))


def customers_table(server: BridgeServer, auth: Any, search: str = "") -> dict[str, Any]:
    params = dt_params(CUSTOMER_COLUMNS, length=-1, **{"search[value]": search})
    response = server.client.get(f"{API}/datatables/customers", params=params, auth=auth)
    assert response.status_code == 200 and "error" not in response.json(), response.text
    return response.json()


def statistics(server: BridgeServer, auth: Any) -> dict[str, int]:
    response = server.client.get(f"{API}/statistics/customers", auth=auth)
    assert response.status_code == 200, response.text
    return response.json()


def rest_total(server: BridgeServer, auth: Any, **query: Any) -> int:
    response = server.client.get(f"{API}/customers", params={"per_page": 5, **query}, auth=auth)
    assert response.status_code == 200, response.text
    return int(response.headers["X-WP-Total"])


def signed_get(server: BridgeServer, path: str, user_id: int, **query: Any) -> dict[str, Any]:
    target = f"{API}{path}" + ("?" + urlencode(query) if query else "")
    response = server.client.get(target, headers=signed_headers("GET", target, user_id))
    assert response.status_code == 200, response.text
    return response.json()


def visible_in_statistics(server: BridgeServer, user_id: int) -> int:
    """`total_customers` of the user's statistics; 0 when they may see none (403, as the plugin answers)."""
    target = f"{API}/statistics/customers"
    response = server.client.get(target, headers=signed_headers("GET", target, user_id))
    if response.status_code == 403:
        return 0
    assert response.status_code == 200, response.text
    return int(response.json()["total_customers"])


def new_user(hosts: Hosts, login: str) -> int:
    """A WordPress user with the roles the demo owners have, and no customer yet."""
    from bridge.wordpress import php_dumps

    conn = connect(hosts.url)
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO wp_users (user_login, user_pass, user_nicename, user_email, user_registered, display_name) "
            "VALUES (%s, '', %s, %s, NOW(), %s)",
            (login, login, f"{login}@example.com", login),
        )
        user_id = int(cur.lastrowid)
        cur.execute(
            "INSERT INTO wp_usermeta (user_id, meta_key, meta_value) VALUES (%s, 'wp_capabilities', %s)",
            (user_id, php_dumps({"customer": True, "customer_admin": True})),
        )
    conn.close()
    return user_id


def sneak_in_customer(hosts: Hosts, name: str) -> int:
    """A customer WordPress wrote without telling the bridge: cached answers do not count it."""
    rows = hosts.sql("SELECT MAX(id) AS n FROM wp_app_customers")
    code = f"ZZ{rows[0]['n'] % 100:02d}Ab{secrets.randbelow(100):02d}Cd"
    conn = connect(hosts.url)
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO wp_app_customers (code, name, status, reg_type, created_by) VALUES (%s, %s, 'active', 'by_admin', 1)",
            (code, name),
        )
        new_id = int(cur.lastrowid)
    conn.close()
    return new_id


def a_place(hosts: Hosts) -> tuple[int, int]:
    """A province with an agency and one of its regencies (a customer with an owner needs both)."""
    prov = hosts.sql(
        "SELECT p.id FROM wp_wi_provinces p JOIN wp_app_agencies a ON a.provinsi_code = p.code "
        "WHERE EXISTS (SELECT 1 FROM wp_wi_regencies r WHERE r.province_id = p.id) ORDER BY p.id LIMIT 1"
    )[0]["id"]
    regency = hosts.sql("SELECT id FROM wp_wi_regencies WHERE province_id = %s ORDER BY id LIMIT 1", [prov])[0]["id"]
    return int(prov), int(regency)


def create_customer(server: BridgeServer, auth: Any, name: str, **extra: Any) -> dict[str, Any]:
    body = {"name": name, "npwp": "9" + "".join(str(secrets.randbelow(10)) for _ in range(14)), **extra}
    response = server.client.post(f"{API}/customers", json=body, auth=auth)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_write_through_one_host_is_in_the_next_datatables_answer_and_statistics_of_the_other(hosts: Hosts) -> None:
    """Both hosts warmed (and shown to answer from the cache: a row WordPress added behind the
    bridge's back is not counted); a customer created through A is then in B's very next
    DataTables answer (recordsTotal, its row, a search's recordsFiltered) and statistics."""
    a, b, admin = hosts.a, hosts.b, hosts.admin
    before = {
        host.port: (customers_table(host, admin), customers_table(host, admin, "Lintas"), statistics(host, admin))
        for host in (a, b)
    }
    table, searched, stats = before[a.port]
    assert before[b.port] == before[a.port] and searched["recordsFiltered"] == 0

    hidden = sneak_in_customer(hosts, "PT Diam Diam")
    for host in (a, b):
        assert customers_table(host, admin)["recordsTotal"] == table["recordsTotal"]  # cached: not counted yet
        assert statistics(host, admin) == stats

    created = create_customer(a, admin, "PT Lintas Host")

    after = customers_table(b, admin)
    assert after["recordsTotal"] == after["recordsFiltered"] == table["recordsTotal"] + 2
    assert {created["id"], hidden} <= set(row_ids(after))
    found = customers_table(b, admin, "Lintas")
    assert found["recordsFiltered"] == 1 and row_ids(found) == [created["id"]]
    assert found["recordsTotal"] == table["recordsTotal"] + 2
    assert statistics(b, admin)["total_customers"] == stats["total_customers"] + 2
    assert customers_table(a, admin)["recordsTotal"] == table["recordsTotal"] + 2  # and the writer agrees


def test_a_delete_of_an_old_customer_through_one_host_changes_the_other_hosts_totals(hosts: Hosts) -> None:
    """A soft delete through B of a customer created before the hosts started (below the
    settled watermark, bridge/totals.py, so the *settled* part of A's cached totals must go):
    A's next `X-WP-Total` of active customers drops by one, and the customer's owner, whose
    principal A has cached, no longer sees it in A's DataTables and statistics."""
    a, b, admin = hosts.a, hosts.b, hosts.admin
    victim = hosts.sql(
        "SELECT MIN(c.id) AS id FROM wp_app_customers c WHERE c.status = 'active' AND c.user_id IS NOT NULL AND "
        "(SELECT COUNT(*) FROM wp_app_customers o WHERE o.user_id = c.user_id AND o.status = 'active') = 1"
    )[0]["id"]
    owner = hosts.sql("SELECT user_id FROM wp_app_customers WHERE id = %s", [victim])[0]["user_id"]
    active = rest_total(a, admin, status="active")
    for _ in range(2):  # warm on both hosts
        assert rest_total(a, admin, status="active") == rest_total(b, admin, status="active") == active
        mine = signed_get(a, "/datatables/customers", owner, **dt_params(CUSTOMER_COLUMNS))
        assert mine["recordsTotal"] == 1 and row_ids(mine) == [victim]
        assert visible_in_statistics(a, owner) == 1

    response = b.client.delete(f"{API}/customers/{victim}", auth=admin)
    assert response.status_code == 200, response.text

    assert rest_total(a, admin, status="active") == active - 1
    mine = signed_get(a, "/datatables/customers", owner, **dt_params(CUSTOMER_COLUMNS))
    assert mine["recordsTotal"] == 0 and mine["data"] == []
    assert visible_in_statistics(a, owner) == 0


def test_a_rest_list_total_follows_a_write_on_the_other_host(hosts: Hosts) -> None:
    """`X-WP-Total` of `GET /customers`, cached on A, is the new count right after B creates one."""
    a, b, admin = hosts.a, hosts.b, hosts.admin
    total = rest_total(a, admin)
    assert rest_total(a, admin) == total and rest_total(b, admin) == total
    sneak_in_customer(hosts, "PT Tanpa Kabar")
    assert rest_total(a, admin) == total  # cached: the silent row is not counted

    create_customer(b, admin, "PT Dari Host B")

    assert rest_total(a, admin) == total + 2


def test_a_user_made_owner_on_one_host_sees_the_customer_at_once_on_the_other(hosts: Hosts) -> None:
    """The principal (who owns what) is cached per host too: B has cached a user with no
    customers; A creates a customer owned by them; B's next answers show it to that user."""
    a, b, admin = hosts.a, hosts.b, hosts.admin
    free = new_user(hosts, "calon_pemilik")
    for _ in range(2):
        assert signed_get(b, "/datatables/customers", free, **dt_params(CUSTOMER_COLUMNS))["recordsTotal"] == 0
        assert visible_in_statistics(b, free) == 0

    province, regency = a_place(hosts)
    created = create_customer(a, admin, "PT Milik Baru", user_id=free, provinsi_id=province, regency_id=regency)

    table = signed_get(b, "/datatables/customers", free, **dt_params(CUSTOMER_COLUMNS))
    assert table["recordsTotal"] == 1 and row_ids(table) == [created["id"]]
    assert visible_in_statistics(b, free) == 1


def test_a_nonce_used_on_one_host_is_refused_on_the_other(hosts: Hosts) -> None:
    """The replay-nonce store is Redis: the shim's signed request, accepted by A, replayed to B
    (within its 300 s) is 401 `wpbridge_signature_replayed`; and the other way round."""
    for first, second in ((hosts.a, hosts.b), (hosts.b, hosts.a)):
        headers = signed_headers("GET", ME, 1)
        assert first.client.get(ME, headers=headers).status_code == 200
        replay = second.client.get(ME, headers=headers)
        assert replay.status_code == 401 and replay.json()["code"] == "wpbridge_signature_replayed", replay.text
        with httpx.Client(base_url=second.base, timeout=30) as fresh:  # a new connection changes nothing
            assert fresh.get(ME, headers=headers).json()["code"] == "wpbridge_signature_replayed"
