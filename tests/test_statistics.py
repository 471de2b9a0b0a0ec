"""Statistics routes for every kind of user: counts equal the SQL-computed scope and the
DataTables' recordsTotal; users who may see nothing are denied (not shown unfiltered totals)."""

from __future__ import annotations

import pytest

from bridge.demo import FIXED_LOGINS
from tests.support.database import query
from tests.support.datatables import datatable
from tests.support.paths import API
from tests.support.scopes import Scope, all_scopes, by_customer

LOGINS = [f.username for f in FIXED_LOGINS]


@pytest.fixture(scope="module")
def scopes(demo_db, demo_logins) -> dict[str, Scope]:
    return all_scopes(demo_db, demo_logins)


@pytest.fixture(scope="module")
def agency_status(demo_db) -> dict[int, str]:
    return {r["id"]: r["status"] for r in query(demo_db, "SELECT id, status FROM wp_app_agencies")}


@pytest.fixture(scope="module")
def branch_rows(demo_db) -> list[dict]:
    return query(demo_db, "SELECT id, customer_id, agency_id FROM wp_app_customer_branches")


@pytest.mark.parametrize("login", LOGINS)
def test_customer_statistics(bridge, demo_logins, scopes, login: str) -> None:
    scope, auth = scopes[login], demo_logins[login].auth
    response = bridge.client.get(f"{API}/statistics/customers", auth=auth)
    if scope.customers is None:
        assert response.status_code == 403
        assert response.json()["code"] == "rest_forbidden"
        return
    assert response.json() == {
        "total_customers": len(scope.customers),
        "total_branches": len(scope.branches),
        "total_employees": len(scope.employees),
    }
    assert response.json()["total_customers"] == datatable(bridge.client, "customers", auth)["recordsTotal"]


@pytest.mark.parametrize("login", LOGINS)
def test_customer_statistics_of_one_customer(bridge, demo_logins, demo_db, scopes, login: str) -> None:
    scope, auth = scopes[login], demo_logins[login].auth
    if scope.customers is None:
        assert bridge.client.get(f"{API}/statistics/customers", params={"customer_id": 1}, auth=auth).status_code == 403
        return
    branches, employees = by_customer(demo_db, "customer_branches"), by_customer(demo_db, "customer_employees")
    for customer_id in (1, 2, 17, 30):
        response = bridge.client.get(f"{API}/statistics/customers", params={"customer_id": customer_id}, auth=auth)
        if customer_id not in scope.customers:
            assert response.status_code == 404 and response.json()["code"] == "rest_customer_invalid_id"
            continue
        body = response.json()
        assert body == {
            "total_customers": 1,
            "total_branches": len(scope.branches & branches.get(customer_id, set())),
            "total_employees": len(scope.employees & employees.get(customer_id, set())),
        }
        assert (
            body["total_branches"]
            == datatable(bridge.client, "branches", auth, customer_id=customer_id)["recordsTotal"]
        )
        assert (
            body["total_employees"]
            == datatable(bridge.client, "employees", auth, customer_id=customer_id)["recordsTotal"]
        )


@pytest.mark.parametrize("login", LOGINS)
def test_agency_statistics(bridge, demo_logins, scopes, agency_status, login: str) -> None:
    scope, auth = scopes[login], demo_logins[login].auth
    response = bridge.client.get(f"{API}/statistics/agencies", auth=auth)
    if scope.agencies is None:
        assert response.status_code == 403
        return
    statuses = [agency_status[i] for i in scope.agencies]
    assert response.json() == {
        "total": len(statuses),
        "active": statuses.count("active"),
        "inactive": statuses.count("inactive"),
    }
    assert response.json()["total"] == datatable(bridge.client, "agencies", auth)["recordsTotal"]


@pytest.mark.parametrize("login", LOGINS)
def test_agency_tab_statistics(bridge, demo_logins, scopes, branch_rows, login: str) -> None:
    scope, auth = scopes[login], demo_logins[login].auth
    agency_ids = sorted({r["agency_id"] for r in branch_rows})[:3] + [max(r["agency_id"] for r in branch_rows)]
    for agency_id in agency_ids:
        response = bridge.client.get(f"{API}/tabs/agency/{agency_id}/statistics", auth=auth)
        if scope.agencies is None:
            assert response.status_code == 403
            continue
        if agency_id not in scope.agencies:
            assert response.status_code == 404 and response.json()["code"] == "rest_agency_invalid_id"
            continue
        linked = [r for r in branch_rows if r["agency_id"] == agency_id and r["id"] in scope.branches]
        customers = {r["customer_id"] for r in linked} & scope.customers
        assert response.json() == {
            "customer_count": len(customers),
            "branch_count": len(linked),
            "has_customers": bool(customers),
            "has_branches": bool(linked),
        }


def test_logged_out_visitors_must_log_in(bridge) -> None:
    for path in ("/statistics/customers", "/statistics/agencies", "/tabs/agency/1/statistics"):
        response = bridge.client.get(API + path)
        assert response.status_code == 401 and response.json()["code"] == "rest_not_logged_in"


def test_bad_parameters_and_unknown_routes(bridge, demo_logins) -> None:
    auth = demo_logins["admin"].auth
    bad = bridge.client.get(f"{API}/statistics/customers", params={"customer_id": "x"}, auth=auth)
    assert bad.status_code == 400 and "customer_id" in bad.json()["data"]["params"]
    assert bridge.client.get(f"{API}/tabs/agency/abc/statistics", auth=auth).status_code == 400
    unknown_tab = bridge.client.get(f"{API}/tabs/division/1/statistics", auth=auth)
    assert unknown_tab.status_code == 404
    unknown_table = bridge.client.get(f"{API}/statistics/invoices", auth=auth)
    assert unknown_table.status_code == 404 and "agencies" in unknown_table.json()["data"]["tables"]


def test_any_table_has_total_active_inactive(bridge, demo_logins, demo_db) -> None:
    rows = query(demo_db, "SELECT status FROM wp_app_customer_branches WHERE customer_id = 1")
    statuses = [r["status"] for r in rows]
    body = bridge.client.get(
        f"{API}/statistics/branches", params={"customer_id": 1}, auth=demo_logins["admin"].auth
    ).json()
    assert body == {"total": len(statuses), "active": statuses.count("active"), "inactive": statuses.count("inactive")}


def test_warm_statistics_cost_no_statement(bridge, demo_logins) -> None:
    auth = demo_logins["andi_budi"].auth
    bridge.client.get(f"{API}/statistics/customers", auth=auth)
    warm = bridge.client.get(f"{API}/statistics/customers", auth=auth)
    assert warm.headers["X-WPBridge-Statements"] == "0"
