"""The plugin's per-row permission filters on the shim's path: the signed shim names the filters that
have PHP callbacks (``perm=`` in ``X-WP-Bridge-Access``) and the bridge's DataTables answer in the
plugin's shape asks about exactly the rows of the page whose rules refused that action, with the
filter's arguments in the plugin's shapes and the row's other rendering; nobody else is asked,
and a malformed announcement is refused, in-band for DataTables. Python callbacks on the same
filters decide the buttons of rows (DataTables and REST) and are what PHP's chain starts from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bridge import signing
from bridge.demo import demo_application_passwords
from tests.support.cli import run_cli
from tests.support.database import fetch
from tests.support.datatables import dt_params
from tests.support.server import SECRET, BridgeServer

API = "/wp-json/wp-customer/v1"
EMPLOYEE_COLUMNS: list[dict[str, Any]] = [
    {"data": "name"},
    {"data": "department"},
    {"data": "branch_name"},
    {"data": "status"},
    {"data": "actions", "orderable": False, "searchable": False},
]
BRANCH_COLUMNS: list[dict[str, Any]] = [
    {"data": "code"},
    {"data": "name"},
    {"data": "admin_name"},
    {"data": "type"},
    {"data": "actions", "orderable": False, "searchable": False},
]
RELATION_KEYS = {
    "is_admin",
    "is_customer_admin",
    "is_customer_branch_admin",
    "is_customer_employee",
    "branch_id",
    "customer_id",
    "customer_name",
    "branch_name",
    "access_type",
}

GRANTING_PLUGIN = '''
"""Python callbacks granting one employee row's edit and one branch row's delete (a test fixture)."""

def register(registry):
    def edit_employee(allowed, row, customer, user_id):
        return allowed or int(row["id"]) == {employee}

    def delete_branch(allowed, relation):
        return allowed or relation["branch_id"] == {branch}

    registry.hooks.add_filter("wp_customer_can_edit_customer_employee", edit_employee)
    registry.hooks.add_filter("wp_customer_can_delete_customer_branch", delete_branch)
'''


@pytest.fixture(scope="module")
def site(
    make_database: Callable[..., Any], start_bridge: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """One database, two bridges: without and with Python callbacks on the two filters."""
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "4")
    ids = {r["user_login"]: int(r["ID"]) for r in fetch(url, "SELECT ID, user_login FROM wp_users")}
    me = fetch(url, "SELECT * FROM wp_app_customer_employees WHERE user_id = %s", (ids["demo_employee"],))[0]
    colleague = fetch(
        url,
        "SELECT id FROM wp_app_customer_employees WHERE customer_id = %s AND id <> %s AND created_by <> %s "
        "ORDER BY id LIMIT 1",
        (me["customer_id"], me["id"], me["user_id"]),
    )[0]["id"]
    branch = fetch(
        url,
        "SELECT id FROM wp_app_customer_branches WHERE customer_id = %s AND type = 'cabang' LIMIT 1",
        (me["customer_id"],),
    )[0]["id"]
    folder: Path = tmp_path_factory.mktemp("php_permissions")
    (folder / "grant.py").write_text(GRANTING_PLUGIN.format(employee=colleague, branch=branch))
    return {
        "url": url,
        "ids": ids,
        "me": me,
        "colleague": colleague,
        "branch": branch,
        "plain": start_bridge(url),
        "granting": start_bridge(url, {"BRIDGE_HOOKS_PATH": str(folder)}),
    }


def signed_draw(server: BridgeServer, table: str, user: int, access: str = "", **params: Any) -> dict[str, Any]:
    """A DataTables draw in the plugin's shape, as the shim sends it (signed, with ``access``)."""
    columns = EMPLOYEE_COLUMNS if table == "employees" else BRANCH_COLUMNS
    target = f"{API}/datatables/{table}?shape=plugin&{urlencode(dt_params(columns, **params))}"
    response = server.client.get(target, headers=signing.signed_headers(SECRET, "GET", target, user, access=access))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def with_button(body: dict[str, Any], css: str) -> set[int]:
    return {row["id"] for row in body["data"] if f'class="button {css}"' in row["actions"]}


