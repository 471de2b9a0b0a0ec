"""bridge.demo against the real MariaDB: the generated site is consistent, reproducible and usable.

One 30-customer site is generated per module and checked from many sides; other tests make
their own databases (second seed, multisite prefixes, documented layout, refusal).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pymysql
import pytest

from bridge.demo import (
    DEMO_PASSWORD,
    FIXED_LOGINS,
    DemoError,
    DemoResult,
    demo_application_passwords,
    format_logins,
    generate,
)
from bridge.migrate import migrate
from bridge.roles import (
    AGENCY_PLUGIN_CAPS,
    ALL_CUSTOMER_CAPS,
    ROLE_DEFINITIONS,
    WORDPRESS_ADMIN_CAPS,
)
from bridge.schema import TableNames, introspect
from bridge.settings import DatabaseURL
from bridge.wordpress import check_password, match_application_password, php_loads
from tests.support.database import connect

WP = TableNames.for_prefix("wp_")
CUSTOMERS = 30


class Site:
    """A migrated database with demo data, and what generate() reported."""

    def __init__(self, conn: pymysql.connections.Connection, names: TableNames, result: DemoResult, log: list[str]):
        self.conn = conn
        self.names = names
        self.result = result
        self.log = log

    def all(self, sql: str, args: Any = ()) -> list[dict[str, Any]]:
        with self.conn.cursor() as cur:
            cur.execute(sql, args)
            return list(cur.fetchall())

    def one(self, sql: str, args: Any = ()) -> Any:
        rows = self.all(sql, args)
        return next(iter(rows[0].values())) if rows else None

    def login(self, username: str):
        return next(x for x in self.result.logins if x.username == username)


def build_site(
    make_database: Callable[[], DatabaseURL],
    *,
    customers: int = CUSTOMERS,
    seed: int = 1,
    names: TableNames = WP,
    layout: str = "real",
) -> Site:
    conn = connect(make_database())
    migrate(conn, names, layout=layout)
    log: list[str] = []
    result = generate(conn, names, introspect(conn, names), customers=customers, seed=seed, out=log.append)
    return Site(conn, names, result, log)


@pytest.fixture(scope="module")
def site(make_database: Callable[[], DatabaseURL]) -> Iterator[Site]:
    demo = build_site(make_database)
    yield demo
    demo.conn.close()


def duplicates(site: Site, table: str, *columns: str) -> list[dict[str, Any]]:
    cols = ", ".join(columns)
    return site.all(f"SELECT {cols}, COUNT(*) AS n FROM `{table}` GROUP BY {cols} HAVING COUNT(*) > 1")


def user_roles(site: Site, user_id: int) -> set[str]:
    raw = site.one(
        f"SELECT meta_value FROM `{site.names.usermeta}` WHERE user_id = %s AND meta_key = %s",
        (user_id, site.names.prefix + "capabilities"),
    )
    return {role for role, granted in php_loads(raw).items() if granted}


# --- sizes and counts ------------------------------------------------------------------------


def test_counts_reported_match_the_tables(site: Site) -> None:
    counts = site.result.counts
    assert counts["customers"] == CUSTOMERS
    for key in ("users", "usermeta", "customers", "branches", "employees", "agencies", "divisions",
                "jurisdictions", "agency_employees", "platform_staff"):  # fmt: skip
        assert site.one(f"SELECT COUNT(*) FROM `{getattr(site.names, key)}`") == counts[key], key
    assert site.result.seconds > 0
    assert any("customers" in line for line in site.log)


def test_sizes_are_realistic(site: Site) -> None:
    counts = site.result.counts
    assert 1.5 * CUSTOMERS <= counts["branches"] - CUSTOMERS <= 2.5 * CUSTOMERS  # ~2 cabang each
    assert 3.5 * CUSTOMERS <= counts["employees"] <= 6.5 * CUSTOMERS  # ~5 employees each
    assert counts["agencies"] == site.one(f"SELECT COUNT(*) FROM `{site.names.provinces}`") == 38
    assert counts["jurisdictions"] == site.one(f"SELECT COUNT(*) FROM `{site.names.regencies}`")
    assert counts["platform_staff"] == 10


# --- referential consistency ------------------------------------------------------------------


def test_every_branch_belongs_to_an_existing_customer(site: Site) -> None:
    n = site.names
    orphans = site.one(
        f"SELECT COUNT(*) FROM `{n.branches}` b LEFT JOIN `{n.customers}` c ON c.id = b.customer_id WHERE c.id IS NULL"
    )
    assert orphans == 0


def test_every_employee_works_at_a_branch_of_their_customer(site: Site) -> None:
    n = site.names
    wrong = site.all(
        f"SELECT e.id FROM `{n.employees}` e LEFT JOIN `{n.branches}` b ON b.id = e.branch_id "
        "WHERE b.id IS NULL OR b.customer_id <> e.customer_id"
    )
    assert wrong == []


def test_every_customer_has_exactly_one_pusat(site: Site) -> None:
    n = site.names
    rows = site.all(
        f"SELECT c.id, SUM(b.type = 'pusat') AS pusat FROM `{n.customers}` c "
        f"LEFT JOIN `{n.branches}` b ON b.customer_id = c.id GROUP BY c.id"
    )
    assert len(rows) == CUSTOMERS
    assert all(row["pusat"] == 1 for row in rows)


def test_pusat_is_run_by_the_owner_in_the_customers_regency(site: Site) -> None:
    n = site.names
    wrong = site.all(
        f"SELECT b.id FROM `{n.branches}` b JOIN `{n.customers}` c ON c.id = b.customer_id "
        "WHERE b.type = 'pusat' AND (b.user_id <> c.user_id OR b.regency_id <> c.regency_id "
        "OR b.provinsi_id <> c.provinsi_id OR b.created_by <> c.user_id)"
    )
    assert wrong == []


def test_branch_agency_is_its_provinces_and_division_covers_its_regency(site: Site) -> None:
    n = site.names
    wrong = site.all(
        f"SELECT b.id FROM `{n.branches}` b "
        f"JOIN `{n.regencies}` r ON r.id = b.regency_id "
        f"JOIN `{n.provinces}` p ON p.id = b.provinsi_id "
        f"LEFT JOIN `{n.agencies}` a ON a.provinsi_code = p.code "
        f"LEFT JOIN `{n.jurisdictions}` j ON j.jurisdiction_code = r.code "
        f"LEFT JOIN `{n.divisions}` d ON d.id = b.division_id "
        "WHERE r.province_id <> p.id OR a.id IS NULL OR b.agency_id <> a.id "
        "OR j.division_id IS NULL OR b.division_id <> j.division_id OR d.agency_id <> b.agency_id"
    )
    assert wrong == []
    assert site.one(f"SELECT COUNT(*) FROM `{n.branches}` WHERE regency_id IS NULL OR division_id IS NULL") == 0


def test_customers_sit_in_real_regions(site: Site) -> None:
    n = site.names
    wrong = site.one(
        f"SELECT COUNT(*) FROM `{n.customers}` c LEFT JOIN `{n.regencies}` r ON r.id = c.regency_id "
        "WHERE r.id IS NULL OR r.province_id <> c.provinsi_id"
    )
    assert wrong == 0


def test_jurisdictions_cover_every_regency_once_with_the_agencys_divisions(site: Site) -> None:
    n = site.names
    rows = site.all(
        f"SELECT r.code, COUNT(j.id) AS n, MIN(p.code = a.provinsi_code) AS same_province "
        f"FROM `{n.regencies}` r JOIN `{n.provinces}` p ON p.id = r.province_id "
        f"LEFT JOIN `{n.jurisdictions}` j ON j.jurisdiction_code = r.code "
        f"LEFT JOIN `{n.divisions}` d ON d.id = j.division_id LEFT JOIN `{n.agencies}` a ON a.id = d.agency_id "
        "GROUP BY r.code"
    )
    assert all(row["n"] == 1 and row["same_province"] == 1 for row in rows)
    per_agency = site.all(
        f"SELECT agency_id, SUM(type = 'pusat') AS pusat, SUM(type = 'cabang') AS cabang "
        f"FROM `{n.divisions}` GROUP BY agency_id"
    )
    assert len(per_agency) == 38
    assert all(row["pusat"] == 1 and 1 <= row["cabang"] <= 3 for row in per_agency)


def test_inspectors_are_pengawas_of_the_branchs_agency(site: Site) -> None:
    n = site.names
    rows = site.all(
        f"SELECT b.id, ae.agency_id FROM `{n.branches}` b "
        f"LEFT JOIN `{n.agency_employees}` ae ON ae.user_id = b.inspector_id WHERE b.inspector_id IS NOT NULL"
    )
    assert rows, "some branches have an inspector"
    inspected = site.all(f"SELECT id, agency_id FROM `{n.branches}` WHERE inspector_id IS NOT NULL")
    agency_of = {row["id"]: row["agency_id"] for row in inspected}
    assert all(row["agency_id"] == agency_of[row["id"]] for row in rows)
    for uid in {
        row["inspector_id"]
        for row in site.all(f"SELECT inspector_id FROM `{n.branches}` WHERE inspector_id IS NOT NULL")
    }:
        assert user_roles(site, uid) & {"agency_pengawas", "agency_pengawas_spesialis"}


def test_unique_keys_hold_although_checks_were_off(site: Site) -> None:
    n = site.names
    for table, columns in [
        (n.customers, ("code",)), (n.customers, ("npwp",)), (n.customers, ("nib",)), (n.customers, ("name",)),
        (n.branches, ("code",)), (n.branches, ("customer_id", "name")), (n.branches, ("customer_id", "regency_id")),
        (n.employees, ("email",)), (n.employees, ("user_id",)), (n.users, ("user_login",)), (n.users, ("user_email",)),
        (n.agencies, ("code",)), (n.divisions, ("code",)), (n.divisions, ("agency_id", "name")),
        (n.jurisdictions, ("jurisdiction_code",)), (n.agency_employees, ("email",)),
        (n.platform_staff, ("user_id",)), (n.platform_staff, ("employee_id",)), (n.usermeta, ("user_id", "meta_key")),
    ]:  # fmt: skip
        assert duplicates(site, table, *columns) == [], (table, columns)


# --- the plugin's formats ---------------------------------------------------------------------


def test_customer_fields_follow_the_plugin(site: Site) -> None:
    rows = site.all(f"SELECT * FROM `{site.names.customers}` ORDER BY id")
    assert rows[0]["name"] == "PT Maju Bersama"
    for row in rows:
        assert re.fullmatch(r"\d{4}[A-Z][a-z]\d{2}[A-Z][a-z]", row["code"]), row["code"]
        assert re.fullmatch(r"\d{2}\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}", row["npwp"]), row["npwp"]
        assert re.fullmatch(r"\d{13}", row["nib"]), row["nib"]
        assert re.fullmatch(r"(PT|CV) \w+ \w+( \d+)?", row["name"]), row["name"]
        assert row["reg_type"] == "generate" and row["created_by"] == 1
        assert row["status"] in ("active", "inactive")
        assert row["created_at"] == row["updated_at"]


def test_branch_and_employee_fields_follow_the_plugin(site: Site) -> None:
    n = site.names
    branches = site.all(
        f"SELECT b.*, c.code AS customer_code FROM `{n.branches}` b JOIN `{n.customers}` c ON c.id = b.customer_id"
    )
    for b in branches:
        assert re.fullmatch(re.escape(b["customer_code"]) + r"-\d{2}", b["code"]), b["code"]
        assert re.fullmatch(r"\d{13}", b["nitku"]) and re.fullmatch(r"\d{5}", b["postal_code"])
        assert -11 <= float(b["latitude"]) <= 6 and 95 <= float(b["longitude"]) <= 141
        assert b["address"] and b["phone"] and "@" in b["email"]
    employees = site.all(f"SELECT * FROM `{n.employees}`")
    for e in employees:
        assert e["finance"] + e["operation"] + e["legal"] + e["purchase"] >= 1
        assert e["email"].endswith("@example.com")
    positions = {e["position"] for e in employees}
    assert {"Admin", "Branch Manager"} <= positions and len(positions) > 4


def test_owner_and_branch_admins_have_their_employee_rows(site: Site) -> None:
    n = site.names
    missing = site.all(
        f"SELECT b.id FROM `{n.branches}` b LEFT JOIN `{n.employees}` e "
        "ON e.branch_id = b.id AND e.user_id = b.user_id AND e.position IN ('Admin', 'Branch Manager') "
        "WHERE e.id IS NULL"
    )
    assert missing == []


def test_users_have_the_plugins_dual_roles(site: Site) -> None:
    n = site.names
    owners = {r["user_id"] for r in site.all(f"SELECT user_id FROM `{n.customers}`")}
    branch_admins = {r["user_id"] for r in site.all(f"SELECT user_id FROM `{n.branches}` WHERE type = 'cabang'")}
    staff = {r["user_id"] for r in site.all(f"SELECT user_id FROM `{n.employees}`")} - owners - branch_admins
    assert owners and branch_admins and staff
    for uid in owners:
        assert user_roles(site, uid) == {"customer", "customer_admin"}
    for uid in branch_admins:
        assert user_roles(site, uid) == {"customer", "customer_branch_admin"}
    for uid in staff:
        assert user_roles(site, uid) == {"customer", "customer_employee"}


def test_every_capabilities_meta_names_defined_roles_with_known_caps(site: Site) -> None:
    n = site.names
    option = site.one(f"SELECT option_value FROM `{n.options}` WHERE option_name = %s", (n.prefix + "user_roles",))
    defined = php_loads(option)
    assert defined == ROLE_DEFINITIONS
    known = set(ALL_CUSTOMER_CAPS) | set(AGENCY_PLUGIN_CAPS) | set(WORDPRESS_ADMIN_CAPS)
    for role, definition in defined.items():
        assert definition["name"] and definition["capabilities"]["read"] is True, role
        assert set(definition["capabilities"]) <= known, role
    metas = site.all(
        f"SELECT user_id, meta_value FROM `{n.usermeta}` WHERE meta_key = %s", (n.prefix + "capabilities",)
    )
    assert len(metas) == site.result.counts["users"]
    for meta in metas:
        caps = php_loads(meta["meta_value"])
        assert isinstance(caps, dict) and caps, meta
        assert all(granted is True and role in defined for role, granted in caps.items()), meta


def test_wordpress_passwords_and_options(site: Site) -> None:
    n = site.names
    hashes = {r["user_pass"] for r in site.all(f"SELECT DISTINCT user_pass FROM `{n.users}`")}
    assert len(hashes) == 1
    assert check_password(DEMO_PASSWORD, hashes.pop())
    general = php_loads(
        site.one(f"SELECT option_value FROM `{n.options}` WHERE option_name = 'wp_customer_general_options'")
    )
    assert general["enable_hard_delete_branch"] is False and general["records_per_page"] == 15
    for name in ("siteurl", "home", "blogname"):
        assert site.one(f"SELECT autoload FROM `{n.options}` WHERE option_name = %s", (name,)) == "yes"


# --- the demo logins --------------------------------------------------------------------------


def test_logins_are_the_fixed_ones_with_reproducible_application_passwords(site: Site) -> None:
    logins = site.result.logins
    assert [x.username for x in logins] == [f.username for f in FIXED_LOGINS]
    assert [x.user_id for x in logins] == list(range(1, 10))
    expected = demo_application_passwords(1)
    for login in logins:
        assert login.application_password.replace(" ", "") == expected[login.username]
        assert re.fullmatch(r"([A-Za-z0-9]{4} ){5}[A-Za-z0-9]{4}", login.application_password)
        assert login.wordpress_password == DEMO_PASSWORD and login.sees and login.role


def test_each_logins_application_password_is_stored(site: Site) -> None:
    n = site.names
    for login in site.result.logins:
        row = site.all(f"SELECT user_login FROM `{n.users}` WHERE ID = %s", (login.user_id,))
        assert row == [{"user_login": login.username}]
        raw = site.one(
            f"SELECT meta_value FROM `{n.usermeta}` WHERE user_id = %s AND meta_key = '_application_passwords'",
            (login.user_id,),
        )
        items = php_loads(raw)
        assert match_application_password(login.application_password, items) is not None, login.username
        assert match_application_password("wrong" + login.application_password, items) is None
        stored = items[0]["password"]
        assert stored.startswith("$P$B" if login.username == "admin" else "$generic$"), login.username
    assert site.one(f"SELECT option_value FROM `{n.options}` WHERE option_name = 'using_application_passwords'") == "1"


def test_logins_have_the_relations_they_stand_for(site: Site) -> None:
    n = site.names
    uid = {x.username: x.user_id for x in site.result.logins}
    assert user_roles(site, uid["admin"]) == {"administrator"}
    assert site.one(f"SELECT user_id FROM `{n.customers}` WHERE id = 1") == uid["andi_budi"]
    cabang = site.all(
        f"SELECT customer_id, type, status FROM `{n.branches}` WHERE user_id = %s", (uid["demo_branch_admin"],)
    )
    assert cabang == [{"customer_id": 1, "type": "cabang", "status": "active"}]
    employee = site.all(f"SELECT customer_id, status FROM `{n.employees}` WHERE user_id = %s", (uid["demo_employee"],))
    assert employee == [{"customer_id": 1, "status": "active"}]
    agency = site.all(f"SELECT id, status FROM `{n.agencies}` WHERE user_id = %s", (uid["demo_agency_admin"],))
    assert len(agency) == 1 and agency[0]["status"] == "active"
    assert (
        site.one(f"SELECT COUNT(*) FROM `{n.branches}` WHERE customer_id = 1 AND agency_id = %s", (agency[0]["id"],))
        >= 1
    )
    assert user_roles(site, uid["demo_agency_admin"]) == {"agency", "agency_admin_dinas"}
    assert site.one(f"SELECT COUNT(*) FROM `{n.agency_employees}` WHERE user_id = %s", (uid["demo_pengawas"],)) == 1
    assert site.one(f"SELECT COUNT(*) FROM `{n.branches}` WHERE inspector_id = %s", (uid["demo_pengawas"],)) >= 1
    assert user_roles(site, uid["demo_pengawas"]) == {"agency", "agency_pengawas"}
    for username, role in (("demo_platform_viewer", "platform_viewer"), ("demo_platform_admin", "platform_admin")):
        assert site.one(f"SELECT status FROM `{n.platform_staff}` WHERE user_id = %s", (uid[username],)) == "aktif"
        assert user_roles(site, uid[username]) == {"platform_staff", role}
    assert site.one(f"SELECT COUNT(*) FROM `{n.platform_staff}` WHERE status <> 'aktif'") == 1
    nobody = uid["demo_subscriber"]
    assert user_roles(site, nobody) == {"subscriber"}
    for table, column in ((n.customers, "user_id"), (n.branches, "user_id"), (n.branches, "inspector_id"),
                          (n.employees, "user_id"), (n.agencies, "user_id"), (n.agency_employees, "user_id"),
                          (n.platform_staff, "user_id")):  # fmt: skip
        assert site.one(f"SELECT COUNT(*) FROM `{table}` WHERE `{column}` = %s", (nobody,)) == 0


def test_format_logins_prints_a_table_and_curls(site: Site) -> None:
    text = format_logins(site.result, "http://127.0.0.1:8080/")
    for login in site.result.logins:
        assert login.username in text
        assert (
            f"curl -u '{login.username}:{login.application_password}' "
            "http://127.0.0.1:8080/wp-json/wp-customer/v1/users/me"
        ) in text
    assert DEMO_PASSWORD in text


# --- reproducibility, refusal, prefixes, layouts ------------------------------------------------


def test_same_seed_gives_identical_rows(site: Site, make_database: Callable[[], DatabaseURL]) -> None:
    again = build_site(make_database)
    try:
        for key in ("customers", "branches", "employees", "agencies", "agency_employees"):
            table = getattr(WP, key)
            assert again.all(f"SELECT * FROM `{table}` ORDER BY id") == site.all(
                f"SELECT * FROM `{table}` ORDER BY id"
            ), key
        assert again.result.logins == site.result.logins
    finally:
        again.conn.close()


def test_another_seed_gives_other_data(site: Site, make_database: Callable[[], DatabaseURL]) -> None:
    other = build_site(make_database, customers=5, seed=2)
    try:
        codes = {r["code"] for r in other.all(f"SELECT code FROM `{WP.customers}`")}
        assert not codes & {r["code"] for r in site.all(f"SELECT code FROM `{WP.customers}`")}
        assert other.result.logins[0].application_password != site.result.logins[0].application_password
    finally:
        other.conn.close()


def test_refuses_a_database_that_has_customers(site: Site) -> None:
    before = site.one(f"SELECT COUNT(*) FROM `{WP.users}`")
    with pytest.raises(DemoError, match="database already has customers; demo data loads only into an empty database"):
        generate(site.conn, WP, introspect(site.conn, WP), customers=3, out=lambda _: None)
    assert site.one(f"SELECT COUNT(*) FROM `{WP.users}`") == before


def test_multisite_prefix_keeps_users_network_wide(make_database: Callable[[], DatabaseURL]) -> None:
    names = TableNames.for_prefix("wp_2_", "wp_")
    demo = build_site(make_database, customers=5, names=names)
    try:
        assert demo.one("SELECT COUNT(*) FROM `wp_2_app_customers`") == 5
        assert (
            demo.one("SELECT COUNT(*) FROM `wp_usermeta` WHERE meta_key = 'wp_2_capabilities'")
            == demo.result.counts["users"]
        )
        assert demo.one("SELECT COUNT(*) FROM `wp_usermeta` WHERE meta_key = 'wp_capabilities'") == 0
        assert (
            demo.one("SELECT COUNT(*) FROM `wp_usermeta` WHERE meta_key = 'wp_2_user_level'")
            == demo.result.counts["users"]
        )
        assert php_loads(demo.one("SELECT option_value FROM `wp_2_options` WHERE option_name = 'wp_2_user_roles'"))
        assert user_roles(demo, 2) == {"customer", "customer_admin"}
        tables = {r["TABLE_NAME"] for r in demo.all(
            "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = DATABASE()")}  # fmt: skip
        assert "wp_users" in tables and "wp_2_users" not in tables
    finally:
        demo.conn.close()


def test_documented_layout_gets_codes_and_type(make_database: Callable[[], DatabaseURL]) -> None:
    demo = build_site(make_database, customers=12, layout="documented")
    n = demo.names
    try:
        assert introspect(demo.conn, n).layout == "documented"
        wrong = demo.all(
            f"SELECT c.id FROM `{n.customers}` c LEFT JOIN `{n.regencies}` r ON r.code = c.regency_code "
            f"LEFT JOIN `{n.provinces}` p ON p.id = r.province_id "
            "WHERE r.id IS NULL OR p.code <> c.provinsi_code OR c.type NOT IN ('PT', 'CV')"
        )
        assert wrong == []
        orphans = demo.all(
            f"SELECT e.id FROM `{n.employees}` e LEFT JOIN `{n.branches}` b ON b.id = e.branch_id "
            "WHERE b.id IS NULL OR b.customer_id <> e.customer_id"
        )
        assert orphans == []
        assert duplicates(demo, n.employees, "user_id") == []
        assert demo.result.counts["branches"] >= 12
        assert len(demo.result.logins) == len(FIXED_LOGINS)
    finally:
        demo.conn.close()


def test_roles_all_grant_read_and_admin_has_every_plugin_cap() -> None:
    for role, definition in ROLE_DEFINITIONS.items():
        assert definition["capabilities"].get("read") is True, role
    admin = ROLE_DEFINITIONS["administrator"]["capabilities"]
    assert set(ALL_CUSTOMER_CAPS) <= set(admin) and {"manage_options", "edit_users", "list_users"} <= set(admin)
    owner = ROLE_DEFINITIONS["customer_admin"]["capabilities"]
    assert "edit_own_customer" in owner and "delete_customer" not in owner and "add_customer" not in owner
    assert "delete_customer_employee" in ROLE_DEFINITIONS["customer_branch_admin"]["capabilities"]
    assert set(ROLE_DEFINITIONS["platform_viewer"]["capabilities"]) == {
        "read",
        "view_customer_list",
        "view_customer_detail",
    }
    assert not any(
        "view_agency_list" in ROLE_DEFINITIONS[r]["capabilities"] for r in ROLE_DEFINITIONS if r.startswith("platform_")
    )
    assert "edit_agency" in ROLE_DEFINITIONS["agency_admin_dinas"]["capabilities"]
    assert "edit_agency" not in ROLE_DEFINITIONS["agency_pengawas"]["capabilities"]
