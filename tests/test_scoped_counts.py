"""A customer row's ``branch_count`` and ``employee_count`` count only the branches and employees
the caller may see: for every role of the access matrix they equal what that same
caller gets from the branches and employees tables (REST ``X-WP-Total`` and DataTables
``recordsTotal`` of ``?customer_id=``), in REST lists, REST items and DataTables rows alike, and
ordering by ``branch_count`` orders by the count the caller sees. Expected numbers also come
from plain SQL over README's "Who sees what" scopes (tests/support/scopes.py), independently of bridge/access.py."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from bridge.demo import FIXED_LOGINS
from tests.support.database import query
from tests.support.datatables import datatable, dt_params
from tests.support.paths import API
from tests.support.scopes import Scope, all_scopes, by_customer
from tests.support.server import signed_headers

LOGINS = [f.username for f in FIXED_LOGINS]
COUNT_COLUMNS = [
    {"data": "code"},
    {"data": "name"},
    {"data": "branch_count", "searchable": False},
    {"data": "employee_count", "searchable": False, "orderable": False},
]


@pytest.fixture(scope="module")
def scopes(demo_db: Any, demo_logins: dict) -> dict[str, Scope]:
    return all_scopes(demo_db, demo_logins)


@pytest.fixture(scope="module")
def children(demo_db: Any) -> dict[str, dict[int, set[int]]]:
    return {
        "branches": by_customer(demo_db, "customer_branches"),
        "employees": by_customer(demo_db, "customer_employees"),
    }


def rest(
    client: httpx.Client, path: str, auth: Any = None, headers: dict[str, str] | None = None, **params: Any
) -> httpx.Response:
    response = client.get(f"{API}{path}", params=params, auth=auth, headers=headers)
    assert response.status_code == 200, (path, params, response.text)
    return response


def rest_total(client: httpx.Client, auth: Any, table: str, customer_id: int) -> int:
    return int(rest(client, f"/{table}", auth, customer_id=customer_id, per_page=1).headers["X-WP-Total"])


def dt_total(client: httpx.Client, auth: Any, table: str, customer_id: int) -> int:
    """recordsTotal of the table for that customer; a table refused outright shows no rows: 0."""
    body = datatable(client, table, auth, customer_id=customer_id, length=1)
    return 0 if "error" in body else int(body["recordsTotal"])


def counts_of(rows: list[dict[str, Any]], key: str = "id") -> dict[int, tuple[int, int]]:
    return {int(r[key]): (r["branch_count"], r["employee_count"]) for r in rows}


@pytest.mark.parametrize("login", LOGINS)
def test_counts_in_customer_rows_equal_the_rows_the_caller_sees_in_the_child_tables(
    bridge: Any, demo_logins: dict, scopes: dict[str, Scope], children: dict, login: str
) -> None:
    auth, scope, client = demo_logins[login].auth, scopes[login], bridge.client
    listed = rest(client, "/customers", auth, per_page=100).json()
    if scope.customers is None:
        assert listed == []
        return
    rest_rows = counts_of(listed)
    assert set(rest_rows) == scope.customers
    body = datatable(client, "customers", auth, columns=COUNT_COLUMNS, length=-1)
    dt_rows = counts_of(body["data"])
    assert dt_rows == rest_rows, "the DataTables rows and the REST rows disagree"
    for customer_id, (branch_count, employee_count) in rest_rows.items():
        want_branches = len((scope.branches or set()) & children["branches"].get(customer_id, set()))
        want_employees = len((scope.employees or set()) & children["employees"].get(customer_id, set()))
        assert (branch_count, employee_count) == (want_branches, want_employees), (login, customer_id)
        assert (
            branch_count
            == rest_total(client, auth, "branches", customer_id)
            == dt_total(client, auth, "branches", customer_id)
        )
        assert (
            employee_count
            == rest_total(client, auth, "employees", customer_id)
            == dt_total(client, auth, "employees", customer_id)
        )
        item = rest(client, f"/customers/{customer_id}", auth).json()
        assert (item["branch_count"], item["employee_count"]) == (branch_count, employee_count)


@pytest.mark.parametrize("login", LOGINS)
def test_ordering_by_branch_count_orders_by_the_count_the_caller_sees(
    bridge: Any, demo_logins: dict, scopes: dict[str, Scope], children: dict, login: str
) -> None:
    auth, scope, client = demo_logins[login].auth, scopes[login], bridge.client
    if scope.customers is None:
        return
    seen = {c: len((scope.branches or set()) & children["branches"].get(c, set())) for c in scope.customers}
    for direction in ("asc", "desc"):
        want = sorted(seen, key=lambda c: (seen[c], c), reverse=direction == "desc")
        listed = rest(client, "/customers", auth, per_page=100, orderby="branch_count", order=direction).json()
        assert [c["id"] for c in listed] == want, ("REST", direction)
        body = datatable(
            client,
            "customers",
            auth,
            columns=COUNT_COLUMNS,
            length=-1,
            **{"order[0][column]": 2, "order[0][dir]": direction},
        )
        sign = -1 if direction == "desc" else 1  # the engine breaks ties on the id, ascending
        want = sorted(seen, key=lambda c: (sign * seen[c], c))
        assert [(r["id"], r["branch_count"]) for r in body["data"]] == [(c, seen[c]) for c in want], (
            "DataTables",
            direction,
        )


def test_callers_of_the_same_statement_shape_never_see_each_others_counts(bridge: Any, demo_db: Any) -> None:
    """Employees of different branches of one customer send statements of the same shape (one
    branch id each): the rendered statement is shared (bridge/statements.py), the scope is not."""
    staff = query(
        demo_db,
        "SELECT e.user_id, e.customer_id, e.branch_id, "
        "(SELECT COUNT(*) FROM wp_app_customer_employees x WHERE x.branch_id = e.branch_id) AS n "
        "FROM wp_app_customer_employees e JOIN wp_users u ON u.ID = e.user_id "
        "WHERE e.status = 'active' AND e.user_id NOT IN (SELECT user_id FROM wp_app_customer_branches WHERE user_id IS NOT NULL) "
        "AND e.user_id NOT IN (SELECT user_id FROM wp_app_customers WHERE user_id IS NOT NULL) "
        "AND (SELECT COUNT(*) FROM wp_app_customer_employees y WHERE y.user_id = e.user_id) = 1 "
        "ORDER BY e.customer_id, e.branch_id",
    )
    by_customer_size: dict[int, dict[int, dict[str, Any]]] = {}
    for row in staff:
        by_customer_size.setdefault(int(row["customer_id"]), {}).setdefault(int(row["n"]), row)
    pairs = [list(sizes.values())[:2] for sizes in by_customer_size.values() if len(sizes) >= 2]
    assert pairs, "the demo has no customer with branches of different staff sizes"
    for _ in range(2):  # each caller after the other, twice: any shared state would show
        for first, second in pairs[:3]:
            for person in (first, second, first):
                target = f"{API}/customers/{person['customer_id']}"
                headers = signed_headers("GET", target, int(person["user_id"]))
                item = bridge.client.get(target, headers=headers).json()
                assert item["employee_count"] == person["n"], person
                target = f"{API}/customers?per_page=100"
                listed = bridge.client.get(target, headers=signed_headers("GET", target, int(person["user_id"]))).json()
                assert counts_of(listed)[int(person["customer_id"])][1] == person["n"], person
                target = f"{API}/datatables/customers?" + urlencode(dt_params(COUNT_COLUMNS, length=-1))
                body = bridge.client.get(target, headers=signed_headers("GET", target, int(person["user_id"]))).json()
                assert counts_of(body["data"])[int(person["customer_id"])][1] == person["n"], person