def test_the_rows_whose_rules_refuse_edit_are_asked_about_with_the_plugins_arguments(site: dict[str, Any]) -> None:
    """``perm=edit_employee``: one ask per row of the page without the edit button (exactly those),
    with the employee's full row and its customer's row as ``$wpdb`` gives them, and the row's
    actions as a grant renders them; the rows themselves are the same as without the announcement."""
    server, me = site["plain"], site["me"]
    user = site["ids"]["demo_employee"]
    plain = signed_draw(server, "employees", user, customer_id=me["customer_id"], length=-1)
    asked = signed_draw(server, "employees", user, "perm=edit_employee", customer_id=me["customer_id"], length=-1)
    assert "wp_bridge_ask" not in plain
    assert asked["data"] == plain["data"]
    page = {row["id"] for row in plain["data"]}
    refused = page - with_button(plain, "edit-employee")
    assert refused and site["colleague"] in refused
    asks = asked["wp_bridge_ask"]
    assert sorted(a["id"] for a in asks) == sorted(refused)
    full = {
        r["id"]: r
        for r in fetch(
            site["url"], "SELECT * FROM wp_app_customer_employees WHERE customer_id = %s", (me["customer_id"],)
        )
    }
    customer = fetch(site["url"], "SELECT * FROM wp_app_customers WHERE id = %s", (me["customer_id"],))[0]
    for ask in asks:
        assert ask["filter"] == "wp_customer_can_edit_customer_employee" and ask["value"] is False
        employee, of_customer = ask["args"]
        assert set(full[ask["id"]]) | {"branch_name", "created_by_name"} == set(employee)
        assert employee["id"] == str(ask["id"]) and employee["user_id"] == str(full[ask["id"]]["user_id"])
        assert of_customer["id"] == str(me["customer_id"]) and of_customer["name"] == customer["name"]
        assert f'class="button edit-employee" data-id="{ask["id"]}"' in ask["actions"]
        assert 'class="button toggle-status"' in ask["actions"]


def test_only_the_page_is_asked_about_never_rows_outside_the_scope(site: dict[str, Any]) -> None:
    """A one-row page asks about that row at most; another customer's employees (outside the
    caller's scope) are neither shown nor asked about, whatever the announcement."""
    server, me = site["plain"], site["me"]
    user = site["ids"]["demo_employee"]
    one = signed_draw(server, "employees", user, "perm=edit_employee", customer_id=me["customer_id"], length=1)
    assert len(one["data"]) == 1 and [a["id"] for a in one["wp_bridge_ask"]] == [one["data"][0]["id"]]
    other = fetch(
        site["url"], "SELECT id FROM wp_app_customers WHERE id <> %s ORDER BY id LIMIT 1", (me["customer_id"],)
    )
    outside = signed_draw(server, "employees", user, "perm=edit_employee", customer_id=other[0]["id"], length=-1)
    assert outside["data"] == [] and "wp_bridge_ask" not in outside
    admin = signed_draw(server, "employees", site["ids"]["admin"], "perm=edit_employee", customer_id=other[0]["id"])
    assert admin["data"] and "wp_bridge_ask" not in admin  # nothing refused: nothing asked


def test_branch_delete_is_asked_with_the_branch_relation_never_past_the_head_office_rule(site: dict[str, Any]) -> None:
    """``perm=delete_branch``: the rows without a delete button are asked about with
    BranchModel::getUserRelation's keys for that branch, except a head office with active branches."""
    server, me = site["plain"], site["me"]
    user = site["ids"]["demo_employee"]
    body = signed_draw(server, "branches", user, "perm=delete_branch", customer_id=me["customer_id"], length=-1)
    kept = {
        r["id"]
        for r in fetch(
            site["url"],
            "SELECT id FROM wp_app_customer_branches b WHERE type = 'pusat' AND EXISTS (SELECT 1 FROM "
            "wp_app_customer_branches x WHERE x.customer_id = b.customer_id AND x.type = 'cabang' AND x.status = 'active')",
        )
    }
    refused = {row["id"] for row in body["data"]} - with_button(body, "delete-branch")
    assert sorted(a["id"] for a in body["wp_bridge_ask"]) == sorted(refused - kept)
    ask = next(a for a in body["wp_bridge_ask"] if a["id"] == site["branch"])
    (relation,) = ask["args"]
    assert set(relation) == RELATION_KEYS
    assert relation["branch_id"] == site["branch"] and relation["customer_id"] == me["customer_id"]
    assert relation["is_customer_employee"] is True and relation["access_type"] == "customer_employee"
    assert 'class="button delete-branch"' in ask["actions"]


