"""The access matrix of every DataTable: each kind of user sees exactly the rows README "Who sees what" gives
them, and recordsTotal, recordsFiltered and the rows agree (expected sets computed with SQL)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from bridge.demo import FIXED_LOGINS
from tests.support.datatables import datatable, dt_params, row_ids
from tests.support.paths import API
from tests.support.scopes import Scope, all_scopes, by_customer
from tests.support.server import signed_headers

LOGINS = [f.username for f in FIXED_LOGINS]


@pytest.fixture(scope="module")
def scopes(demo_db, demo_logins) -> dict[str, Scope]:
    return all_scopes(demo_db, demo_logins)


@pytest.fixture(scope="module")
def branches_of(demo_db) -> dict[int, set[int]]:
    return by_customer(demo_db, "customer_branches")


@pytest.fixture(scope="module")
def employees_of(demo_db) -> dict[int, set[int]]:
    return by_customer(demo_db, "customer_employees")


def test_every_kind_of_user_is_in_the_demo(scopes) -> None:
    assert scopes["demo_subscriber"].customers is None
    assert scopes["andi_budi"].customers == {1}
    assert len(scopes["demo_agency_admin"].customers) >= 1
    assert scopes["demo_pengawas"].branches
    assert scopes["demo_branch_admin"].employees != scopes["andi_budi"].employees


@pytest.mark.parametrize("login", LOGINS)
@pytest.mark.parametrize("table", ["customers", "agencies"])
def test_whole_tables(bridge, demo_logins, scopes, login: str, table: str) -> None:
    expected = getattr(scopes[login], table)
    body = datatable(bridge.client, table, demo_logins[login].auth, length=-1, draw=7)
    assert body["draw"] == 7
    if expected is None:
        assert body["error"] == f"Sorry, you are not allowed to see {table}."
        assert (body["recordsTotal"], body["recordsFiltered"], body["data"]) == (0, 0, [])
        return
    assert "error" not in body
    assert set(row_ids(body)) == expected
    assert body["recordsTotal"] == body["recordsFiltered"] == len(expected)


@pytest.mark.parametrize("login", LOGINS)
@pytest.mark.parametrize("table", ["branches", "employees"])
def test_tables_of_each_customer(
    bridge, demo_logins, scopes, branches_of, employees_of, login: str, table: str
) -> None:
    expected = getattr(scopes[login], table)
    rows_of = branches_of if table == "branches" else employees_of
    for customer_id in sorted(rows_of):
        body = datatable(bridge.client, table, demo_logins[login].auth, length=-1, customer_id=customer_id)
        if expected is None:
            assert body["error"] == f"Sorry, you are not allowed to see {table}."
            continue
        want = expected & rows_of[customer_id]
        assert set(row_ids(body)) == want, (table, customer_id)
        assert body["recordsTotal"] == body["recordsFiltered"] == len(want)


def test_employees_of_one_branch(bridge, demo_logins, demo_db, scopes) -> None:
    from tests.support.database import query

    rows = query(demo_db, "SELECT id, branch_id FROM wp_app_customer_employees WHERE customer_id = 1")
    branch_id = rows[0]["branch_id"]
    for login in ("admin", "andi_budi", "demo_branch_admin"):
        body = datatable(
            bridge.client, "employees", demo_logins[login].auth, length=-1, customer_id=1, branch_id=branch_id
        )
        want = {r["id"] for r in rows if r["branch_id"] == branch_id} & scopes[login].employees
        assert set(row_ids(body)) == want
        assert body["recordsTotal"] == len(want)


def test_search_narrows_only_within_scope(bridge, demo_logins, scopes) -> None:
    body = datatable(bridge.client, "customers", demo_logins["andi_budi"].auth, **{"search[value]": "PT"})
    assert body["recordsTotal"] == 1
    assert body["recordsFiltered"] <= 1
    assert set(row_ids(body)) <= scopes["andi_budi"].customers


def test_logged_out_visitors_see_nothing(bridge) -> None:
    for table, extra in (
        ("customers", {}),
        ("branches", {"customer_id": 1}),
        ("employees", {"customer_id": 1}),
        ("agencies", {}),
    ):
        body = datatable(bridge.client, table, **extra)
        assert body["error"] == "You must be logged in to see this table."
        assert body["data"] == [] and body["recordsTotal"] == 0


def _signed_get(bridge, table: str, user_id: int, **params) -> dict:
    target = f"{API}/datatables/{table}?" + urlencode(dt_params(**params))
    response = bridge.client.get(target, headers=signed_headers("GET", target, user_id))
    assert response.status_code == 200, response.text
    return response.json()


def test_signed_requests_see_what_the_user_sees(bridge, demo_logins, scopes) -> None:
    owner = demo_logins["andi_budi"]
    body = _signed_get(bridge, "customers", owner.user_id, length=-1)
    assert set(row_ids(body)) == scopes["andi_budi"].customers
    anonymous = _signed_get(bridge, "customers", 0)
    assert anonymous["error"] == "You must be logged in to see this table."


def test_rows_carry_permissions_for_the_user(bridge, demo_logins) -> None:
    owner = datatable(bridge.client, "customers", demo_logins["andi_budi"].auth)["data"][0]
    assert owner["permissions"] == {"view": True, "edit": True, "delete": False}
    viewer = datatable(bridge.client, "customers", demo_logins["demo_platform_viewer"].auth)["data"][0]
    assert viewer["permissions"] == {"view": True, "edit": False, "delete": False}
    admin = datatable(bridge.client, "customers", demo_logins["admin"].auth)["data"][0]
    assert admin["permissions"] == {"view": True, "edit": True, "delete": True}
