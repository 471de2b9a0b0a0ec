"""Integration plugins: files in BRIDGE_HOOKS_PATH add an entity (a "company": DataTable,
relations, statistics, its own scope, admin roles and row permissions) and change a core table
(where, columns, rows) with no change to bridge/; a broken plugin stops the start naming its
file and the error."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.support.cli import run_cli
from tests.support.database import connect, query
from tests.support.datatables import datatable, row_ids
from tests.support.paths import API, ROOT
from tests.support.server import free_port

COMPANY_PLUGIN = """
# A second entity, as a site would add it: companies linked to customers by a bridge table and
# owned by a user. Everything about it is here: its table, relations, scope, admin roles and the
# permissions of its rows.
from types import SimpleNamespace

from bridge.access import Access, Never, any_of
from bridge.tables.base import Column, TableModel


class CompaniesModel(TableModel):
    def __init__(self, names, schema):
        super().__init__(
            names, schema, resource="companies", entity="company", hook_base="companies", table_key="companies",
            table_name=names.prefix + "app_companies", alias="co", datatable_keys=("id", "name", "status"),
            default_order=(("name", "asc"),),
        )

    def build(self):
        t = self.table
        self.add(Column("id", t.id, "int"))
        self.add(Column("name", t.name, searchable=True))
        self.add(Column("status", t.status))
        self.add(Column("user_id", t.user_id, "int", internal=True))  # the owner: read by the permissions


class GadgetsModel(CompaniesModel):
    # The same table registered without any access config: it must not be open to all.

    def __init__(self, names, schema):
        super().__init__(names, schema)
        self.resource, self.entity, self.hook_base = "gadgets", "gadget", "gadgets"


def company_scope(access, link):
    # Their companies: linked to a customer they may see, or, for customer-side users, their own.
    # Async, as a scope that asked other hooks would be.
    async def scope(principal, table):
        parts = []
        linked = access.related(principal, table.id, "companies", link)
        if not isinstance(linked, Never):
            parts.append(linked)
        if principal.has_role("customer"):
            parts.append(table.user_id == principal.user_id)
        return any_of(parts)

    return scope


# Owners edit their company; deleting stays with administrators (the core's default).
def company_permissions(permissions, row, principal):
    return {**permissions, "edit": permissions["edit"] or row.get("user_id") == principal.user_id}


def register(registry):
    registry.add_table(CompaniesModel(registry.names, registry.schema))
    registry.add_table(GadgetsModel(registry.names, registry.schema))
    link = SimpleNamespace(
        bridge_table=registry.names.prefix + "app_company_customers", entity_column="company_id", customer_column="customer_id"
    )
    config = {
        "resource": "companies",
        "admin_roles": ("agency_admin_dinas",),
        "scope": company_scope(Access(registry.names, registry.schema), link),
    }
    registry.hooks.add_filter("wp_customer_datatable_access_configs", lambda c: {**c, "company": config})
    registry.hooks.add_filter("wpapp_datatable_companies_permissions", company_permissions)
    registry.hooks.add_filter(
        "wp_customer_entity_relation_configs",
        lambda c: {**c, "company": {"bridge_table": "app_company_customers", "entity_column": "company_id",
                                    "customer_column": "customer_id", "cache_group": "company_relations", "cache_ttl": 60}},
    )
