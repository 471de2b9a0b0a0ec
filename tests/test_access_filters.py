"""The plugin's access filters through Python integration plugins: each filter, hooked by a plugin
in a temporary BRIDGE_HOOKS_PATH folder, changes exactly the rows, counts and statistics of the
user it targets, and nothing any other demo user sees.

Each filter gets its own bridge over one demo database; every demo login's view (the REST
totals, the statistics, the agency tab, one employee by id) is compared with a bridge without
the plugin. The differences must be exactly the expected cells."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bridge.demo import demo_application_passwords
from bridge.demo.logins import FIXED_LOGINS
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.server import BridgeServer

API = "/wp-json/wp-customer/v1"

# One plugin per filter: (its body, the cells it must change). A cell is (login, what).
PLUGINS: dict[str, tuple[str, set[tuple[str, str]]]] = {
    "wp_customer_access_type": (
        """
def register(registry):
    def grant(access_type, context):
        # as WP App Core does: only when the plugin's own rules gave nothing
        return "platform" if access_type == "none" and context["user_id"] == SUBSCRIBER else access_type
    registry.hooks.add_filter("wp_customer_access_type", grant)
""",
        {("demo_subscriber", w) for w in ("customers", "employees", "stats", "hidden_employee", "foreign_employee")},
    ),
    "wp_customer_user_relation": (
        """
def register(registry):
    def relation(relation, customer_id, user_id):
        return {**relation, "sees_all_staff": user_id == OWNER}
    def bypass(bypass, user_id, entity, principal):
        # reads back the key the relation filter added, cached with the principal
        return bypass or (entity == "employee" and principal.access.relation.get("sees_all_staff", False))
    registry.hooks.add_filter("wp_customer_user_relation", relation)
    registry.hooks.add_filter("wp_customer_should_bypass_filter", bypass)
""",
        {("andi_budi", w) for w in ("employees", "stats", "foreign_employee")},
    ),
    "wp_customer_branch_access_type": (
        """
def register(registry):
    def withdraw(access_type, context):
        return "none" if context["user_id"] == BRANCH_ADMIN and context["branch_id"] == 0 else access_type
    registry.hooks.add_filter("wp_customer_branch_access_type", withdraw)
""",
        {("demo_branch_admin", w) for w in ("branches", "stats", "tab")},
    ),
    "wp_customer_branch_user_relation": (
        """
def register(registry):
    def relation(relation, branch_id, user_id):
        return {**relation, "inspects_all": user_id == PENGAWAS}
    def bypass(bypass, user_id, entity, principal):
        return bypass or (entity == "branch" and principal.access.branch_relation.get("inspects_all", False))
    registry.hooks.add_filter("wp_customer_branch_user_relation", relation)
    registry.hooks.add_filter("wp_customer_should_bypass_filter", bypass)
""",
        {("demo_pengawas", w) for w in ("branches", "stats", "tab")},
    ),
    "wp_customer_can_view_customer_employee": (
        """
def register(registry):
    def can_view(allowed, employee, customer, user_id):
        return allowed or (user_id == BRANCH_ADMIN and employee["id"] in (HIDDEN, FOREIGN))
    registry.hooks.add_filter("wp_customer_can_view_customer_employee", can_view)
""",
        {("demo_branch_admin", "hidden_employee")},
    ),
    "wp_customer_entity_admin_roles": (
        """
def register(registry):
    def roles(roles, user_id, entity):
        return {**roles, "agency": (*roles.get("agency", ()), "customer_admin")}
    registry.hooks.add_filter("wp_customer_entity_admin_roles", roles)
""",
        {("andi_budi", "agencies")},
    ),
    "wp_customer_should_filter_datatable": (
        """
def register(registry):
    def should(filtered, user_id, entity, config):
        return filtered and not (user_id == AGENCY_ADMIN and entity == "customer")
    registry.hooks.add_filter("wp_customer_should_filter_datatable", should)
""",
        {("demo_agency_admin", w) for w in ("customers", "stats")},
    ),
    "wp_customer_accessible_entity_ids": (
        """
def register(registry):
    def ids(ids, user_id, entity, config):
        return sorted(ids)[:1] if user_id == EMPLOYEE and entity == "branch" else ids
    registry.hooks.add_filter("wp_customer_accessible_entity_ids", ids)
""",
        {("demo_employee", w) for w in ("branches", "stats", "tab")},
    ),
    "wp_customer_agency_admin_roles": (
        """
def register(registry):
    registry.hooks.add_filter("wp_customer_agency_admin_roles", lambda roles, user_id: [*roles, "agency_pengawas"])
""",
        {("demo_pengawas", "tab")},
    ),
    "wp_customer_should_bypass_agency_statistics_filter": (
        """
def register(registry):
    def bypass(bypass, user_id, user):
        return bypass or user_id == PENGAWAS
    registry.hooks.add_filter("wp_customer_should_bypass_agency_statistics_filter", bypass)
