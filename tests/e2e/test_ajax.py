"""The plugin's admin-ajax actions in a real WordPress, answered by the shim through the bridge.

Each demo user logs in through wp-login.php, takes the wp_customer_nonce from the page the shim
renders, and calls the actions as the plugin's JavaScript does; the rows and counts must be what
the bridge returns to that user directly (signed request), in the plugin's JSON shape: its row
keys, escaped values, buttons for exactly the permitted actions, department badges.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from tests.support.server import BridgeServer, signed_headers
from tests.support.wordpress_site import (
    BRANCH_COLUMNS,
    CUSTOMER_COLUMNS,
    EMPLOYEE_COLUMNS,
    OWNER,
    OWNER_CUSTOMERS,
    WordPress,
    datatable_params,
    esc_html,
)

USERS = ("admin", OWNER, "demo_branch_admin", "demo_employee", "demo_platform_viewer")


def bridge_datatable(
    bridge: BridgeServer, table: str, user_id: int, pairs: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    body = str(httpx.QueryParams(list(pairs))).encode()
    target = f"/wp-json/wp-customer/v1/datatables/{table}"
    headers = signed_headers("POST", target, user_id, body)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    response = bridge.client.post(target, content=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


class Session:
    """A logged-in user with their nonce."""

    def __init__(self, wp: WordPress, username: str, user_id: int) -> None:
        self.wp = wp
        self.username = username
        self.user_id = user_id
        self.client = wp.login(username)
        self.nonce = wp.nonce(self.client)

    def table(self, action: str, pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
        response = self.wp.ajax(self.client, [*pairs, ("action", action), ("nonce", self.nonce)])
        assert response.status_code == 200, response.text[:2000]
        assert response.headers["content-type"].startswith("application/json")
        return response.json()


@pytest.fixture(scope="module")
def sessions(wordpress: WordPress, user_ids: dict[str, int]) -> dict[str, Session]:
    return {name: Session(wordpress, name, user_ids[name]) for name in USERS}


def buttons(html: str, entity: str) -> set[str]:
    return {verb for verb in ("view", "edit", "delete") if f"{verb}-{entity}" in html}


def allowed(row: dict[str, Any]) -> set[str]:
    return {verb for verb, ok in row["permissions"].items() if ok}


def assert_same_page(shim: dict[str, Any], bridge: dict[str, Any]) -> None:
    assert "error" not in shim, shim.get("error")
    assert "error" not in bridge, bridge.get("error")
    assert (shim["draw"], shim["recordsTotal"], shim["recordsFiltered"]) == (
        bridge["draw"],
        bridge["recordsTotal"],
        bridge["recordsFiltered"],
    )
    assert [row["id"] for row in shim["data"]] == [row["id"] for row in bridge["data"]]


VARIANTS = {
    "first page": {},
    "second page": {"start": 10, "draw": 2},
    "search": {"search": "a", "draw": 3},
    "by name, descending": {"order": ((1, "desc"),), "draw": 4},
}


@pytest.mark.parametrize("username", USERS)
def test_customers_match_the_bridge(sessions: dict[str, Session], e2e_bridge: BridgeServer, username: str) -> None:
    session = sessions[username]
    for name, variant in VARIANTS.items():
        pairs = datatable_params(CUSTOMER_COLUMNS, **variant)
        shim = session.table("handle_customer_datatable", pairs)
        bridge = bridge_datatable(e2e_bridge, "customers", session.user_id, pairs)
        assert_same_page(shim, bridge)
        for ours, theirs in zip(shim["data"], bridge["data"], strict=True):
            assert list(ours) == ["id", "code", "name", "owner_name", "branch_count", "actions"], name
            assert ours["code"] == esc_html(theirs["code"])
            assert ours["name"] == esc_html(theirs["name"])
            assert ours["owner_name"] == esc_html(theirs["owner_name"] or "-")
            assert ours["branch_count"] == theirs["branch_count"]
            assert buttons(ours["actions"], "customer") == allowed(theirs)
    if username == OWNER:
        assert shim["recordsTotal"] == OWNER_CUSTOMERS


def test_owner_sees_only_own_customers_and_the_admin_all(
    sessions: dict[str, Session], owner_customers: list[int]
) -> None:
    pairs = datatable_params(CUSTOMER_COLUMNS, length=100)
    owner = sessions[OWNER].table("handle_customer_datatable", pairs)
    admin = sessions["admin"].table("handle_customer_datatable", pairs)
    assert len(owner_customers) == OWNER_CUSTOMERS
    assert owner["recordsTotal"] == OWNER_CUSTOMERS and sorted(r["id"] for r in owner["data"]) == owner_customers
    assert admin["recordsTotal"] == 30
    assert {r["owner_name"] for r in owner["data"]} == {"Andi Budi"}


@pytest.mark.parametrize("username", USERS)
def test_branches_match_the_bridge(sessions: dict[str, Session], e2e_bridge: BridgeServer, username: str) -> None:
    session = sessions[username]
    for customer_id in (1, 2, 20):
        for variant in ({}, {"search": "Cabang", "draw": 5}, {"order": ((3, "desc"),), "draw": 6}):
            pairs = [*datatable_params(BRANCH_COLUMNS, **variant), ("customer_id", str(customer_id))]
            shim = session.table("handle_branch_datatable", pairs)
            bridge = bridge_datatable(e2e_bridge, "branches", session.user_id, pairs)
            if "error" in bridge:  # a user who may see no branch at all: the same message reaches the browser
                assert shim["error"] == bridge["error"] and shim["data"] == []
                continue
            assert_same_page(shim, bridge)
            for ours, theirs in zip(shim["data"], bridge["data"], strict=True):
                assert list(ours) == ["id", "code", "name", "admin_name", "type", "actions"]
                assert (ours["code"], ours["name"], ours["type"]) == (
                    esc_html(theirs["code"]),
                    esc_html(theirs["name"]),
                    theirs["type"],
                )
                assert ours["admin_name"] == esc_html(theirs["admin_name"] or "-")
                assert buttons(ours["actions"], "branch") == allowed(theirs)


@pytest.mark.parametrize("username", USERS)
def test_employees_match_the_bridge(sessions: dict[str, Session], e2e_bridge: BridgeServer, username: str) -> None:
    session = sessions[username]
    for customer_id in (1, 2):
        for variant in ({}, {"search": "a", "draw": 7}, {"order": ((3, "asc"),), "draw": 8}):
            pairs = [*datatable_params(EMPLOYEE_COLUMNS, **variant), ("customer_id", str(customer_id))]
            shim = session.table("handle_customer_employee_datatable", pairs)
            bridge = bridge_datatable(e2e_bridge, "employees", session.user_id, pairs)
            if "error" in bridge:
                assert shim["error"] == bridge["error"] and shim["data"] == []
                continue
            assert_same_page(shim, bridge)
            for ours, theirs in zip(shim["data"], bridge["data"], strict=True):
                assert list(ours) == [
                    "id",
                    "name",
                    "position",
                    "department",
                    "email",
                    "branch_name",
                    "status",
                    "actions",
                ]
                assert (ours["name"], ours["email"], ours["branch_name"]) == tuple(
                    esc_html(theirs[k] or "") for k in ("name", "email", "branch_name")
                )
                assert ours["position"] == esc_html(theirs["position"] or "")
                assert ours["status"] == theirs["status"]
                members = [d for d in ("finance", "operation", "legal", "purchase") if theirs[d]]
                for dept in ("finance", "operation", "legal", "purchase"):
                    assert (f'<span class="department-badge {dept}">' in ours["department"]) == (dept in members)
                assert buttons(ours["actions"], "employee") == allowed(theirs)
                assert ("toggle-status" in ours["actions"]) == theirs["permissions"]["edit"]


def bridge_statistics(bridge: BridgeServer, user_id: int, customer_id: int | None = None) -> httpx.Response:
    target = "/wp-json/wp-customer/v1/statistics/customers" + (f"?customer_id={customer_id}" if customer_id else "")
    return bridge.client.get(target, headers=signed_headers("GET", target, user_id))


def test_statistics_match_the_bridge(sessions: dict[str, Session], e2e_bridge: BridgeServer) -> None:
    """As the plugin counts them: customers and branches are the caller's totals; a customer named
    by ``id`` scopes only the employees."""
    for username in (OWNER, "admin", "demo_employee"):
        session = sessions[username]
        totals = bridge_statistics(e2e_bridge, session.user_id)
        for customer_id in (None, 1):
            pairs = [("action", "get_customer_stats"), ("nonce", session.nonce)] + (
                [("id", str(customer_id))] if customer_id else []
            )
            shim = session.wp.ajax(session.client, pairs).json()
            scoped = bridge_statistics(e2e_bridge, session.user_id, customer_id) if customer_id else totals
            if totals.status_code == 200 and scoped.status_code == 200:
                expected = {**totals.json(), "total_employees": scoped.json()["total_employees"]}
                assert shim == {"success": True, "data": expected}
            else:
                assert shim["success"] is False and shim["data"]["message"]


def test_statistics_of_a_named_customer_keep_the_totals(sessions: dict[str, Session], e2e_bridge: BridgeServer) -> None:
    """The plugin's JavaScript sends ``id`` whenever the page URL names a customer (a reload of
    ``…#1``): an administrator still reads all customers and branches, and that customer's
    employees — the shim once answered 1 / its branches / its employees."""
    admin = sessions["admin"]
    totals = bridge_statistics(e2e_bridge, admin.user_id).json()
    customer = bridge_statistics(e2e_bridge, admin.user_id, 1).json()
    assert totals["total_customers"] == 30 and customer["total_customers"] == 1
    assert customer["total_employees"] < totals["total_employees"]
    shim = admin.wp.ajax(admin.client, [("action", "get_customer_stats"), ("nonce", admin.nonce), ("id", "1")]).json()
    assert shim == {
        "success": True,
        "data": {
            "total_customers": 30,
            "total_branches": totals["total_branches"],
            "total_employees": customer["total_employees"],
        },
    }


def test_a_request_wider_than_max_input_vars(sessions: dict[str, Session], e2e_bridge: BridgeServer) -> None:
    """PHP keeps only the first 1000 input variables in $_POST: the nonce and every DataTables field
    below come after 1100 others, so only the raw body still has them."""
    session = sessions[OWNER]
    filler = [(f"filler[{i}]", "x") for i in range(1100)]
    pairs = datatable_params(CUSTOMER_COLUMNS, search="", start=10, draw=9)
    shim = session.wp.ajax(
        session.client, [("action", "handle_customer_datatable"), *filler, *pairs, ("nonce", session.nonce)]
    ).json()
    bridge = bridge_datatable(e2e_bridge, "customers", session.user_id, pairs)
    assert_same_page(shim, bridge)
    assert shim["draw"] == 9 and len(shim["data"]) == OWNER_CUSTOMERS - 10


def test_refusals_come_as_datatables_errors(wordpress: WordPress, sessions: dict[str, Session]) -> None:
    owner = sessions[OWNER]
    forged = wordpress.ajax(
        owner.client,
        [*datatable_params(CUSTOMER_COLUMNS, draw=4), ("action", "handle_customer_datatable"), ("nonce", "0123456789")],
    )
    assert forged.json() == {
        "draw": 4,
        "recordsTotal": 0,
        "recordsFiltered": 0,
        "data": [],
        "error": "Security check failed",
    }

    # Another user's nonce is not theirs.
    subscriber = wordpress.login("demo_subscriber")
    stolen = wordpress.ajax(
        subscriber, [("draw", "2"), ("action", "handle_customer_datatable"), ("nonce", owner.nonce)]
    )
    assert stolen.json()["error"] == "Security check failed"

    # Logged out: the plugin answers visitors on this action (nopriv); the shim refuses them.
    anonymous = httpx.Client(base_url=wordpress.url)
    visitor = wordpress.ajax(
        anonymous, [("draw", "3"), ("action", "handle_customer_datatable"), ("nonce", owner.nonce)]
    )
    assert (
        visitor.status_code == 200
        and visitor.json()["error"] == "Security check failed"
        and visitor.json()["data"] == []
    )


def test_ordering_and_searching_by_department_work(sessions: dict[str, Session]) -> None:
    """The plugin's employee table sorts and searches "Departemen", a column its SQL lost (facts
    §2.3, it fails there); the bridge derives it from the four flags, so both work through the shim."""
    session = sessions[OWNER]
    pairs = [*datatable_params(EMPLOYEE_COLUMNS, order=((1, "desc"),), draw=11), ("customer_id", "1")]
    shim = session.table("handle_customer_employee_datatable", pairs)
    assert shim["draw"] == 11 and "error" not in shim and shim["data"]
    badges = [row["department"].count("department-badge ") for row in shim["data"]]
    assert badges and all(b >= 1 for b in badges)
    searched = [*datatable_params(EMPLOYEE_COLUMNS, search="Finance", draw=12), ("customer_id", "1")]
    found = session.table("handle_customer_employee_datatable", searched)
    assert "error" not in found and all("department-badge finance" in row["department"] for row in found["data"])


def test_the_plugins_own_handlers_never_answered(wordpress: WordPress, sessions: dict[str, Session]) -> None:
    """Handlers registered like the plugin's (priority 10, visitors too for customers and
    branches) stay silent after every call above: the shim answered first. (Only a WordPress with
    WP_CUSTOMER_BRIDGE_FALLBACK, in test_degraded.py, lets them answer.)"""
    anonymous = httpx.Client(base_url=wordpress.url)
    for action in ("handle_customer_datatable", "handle_branch_datatable"):
        assert wordpress.ajax(anonymous, [("action", action)]).json()["error"] == "Security check failed"
    assert not [entry for entry in wordpress.observed("plugin-handler") if not entry["fallback"]]