"""

TWEAKS_PLUGIN = '''
"""Changes the customers table: active rows only, an extra column, a row key, a response key;
gives branch rows a count of their employees."""
from pypika import Table
from pypika import functions as fn
from bridge.tables.base import ChildCount, Column


async def register(registry):
    c = registry.models["customers"].table
    staff = ChildCount("employees", "branch_id")
    registry.models["branches"].child_count("staff", staff, Table(registry.names.employees).as_("st"), orderable=False)

    async def only_active(where, request, model):
        return [*where, c.status == "active"]

    registry.hooks.add_filter("wpapp_datatable_customers_where", only_active, 20)
    registry.hooks.add_filter(
        "wpapp_datatable_customers_columns",
        lambda columns, model, request: {**columns, "shout": Column("shout", fn.Upper(c.name), orderable=False)},
    )
    registry.hooks.add_filter("wpapp_datatable_customers_row_data", lambda row, raw, model, request: {**row, "big": row["branch_count"] > 2})
    registry.hooks.add_filter("wpapp_datatable_customers_response", lambda response, model, request: {**response, "via": "tweaks"})
'''

COMPANY_SQL = [
    "CREATE TABLE wp_app_companies (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL, "
    "status enum('active','inactive') NOT NULL DEFAULT 'active', user_id bigint unsigned NULL)",
    "CREATE TABLE wp_app_company_customers (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, "
    "company_id bigint unsigned NOT NULL, customer_id bigint unsigned NOT NULL)",
    "INSERT INTO wp_app_companies (id, name, status) VALUES (1, 'Alpha', 'active'), (2, 'Beta', 'active'), "
    "(3, 'Gamma', 'inactive'), (4, 'Delta', 'active')",
    "INSERT INTO wp_app_company_customers (company_id, customer_id) VALUES (1, 1), (1, 2), (2, 1), (3, 5)",
    # Gamma belongs to the demo customer employee, whose employer (customer 1) it is not linked to
    "UPDATE wp_app_companies SET user_id = (SELECT ID FROM wp_users WHERE user_login = 'demo_employee') WHERE id = 3",
]


def _plugin_folder(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / f"hooks-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(text))
    return folder


@pytest.fixture(scope="module")
def company_site(make_database, start_bridge, tmp_path_factory):
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "30", "--seed", "1")
    conn = connect(url)
    with conn.cursor() as cur:
        for statement in COMPANY_SQL:
            cur.execute(statement)
    conn.close()
    folder = _plugin_folder(
        tmp_path_factory.mktemp("plugins"), company=COMPANY_PLUGIN, tweaks=TWEAKS_PLUGIN, _helper="raise SystemExit"
    )
    return SimpleNamespace(url=url, server=start_bridge(url, {"BRIDGE_HOOKS_PATH": str(folder)}))


def test_a_plugin_entity_gets_a_datatable(company_site, demo_logins) -> None:
    client = company_site.server.client
    admin = datatable(client, "companies", demo_logins["admin"].auth, length=-1)
    assert row_ids(admin) == [1, 2, 4, 3]  # by name: Alpha, Beta, Delta, Gamma
    assert admin["data"][0] == {
        "id": 1, "name": "Alpha", "status": "active", "DT_RowId": "company-1",
        "DT_RowData": {"id": 1, "entity": "company"}, "permissions": {"view": True, "edit": True, "delete": True},
    }  # fmt: skip
    owner = datatable(client, "companies", demo_logins["andi_budi"].auth, length=-1, **{"search[value]": "a"})
    assert set(row_ids(owner)) == {1, 2} and owner["recordsTotal"] == 2
    assert datatable(client, "companies", demo_logins["demo_platform_viewer"].auth)["recordsTotal"] == 4
    assert "not allowed" in datatable(client, "companies", demo_logins["demo_subscriber"].auth)["error"]
    plugin = datatable(client, "companies", demo_logins["admin"].auth, shape="plugin")  # no plugin draws it
    assert plugin["data"] == [] and "agencies, branches, customers, employees only" in plugin["error"]


def _their_companies(url, login: str) -> set[int]:
    """The companies a customer employee may see, read from the tables (not from the plugin):
    linked to their employer's customers (active employee rows), or owned by them."""
    user = "(SELECT ID FROM wp_users WHERE user_login = %s)"
    rows = query(
        url,
        f"SELECT id FROM wp_app_companies WHERE user_id = {user} OR id IN (SELECT company_id FROM "
        "wp_app_company_customers WHERE customer_id IN (SELECT customer_id FROM wp_app_customer_employees "
        f"WHERE user_id = {user} AND status = 'active'))",
        login,
        login,
    )
    return {int(r["id"]) for r in rows}


def test_a_plugin_entity_brings_its_own_scope_admin_roles_and_permissions(company_site, demo_logins) -> None:
    """The company plugin declares, in its one file, who sees which companies (its access config's
    async ``scope``: linked to a customer the caller may see, or their own), its admin roles, and
    its rows' buttons (``wpapp_datatable_companies_permissions``). Rows, totals, statistics and
    accessible ids agree on that scope; administrators and platform staff are bypassed before it."""
    client = company_site.server.client
    employee = demo_logins["demo_employee"]
    expected = _their_companies(company_site.url, employee.username)
    assert 3 in expected and 4 not in expected  # their own, and not everyone's
    body = datatable(client, "companies", employee.auth, length=-1)
    assert set(row_ids(body)) == expected
    assert body["recordsTotal"] == body["recordsFiltered"] == len(expected)
    statuses = [row["status"] for row in body["data"]]
    stats = client.get(f"{API}/statistics/companies", auth=employee.auth).json()
    assert stats == {"total": len(expected), "active": statuses.count("active"), "inactive": statuses.count("inactive")}
    accessible = client.get(f"{API}/relations/company/accessible", auth=employee.auth).json()
    assert accessible == {"scope": "some", "ids": sorted(expected)}
    # the owner edits their own companies only; deleting stays with administrators
    assert {row["id"]: row["permissions"] for row in body["data"]} == {
        i: {"view": True, "edit": i == 3, "delete": False} for i in expected
    }
    owner = datatable(client, "companies", demo_logins["andi_budi"].auth, length=-1)
    assert [row["permissions"] for row in owner["data"]] == [{"view": True, "edit": False, "delete": False}] * 2
    everyone = {"view": True, "edit": True, "delete": True}
    for login, granted in (("admin", everyone), ("demo_platform_viewer", None), ("demo_agency_admin", None)):
        rows = datatable(client, "companies", demo_logins[login].auth, length=-1)
        assert row_ids(rows) == [1, 2, 4, 3], login  # administrators, platform staff, the config's admin role
        granted = granted or {"view": True, "edit": False, "delete": False}
        assert all(row["permissions"] == granted for row in rows["data"]), login


