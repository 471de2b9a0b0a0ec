"""The plugin's permission filters through an integration plugin: each can grant
what the capability rules refuse, on rows already in the caller's scope, and nothing more."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bridge.demo import demo_application_passwords
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.server import BridgeServer
from tests.support.write_site import employee_body

API = "/wp-json/wp-customer/v1"

GRANTING_PLUGIN = '''
"""Grants the demo employee what the plugin's filters may grant (a test fixture)."""

def register(registry):
    employee = int({employee})

    def create_branch(allowed, customer_id, user_id):
        return allowed or user_id == employee

    def delete_branch(allowed, relation):
        return allowed or relation["user_id"] == employee

    def create_employee(allowed, customer_id, branch_id, user_id):
        return allowed or user_id == employee

    async def edit_employee(allowed, row, customer, user_id):
        return allowed or user_id == employee

    registry.hooks.add_filter("wp_customer_can_create_branch", create_branch)
    registry.hooks.add_filter("wp_customer_can_delete_customer_branch", delete_branch)
    registry.hooks.add_filter("wp_customer_can_create_customer_employee", create_employee)
    registry.hooks.add_filter("wp_customer_can_edit_customer_employee", edit_employee)
'''


def one(url: Any, sql: str, args: Any = None) -> dict[str, Any]:
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute(sql, args)
        row = cur.fetchone()
    conn.close()
    return row


@pytest.fixture(scope="module")
def sites(make_database: Callable, start_bridge: Callable, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One database, two bridges: without and with the granting plugin."""
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "4")
    employee = one(url, "SELECT ID FROM wp_users WHERE user_login = 'demo_employee'")["ID"]
    folder: Path = tmp_path_factory.mktemp("permission_hooks")
    (folder / "grant.py").write_text(GRANTING_PLUGIN.format(employee=employee))
    return {
        "url": url,
        "plain": start_bridge(url),
        "granting": start_bridge(url, {"BRIDGE_HOOKS_PATH": str(folder)}),
        "auth": ("demo_employee", demo_application_passwords(1)["demo_employee"]),
        "employee": one(url, "SELECT * FROM wp_app_customer_employees WHERE user_id = %s", (employee,)),
        "free_user": one(url, "SELECT ID FROM wp_users WHERE user_login = 'demo_subscriber'")["ID"],
    }


def test_create_employee_is_granted_by_the_filter_only(sites: dict[str, Any]) -> None:
    me = sites["employee"]
    body = employee_body(me["customer_id"], me["branch_id"], sites["free_user"], "granted")
    plain: BridgeServer = sites["plain"]
    assert plain.client.post(f"{API}/employees", json=body, auth=sites["auth"]).status_code == 403
    granted = sites["granting"].client.post(f"{API}/employees", json=body, auth=sites["auth"])
    assert granted.status_code == 201, granted.text


def test_edit_employee_is_granted_by_the_filter_only(sites: dict[str, Any]) -> None:
    me = sites["employee"]
    colleague = one(
        sites["url"],
        "SELECT id FROM wp_app_customer_employees WHERE branch_id = %s AND id <> %s AND created_by <> %s LIMIT 1",
        (me["branch_id"], me["id"], me["user_id"]),
    )
    path = f"{API}/employees/{colleague['id']}"
    assert sites["plain"].client.patch(path, json={"position": "Kepala"}, auth=sites["auth"]).status_code == 403
    granted = sites["granting"].client.patch(path, json={"position": "Kepala"}, auth=sites["auth"])
    assert granted.status_code == 200 and granted.json()["position"] == "Kepala"


def test_create_and_delete_branch_are_granted_by_the_filter_only(sites: dict[str, Any]) -> None:
    me = sites["employee"]
    regency = one(
        sites["url"],
        "SELECT r.id FROM wp_wi_regencies r JOIN wp_wi_provinces p ON p.id = r.province_id "
        "JOIN wp_app_agencies a ON a.provinsi_code = p.code WHERE r.id NOT IN "
        "(SELECT regency_id FROM wp_app_customer_branches WHERE customer_id = %s) ORDER BY r.id LIMIT 1",
        (me["customer_id"],),
    )
    body = {
        "customer_id": me["customer_id"],
        "name": "Cabang Izin Filter",
        "type": "cabang",
        "regency_id": regency["id"],
    }
    assert sites["plain"].client.post(f"{API}/branches", json=body, auth=sites["auth"]).status_code == 403
    created = sites["granting"].client.post(f"{API}/branches", json=body, auth=sites["auth"])
    assert created.status_code == 201, created.text
    path = f"{API}/branches/{created.json()['id']}"
    assert sites["plain"].client.delete(path, auth=sites["auth"]).status_code == 403
    deleted = sites["granting"].client.delete(path, auth=sites["auth"])
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True


def test_filters_never_reach_rows_outside_the_scope(sites: dict[str, Any]) -> None:
    """A granting filter does not make another customer's rows writable: they stay a 404."""
    me = sites["employee"]
    other = one(
        sites["url"], "SELECT id FROM wp_app_customer_employees WHERE customer_id <> %s LIMIT 1", (me["customer_id"],)
    )
    response = sites["granting"].client.patch(
        f"{API}/employees/{other['id']}", json={"position": "X"}, auth=sites["auth"]
    )
    assert response.status_code == 404
