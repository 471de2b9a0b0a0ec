"""The customers DataTable's recordsTotal and the REST X-WP-Total are cached in two parts (bridge/totals.py): customers up
to a watermark, counted once, and the ones created since, counted again after each write. These
tests prove every login's total stays exact through every kind of write, and that a write which
only touches customers above the watermark really leaves the settled part as it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.datatables import CUSTOMER_COLUMNS, datatable
from tests.support.scopes import expected_scope
from tests.support.write_site import Site, employee_body, new_customer, open_site, pick_place

LOGINS = (
    "admin",
    "andi_budi",
    "demo_branch_admin",
    "demo_employee",
    "demo_agency_admin",
    "demo_pengawas",
    "demo_subscriber",
)


@pytest.fixture(scope="module")
def site(make_database: Callable, start_bridge: Callable, tmp_path_factory: pytest.TempPathFactory) -> Site:
    return open_site(make_database, start_bridge, tmp_path_factory)


def bridge_total(site: Site, login: str) -> int | None:
    """recordsTotal as ``login`` sees it; None when the table is refused outright."""
    body = datatable(site.server.client, "customers", auth=(login, site.passwords[login]), columns=CUSTOMER_COLUMNS)
    if "error" in body:
        return None
    assert body["recordsFiltered"] == body["recordsTotal"]
    return int(body["recordsTotal"])


def rest_total(site: Site, login: str, query: str = "") -> int:
    response = site.call(login, "GET", "/customers?per_page=5" + query)
    assert response.status_code == 200, response.text
    return int(response.headers["X-WP-Total"])


def expected_totals(site: Site) -> dict[str, int | None]:
    from bridge.demo import FIXED_LOGINS

    roles = {f.username: f.roles for f in FIXED_LOGINS}
    out: dict[str, int | None] = {}
    for login in LOGINS:
        customers = expected_scope(site.url, login, site.users[login], roles[login]).customers
        out[login] = None if customers is None else len(customers)
    return out


def assert_exact(site: Site, step: str) -> None:
    """DataTables recordsTotal and REST X-WP-Total of every login are the scope's true size."""
    expected = expected_totals(site)
    assert {login: bridge_total(site, login) for login in LOGINS} == expected, step
    rest = {login: rest_total(site, login) for login in LOGINS if expected[login] is not None}
    assert rest == {login: n for login, n in expected.items() if n is not None}, step


def test_every_login_total_stays_exact_through_every_kind_of_write(site: Site) -> None:
    assert_exact(site, "before any write")
    place: dict[str, Any] = pick_place(site)
    created = new_customer(site, place, site.users["andi_budi"], "PT Tanda Air")
    assert_exact(site, "a new customer for andi_budi (above the watermark)")
    assert (
        site.call("admin", "PATCH", f"/customers/{created['id']}", json={"name": "PT Tanda Air Baru"}).status_code
        == 200
    )
    assert_exact(site, "the new customer renamed")

    old = site.one(
        "SELECT id FROM wp_app_customers WHERE user_id <> %s ORDER BY id LIMIT 1", [site.users["andi_budi"]]
    )["id"]
    r = site.call("admin", "PATCH", f"/customers/{old}", json={"user_id": site.users["andi_budi"]})
    assert r.status_code == 200, r.text
    assert_exact(site, "an old customer handed to andi_budi (below the watermark)")

    branch = site.one("SELECT id FROM wp_app_customer_branches WHERE customer_id = %s ORDER BY id LIMIT 1", [old])["id"]
    r = site.call(
        "admin", "POST", "/employees", json=employee_body(old, branch, site.users["demo_subscriber"], "tanda")
    )
    assert r.status_code == 201, r.text
    assert_exact(site, "demo_subscriber employed by an old customer (a write that names no customer rows)")

    assert site.call("admin", "DELETE", f"/customers/{created['id']}").status_code == 200
    assert_exact(site, "the new customer deleted")
    site.set_hard_delete(True)
    try:
        assert site.call("admin", "DELETE", f"/customers/{old}").status_code == 200
    finally:
        site.set_hard_delete(False)
    assert_exact(site, "the old customer deleted for good (one fewer for every login that saw it)")


def test_a_write_above_the_watermark_keeps_the_settled_count(site: Site) -> None:
    place: dict[str, Any] = pick_place(site)
    counted = bridge_total(site, "admin")
    assert rest_total(site, "admin") == counted
    # Behind the bridge's back: an old customer disappears and nobody says so.
    gone = site.one("SELECT MIN(id) AS id FROM wp_app_customers")["id"]
    site.sql("DELETE FROM wp_app_customers WHERE id = %s", [gone])
    new_customer(site, place, None, "PT Di Atas Garis")
    assert bridge_total(site, "admin") == counted + 1  # the settled part was not counted again
    assert rest_total(site, "admin") == counted + 1
    # A total first counted now, with a customer above the watermark, is exact (that customer
    # is subtracted from the settled part and counted live), stale delete included.
    active = site.one("SELECT COUNT(*) AS n FROM wp_app_customers WHERE status = 'active'")["n"]
    assert rest_total(site, "admin", "&status=active") == active

    r = site.call("admin", "POST", "/cache/invalidate", json={"entity": "customer"})
    assert r.status_code == 200, r.text
    actual = site.one("SELECT COUNT(*) AS n FROM wp_app_customers")["n"]
    assert bridge_total(site, "admin") == rest_total(site, "admin") == actual == counted

    site.sql("DELETE FROM wp_app_customers WHERE id = (SELECT MIN(id) FROM wp_app_customers)")
    old = site.one("SELECT MIN(id) AS id FROM wp_app_customers")["id"]
    assert site.call("admin", "PATCH", f"/customers/{old}", json={"name": "PT Di Bawah Garis"}).status_code == 200
    assert bridge_total(site, "admin") == rest_total(site, "admin") == actual - 1  # below the watermark: all recounted