def test_the_agency_plugin_gives_its_rows_their_permissions(company_site, demo_logins) -> None:
    """hooks/agency.py draws wp-agency's edit/delete buttons from ``edit_agency`` / ``delete_agency``
    (facts §2.5) through its permissions filter; the core's default would be administrators only."""
    client = company_site.server.client
    for login, can in (("admin", True), ("demo_agency_admin", True), ("andi_budi", False)):
        rows = datatable(client, "agencies", demo_logins[login].auth, length=-1)["data"]
        assert rows, login
        assert all(row["permissions"] == {"view": True, "edit": can, "delete": can} for row in rows), login


def test_a_table_without_access_config_is_closed_to_all_but_bypass_users(company_site, demo_logins) -> None:
    client = company_site.server.client
    assert datatable(client, "gadgets", demo_logins["admin"].auth)["recordsTotal"] == 4
    assert datatable(client, "gadgets", demo_logins["demo_platform_viewer"].auth)["recordsTotal"] == 4
    for login in ("andi_budi", "demo_agency_admin", "demo_subscriber"):
        assert "not allowed" in datatable(client, "gadgets", demo_logins[login].auth)["error"]


def test_a_plugin_entity_gets_relations(company_site, demo_logins) -> None:
    client = company_site.server.client

    def get(path: str, login: str) -> dict:
        return client.get(f"{API}/relations/company/{path}", auth=demo_logins[login].auth).json()

    assert get("1", "admin") == {"customer_count": 2, "branch_count": 2}
    assert get("1", "andi_budi") == {"customer_count": 1, "branch_count": 1}
    assert get("3", "andi_budi") == {"customer_count": 0, "branch_count": 0}
    assert get("accessible", "admin") == {"scope": "all", "ids": []}
    assert get("accessible", "andi_budi") == {"scope": "some", "ids": [1, 2]}
    assert get("accessible", "demo_subscriber") == {"scope": "none", "ids": []}
    entities = client.get(f"{API}/relations/planet/1", auth=demo_logins["admin"].auth).json()["data"]["entities"]
    assert entities == ["agency", "company"]


def test_a_plugin_entity_gets_statistics(company_site, demo_logins) -> None:
    client = company_site.server.client
    admin = client.get(f"{API}/statistics/companies", auth=demo_logins["admin"].auth).json()
    assert admin == {"total": 4, "active": 3, "inactive": 1}
    owner = client.get(f"{API}/statistics/companies", auth=demo_logins["andi_budi"].auth).json()
    assert owner == {"total": 2, "active": 2, "inactive": 0}
    assert client.get(f"{API}/statistics/companies", auth=demo_logins["demo_subscriber"].auth).status_code == 403
    evicted = client.post(
        f"{API}/cache/invalidate", json={"entity": "company", "id": 1}, auth=demo_logins["admin"].auth
    )
    assert "company_relations" in evicted.json()["evicted"]


def test_a_plugin_changes_where_columns_and_rows(company_site, demo_logins) -> None:
    client = company_site.server.client
    active = query(company_site.url, "SELECT id, name FROM wp_app_customers WHERE status = 'active' ORDER BY code, id")
    columns = [{"data": "code"}, {"data": "name"}, {"data": "shout", "searchable": False}]
    body = datatable(client, "customers", demo_logins["admin"].auth, columns=columns, length=-1)
    assert body["recordsTotal"] == body["recordsFiltered"] == len(active) < 30
    assert row_ids(body) == [r["id"] for r in active]
    assert all(row["shout"] == row["name"].upper() and isinstance(row["big"], bool) for row in body["data"])
    assert body["via"] == "tweaks"
    unordered = datatable(
        client,
        "customers",
        demo_logins["admin"].auth,
        columns=columns,
        **{"order[0][column]": 2, "order[0][dir]": "asc"},
    )
    assert "cannot be ordered" in unordered["error"]