""",
        {("demo_pengawas", "tab")},
    ),
}


def one(url: Any, sql: str, args: Any = None) -> dict[str, Any]:
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute(sql, args)
        row = cur.fetchone()
    conn.close()
    return row


@pytest.fixture(scope="module")
def site(
    make_database: Callable, start_bridge: Callable, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """A demo site, its users' ids, the agency whose tab is read and two employees the branch
    admin may not see: one of their own customer, one of another customer."""
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "4")
    ids = {
        login.username: one(url, "SELECT ID FROM wp_users WHERE user_login = %s", (login.username,))["ID"]
        for login in FIXED_LOGINS
    }
    branch = one(
        url, "SELECT id, customer_id FROM wp_app_customer_branches WHERE user_id = %s", (ids["demo_branch_admin"],)
    )
    hidden = one(
        url,
        "SELECT MIN(id) AS id FROM wp_app_customer_employees WHERE customer_id = %s AND branch_id <> %s",
        (branch["customer_id"], branch["id"]),
    )["id"]
    foreign = one(
        url, "SELECT MIN(id) AS id FROM wp_app_customer_employees WHERE customer_id <> %s", (branch["customer_id"],)
    )["id"]
    agency = one(url, "SELECT agency_id FROM wp_app_agency_employees WHERE user_id = %s", (ids["demo_pengawas"],))[
        "agency_id"
    ]
    constants = {
        "SUBSCRIBER": ids["demo_subscriber"],
        "OWNER": ids["andi_budi"],
        "BRANCH_ADMIN": ids["demo_branch_admin"],
        "PENGAWAS": ids["demo_pengawas"],
        "AGENCY_ADMIN": ids["demo_agency_admin"],
        "EMPLOYEE": ids["demo_employee"],
        "HIDDEN": hidden,
        "FOREIGN": foreign,
    }
    folder_root: Path = tmp_path_factory.mktemp("access_filters")
    bridges: dict[str, BridgeServer] = {}

    def bridge(name: str | None) -> BridgeServer:
        key = name or ""
        if key not in bridges:
            env: dict[str, str] = {}
            if name:
                folder = folder_root / name
                folder.mkdir()
                prelude = "".join(f"{k} = {v}\n" for k, v in constants.items())
                (folder / "plugin.py").write_text(prelude + PLUGINS[name][0])
                env["BRIDGE_HOOKS_PATH"] = str(folder)
            bridges[key] = start_bridge(url, env)
        return bridges[key]

    passwords = demo_application_passwords(1)
    yield {"bridge": bridge, "passwords": passwords, "agency": agency, "hidden": hidden, "foreign": foreign}
    for server in bridges.values():  # eleven bridges: their connections must not outlive the module
        server.stop()


def view(site: dict[str, Any], server: BridgeServer, login: str) -> dict[str, Any]:
    """What ``login`` sees: REST totals, statistics, the agency tab, two employees by id."""
    auth = (login, site["passwords"][login])
    out: dict[str, Any] = {}

    def read(path: str) -> Any:
        r = server.client.get(f"{API}{path}", auth=auth)
        return r.json() if r.status_code == 200 else r.status_code

    for resource in ("customers", "branches", "employees"):
        r = server.client.get(f"{API}/{resource}", params={"per_page": 1}, auth=auth)
        out[resource] = int(r.headers["X-WP-Total"]) if r.status_code == 200 else r.status_code
    out["stats"] = read("/statistics/customers")
    out["agencies"] = read("/statistics/agencies")
    out["tab"] = read(f"/tabs/agency/{site['agency']}/statistics")
    out["hidden_employee"] = server.client.get(f"{API}/employees/{site['hidden']}", auth=auth).status_code
    out["foreign_employee"] = server.client.get(f"{API}/employees/{site['foreign']}", auth=auth).status_code
    return out


@pytest.fixture(scope="module")
def plain_views(site: dict[str, Any]) -> dict[str, dict[str, Any]]:
    server = site["bridge"](None)
    return {login.username: view(site, server, login.username) for login in FIXED_LOGINS}


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_each_filter_changes_exactly_what_it_governs(
    name: str, site: dict[str, Any], plain_views: dict[str, dict[str, Any]]
) -> None:
    """A plugin hooking one filter changes exactly the expected cells (rows, counts, statistics,
    an item) of the user it targets; every other user's view, and the target's other cells, stay."""
    server = site["bridge"](name)
    try:
        hooked = {login.username: view(site, server, login.username) for login in FIXED_LOGINS}
    finally:
        server.stop()  # one hooked bridge at a time holds database connections
    changed = {
        (login, what)
        for login, cells in hooked.items()
        for what, value in cells.items()
        if value != plain_views[login][what]
    }
    assert changed == PLUGINS[name][1], (name, {c: (plain_views[c[0]][c[1]], hooked[c[0]][c[1]]) for c in changed})
    admin = plain_views["admin"]
    if name == "wp_customer_access_type":  # platform-like: every customer and employee, statistics agree
        got = hooked["demo_subscriber"]
        assert (got["customers"], got["employees"]) == (admin["customers"], admin["employees"])
        assert got["stats"]["total_customers"] == admin["customers"]
        assert got["stats"]["total_employees"] == admin["employees"]
    if name == "wp_customer_branch_access_type":  # withdrawn: no branch, in the list and the statistics
        assert hooked["demo_branch_admin"]["branches"] == 0
        assert hooked["demo_branch_admin"]["stats"]["total_branches"] == 0
    if name == "wp_customer_accessible_entity_ids":
        assert hooked["demo_employee"]["branches"] == 1
        assert hooked["demo_employee"]["stats"]["total_branches"] == 1
    if name == "wp_customer_can_view_customer_employee":  # granted within reach only: not another customer's
        assert (
            plain_views["demo_branch_admin"]["hidden_employee"],
            hooked["demo_branch_admin"]["hidden_employee"],
        ) == (404, 200)
        assert hooked["demo_branch_admin"]["foreign_employee"] == 404
    if name in ("wp_customer_user_relation",):
        assert hooked["andi_budi"]["employees"] == admin["employees"]
    if name == "wp_customer_entity_admin_roles":
        assert hooked["andi_budi"]["agencies"] == admin["agencies"]
    if name in ("wp_customer_agency_admin_roles", "wp_customer_should_bypass_agency_statistics_filter"):
        assert hooked["demo_pengawas"]["tab"] == admin["tab"]  # every branch of the agency, not the inspected one
    if name == "wp_customer_should_filter_datatable":
        assert hooked["demo_agency_admin"]["customers"] == admin["customers"]