def test_python_callbacks_give_the_buttons_and_php_starts_from_their_answer(site: dict[str, Any]) -> None:
    """With Python callbacks granting one employee's edit and one branch's delete, exactly those
    rows get the buttons (REST items agree); asked about, they carry ``value`` true and the
    rendering without the button."""
    me, user = site["me"], site["ids"]["demo_employee"]
    plain = signed_draw(site["plain"], "employees", user, customer_id=me["customer_id"], length=-1)
    granted = signed_draw(
        site["granting"], "employees", user, "perm=edit_employee", customer_id=me["customer_id"], length=-1
    )
    assert with_button(granted, "edit-employee") == with_button(plain, "edit-employee") | {site["colleague"]}
    ask = next(a for a in granted["wp_bridge_ask"] if a["id"] == site["colleague"])
    assert ask["value"] is True and "edit-employee" not in ask["actions"] and "toggle-status" not in ask["actions"]
    assert all(a["value"] is False for a in granted["wp_bridge_ask"] if a["id"] != site["colleague"])
    branches = signed_draw(site["granting"], "branches", user, customer_id=me["customer_id"], length=-1)
    plain_branches = signed_draw(site["plain"], "branches", user, customer_id=me["customer_id"], length=-1)
    assert with_button(branches, "delete-branch") == with_button(plain_branches, "delete-branch") | {site["branch"]}
    auth = ("demo_employee", demo_application_passwords(1)["demo_employee"])
    for server, expected in ((site["plain"], False), (site["granting"], True)):
        item = server.client.get(f"{API}/employees/{site['colleague']}", auth=auth)
        assert item.status_code == 200 and item.json()["permissions"]["edit"] is expected


def test_only_the_signed_shim_is_asked(site: dict[str, Any]) -> None:
    """A Basic-auth caller sending the announcement, and the default row shape, get no questions."""
    me = site["me"]
    auth = ("demo_employee", demo_application_passwords(1)["demo_employee"])
    params = {"shape": "plugin", **dt_params(EMPLOYEE_COLUMNS, customer_id=me["customer_id"], length=-1)}
    r = site["plain"].client.get(
        f"{API}/datatables/employees", params=params, headers={signing.HEADER_ACCESS: "perm=edit_employee"}, auth=auth
    )
    assert r.status_code == 200 and r.json()["data"] and "wp_bridge_ask" not in r.json()
    target = f"{API}/datatables/employees?{urlencode(dt_params(EMPLOYEE_COLUMNS, customer_id=me['customer_id']))}"
    headers = signing.signed_headers(SECRET, "GET", target, site["ids"]["demo_employee"], access="perm=edit_employee")
    default = site["plain"].client.get(target, headers=headers).json()
    assert default["data"] and "wp_bridge_ask" not in default


@pytest.mark.parametrize(
    "statement",
    [
        "perm=",
        "perm=edit_employee,edit_employee",
        "perm=view_employee",
        "perm=edit_employee;perm=delete_branch",
        "perm=EDIT_EMPLOYEE",
    ],
)
def test_a_malformed_announcement_is_refused_never_a_server_error(site: dict[str, Any], statement: str) -> None:
    """In-band for DataTables, 401 ``wpbridge_signature_malformed`` for REST."""
    user = site["ids"]["demo_employee"]
    target = f"{API}/datatables/employees?shape=plugin&{urlencode(dt_params(EMPLOYEE_COLUMNS))}"
    r = site["plain"].client.get(target, headers=signing.signed_headers(SECRET, "GET", target, user, access=statement))
    assert r.status_code == 200 and r.json()["data"] == [] and "X-WP-Bridge-Access" in r.json()["error"]
    target = f"{API}/employees"
    r = site["plain"].client.get(target, headers=signing.signed_headers(SECRET, "GET", target, user, access=statement))
    assert r.status_code == 401 and r.json()["code"] == "wpbridge_signature_malformed"