def test_a_plugin_count_column_counts_what_the_caller_may_see(company_site, demo_logins) -> None:
    """A per-row count a plugin declares (``ChildCount``) is scoped like the customers' counts:
    each branch's ``staff`` is the caller's employees table of that branch."""
    client = company_site.server.client
    columns = [{"data": "code"}, {"data": "staff", "searchable": False, "orderable": False}]
    seen = []
    for login in ("admin", "andi_budi", "demo_branch_admin", "demo_employee"):
        auth = demo_logins[login].auth
        rows = datatable(client, "branches", auth, columns=columns, length=-1, customer_id=1)["data"]
        assert rows, login
        for row in rows:
            staff = datatable(client, "employees", auth, customer_id=1, branch_id=row["id"], length=1)
            assert row["staff"] == staff["recordsTotal"], (login, row["id"])
            seen.append(row["staff"])
    assert 0 in seen and max(seen) > 1  # someone saw a branch whose staff they may not see


def _failed_start(make_database, tmp_path, env: dict[str, str] | None = None, **files: str) -> str:
    """Run ``wpbridge serve`` with the plugins; it must exit non-zero. Its own session, because
    Sanic SIGKILLs the whole process group of a worker that fails to start."""
    url = make_database()
    run_cli(url, "migrate")
    env = dict(
        os.environ,
        BRIDGE_DATABASE_URL=url.to_url(),
        BRIDGE_PORT=str(free_port()),
        BRIDGE_CACHE_DIR=str(tmp_path / "cache"),
        BRIDGE_RUN_DIR=str(tmp_path / "run"),
        BRIDGE_WORKERS="1",
        BRIDGE_HOOKS_PATH=str(_plugin_folder(tmp_path, **files)),
        **(env or {}),
    )
    done = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "serve"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,
    )
    assert done.returncode != 0, "the bridge started despite a broken plugin"
    return done.stdout + done.stderr


def test_a_broken_plugin_stops_the_start(make_database, tmp_path) -> None:
    log = _failed_start(make_database, tmp_path, zzz_broken="x = undefined_name\n")
    assert "refusing to start: plugin" in log
    assert "zzz_broken.py failed to load: NameError: name 'undefined_name' is not defined" in log


def test_plugins_must_register_and_configs_must_be_valid(make_database, tmp_path) -> None:
    log = _failed_start(make_database, tmp_path, lazy="VALUE = 1\n")
    assert "lazy.py failed to load: it defines no register(registry) function" in log
    bad_relation = (
        "def register(registry):\n"
        "    registry.hooks.add_filter('wp_customer_entity_relation_configs', lambda c: {**c, 'thing': "
        "{'bridge_table': 'app_missing', 'entity_column': 'thing_id'}})\n"
    )
    log = _failed_start(make_database, tmp_path, thing=bad_relation)
    assert "relation config 'thing': cannot read thing_id, customer_id and id of table wp_app_missing" in log
    unknown_count = (
        "from pypika import Table\n"
        "from bridge.tables.base import ChildCount\n"
        "def register(registry):\n"
        "    registry.models['customers'].child_count('planets', ChildCount('planets', 'customer_id'), Table('wp_planets'))\n"
    )
    log = _failed_start(make_database, tmp_path, planets=unknown_count)
    assert "column 'planets' of table 'customers' counts rows of 'planets', which no model serves" in log


def test_a_broken_installed_plugin_is_named_by_its_entry_point(make_database, tmp_path) -> None:
    """A plugin installed as a distribution (here its .dist-info and module on the path, as pip
    would leave them) loads through the ``wp_customer_bridge.plugins`` entry point; when it fails,
    the start stops naming the entry point and its distribution. The pip-installed success case is
    in tests/test_packaging.py."""
    site = tmp_path / "site-packages"
    dist_info = site / "wpbridge_broken-0.1.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: wpbridge-broken\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text("[wp_customer_bridge.plugins]\nbroken = wpbridge_broken\n")
    (site / "wpbridge_broken.py").write_text("x = undefined_name\n")
    log = _failed_start(make_database, tmp_path, env={"PYTHONPATH": str(site)})
    assert "refusing to start: plugin entry point broken = wpbridge_broken of wpbridge-broken 0.1 failed to load" in log
    assert "NameError: name 'undefined_name' is not defined" in log


def test_the_agency_plugin_registers_nothing_without_wp_agency() -> None:
    module = importlib.import_module("bridge.bundled_hooks.agency")
    added: list = []
    registry = SimpleNamespace(schema=SimpleNamespace(has_table=lambda name: False), add_table=added.append, hooks=None)
    module.register(registry)
    assert added == []
