"""bridge.schema against the real MariaDB: migrate, both plugin layouts, prefixes, introspection."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pymysql
import pytest

from bridge.migrate import load_sql, migrate, split_statements
from bridge.schema import (
    PLUGIN_TABLES,
    SchemaError,
    SchemaInfo,
    TableNames,
    check_required,
    introspect,
    schema_from_rows,
)
from bridge.settings import DatabaseURL
from tests.support.database import connect

WP = TableNames.for_prefix("wp_", "wp_")

# Provinces that have fewer than six regencies/cities in reality; the data holds all of theirs.
SMALL_PROVINCES = {"34": 5, "65": 5, "93": 4}


@pytest.fixture
def conn(make_database: Callable[[], DatabaseURL]) -> Iterator[pymysql.connections.Connection]:
    """An autocommit DictCursor connection to a fresh, empty database."""
    connection = connect(make_database())
    yield connection
    connection.close()


def tables_in(conn: pymysql.connections.Connection) -> set[str]:
    with conn.cursor() as cur:
        cur.execute("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = DATABASE()")
        return {row["TABLE_NAME"] for row in cur.fetchall()}


def show_create(conn: pymysql.connections.Connection, tables: list[str]) -> dict[str, str]:
    result = {}
    with conn.cursor() as cur:
        for table in tables:
            cur.execute(f"SHOW CREATE TABLE `{table}`")
            result[table] = cur.fetchone()["Create Table"]
    return result


def columns_of(conn: pymysql.connections.Connection, table: str) -> list[str]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
            "AND TABLE_NAME = %s ORDER BY ORDINAL_POSITION",
            (table,),
        )
        return [row["COLUMN_NAME"] for row in cur.fetchall()]


def foreign_keys(conn: pymysql.connections.Connection) -> set[tuple[str, str, str]]:
    """(table, referenced table, delete rule) of every foreign key in the database."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT TABLE_NAME, REFERENCED_TABLE_NAME, DELETE_RULE FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS "
            "WHERE CONSTRAINT_SCHEMA = DATABASE()"
        )
        return {(r["TABLE_NAME"], r["REFERENCED_TABLE_NAME"], r["DELETE_RULE"]) for r in cur.fetchall()}


def test_migrate_creates_every_table_and_returns_their_names(conn: pymysql.connections.Connection) -> None:
    created = migrate(conn, WP)
    assert sorted(created) == sorted(WP.all_tables())
    assert tables_in(conn) == set(WP.all_tables())


def test_second_migrate_returns_nothing_and_changes_no_table(conn: pymysql.connections.Connection) -> None:
    migrate(conn, WP)
    before = show_create(conn, WP.all_tables())
    with conn.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) AS n FROM {WP.regencies}")
        regencies = cur.fetchone()["n"]
    assert migrate(conn, WP) == []
    assert show_create(conn, WP.all_tables()) == before
    with conn.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) AS n FROM {WP.regencies}")
        assert cur.fetchone()["n"] == regencies


def test_multisite_prefix_puts_only_users_and_usermeta_under_base_prefix(conn: pymysql.connections.Connection) -> None:
    names = TableNames.for_prefix("wp_2_", "wp_")
    migrate(conn, names)
    found = tables_in(conn)
    assert {"wp_users", "wp_usermeta"} <= found
    assert {t for t in found if not t.startswith("wp_2_")} == {"wp_users", "wp_usermeta"}
    assert "wp_2_options" in found and "wp_2_app_customers" in found and "wp_2_wpbridge_outbox" in found
    assert not any(t.startswith("wp_app_") or t.startswith("wp_wi_") for t in found)


def test_base_prefix_defaults_to_the_table_prefix() -> None:
    names = TableNames.for_prefix("site_")
    assert names.users == "site_users" and names.customers == "site_app_customers"


def test_table_names_follow_the_plugins_naming() -> None:
    assert WP.branches == "wp_app_customer_branches"
    assert WP.employees == "wp_app_customer_employees"
    assert WP.divisions == "wp_app_agency_divisions"
    assert WP.provinces == "wp_wi_provinces"
    assert WP.outbox == "wp_wpbridge_outbox"
    assert WP.logical("wp_app_customers") == "customers"
    assert WP.logical("wp_posts") is None


@pytest.mark.parametrize("prefix", ["", "wp-", "wp_;DROP", "wp `x`", "wp_\n"])
def test_prefix_with_other_characters_than_letters_digits_underscore_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError):
        TableNames.for_prefix(prefix, "wp_")
    with pytest.raises(ValueError):
        TableNames.for_prefix("wp_", prefix)


def test_real_layout_tables_have_exactly_the_plugins_columns(conn: pymysql.connections.Connection) -> None:
    migrate(conn, WP)
    assert columns_of(conn, WP.customers) == [
        "id",
        "code",
        "name",
        "npwp",
        "nib",
        "status",
        "provinsi_id",
        "regency_id",
        "user_id",
        "reg_type",
        "created_by",
        "created_at",
        "updated_at",
    ]
    assert columns_of(conn, WP.branches) == [
        "id",
        "customer_id",
        "code",
        "name",
        "type",
        "nitku",
        "postal_code",
        "latitude",
        "longitude",
        "address",
        "phone",
        "email",
        "provinsi_id",
        "agency_id",
        "regency_id",
        "division_id",
        "user_id",
        "inspector_id",
        "created_by",
        "created_at",
        "updated_at",
        "status",
    ]
    assert columns_of(conn, WP.employees) == [
        "id",
        "customer_id",
        "branch_id",
        "user_id",
        "name",
        "position",
        "finance",
        "operation",
        "legal",
        "purchase",
        "keterangan",
        "email",
        "phone",
        "created_by",
        "created_at",
        "updated_at",
        "status",
    ]
    create = show_create(conn, [WP.customers])[WP.customers]
    assert "DEFAULT 'inactive'" in create and "UNIQUE KEY `name_region` (`name`,`provinsi_id`,`regency_id`)" in create


def test_real_layout_has_no_plugin_foreign_keys_but_agencys_two_cascades(conn: pymysql.connections.Connection) -> None:
    migrate(conn, WP)
    assert foreign_keys(conn) == {
        (WP.jurisdictions, WP.divisions, "CASCADE"),
        (WP.agency_employees, WP.agencies, "CASCADE"),
        (WP.regencies, WP.provinces, "CASCADE"),
    }


def test_documented_layout_has_type_region_codes_and_cascading_foreign_keys(
    conn: pymysql.connections.Connection,
) -> None:
    migrate(conn, WP, layout="documented")
    info = introspect(conn, WP)
    assert info.layout == "documented"
    assert info.has("customers", "type") and info.has("customers", "provinsi_code")
    assert not info.has("customers", "provinsi_id")
    fks = foreign_keys(conn)
    assert (WP.branches, WP.customers, "CASCADE") in fks
    assert (WP.employees, WP.customers, "CASCADE") in fks
    assert "UNIQUE KEY `unique_user` (`user_id`)" in show_create(conn, [WP.employees])[WP.employees]
    check_required(info)


def test_real_layout_is_recognised_by_provinsi_id(conn: pymysql.connections.Connection) -> None:
    migrate(conn, WP)
    info = introspect(conn, WP)
    assert info.layout == "real"
    check_required(info)


def test_layout_is_unknown_without_region_columns() -> None:
    info = schema_from_rows([(WP.customers, c) for c in ("id", "code", "name", "status", "user_id")], WP)
    assert info.layout == "unknown"
    assert info.missing_required() == {
        "branches": list(PLUGIN_TABLES["branches"].required),
        "employees": list(PLUGIN_TABLES["employees"].required),
    }


def test_unknown_layout_is_a_value_error(conn: pymysql.connections.Connection) -> None:
    with pytest.raises(ValueError, match="unknown layout"):
        migrate(conn, WP, layout="legacy")
    assert tables_in(conn) == set()


def test_check_required_refuses_a_dropped_status_column_naming_table_and_column(
    conn: pymysql.connections.Connection,
) -> None:
    migrate(conn, WP)
    with conn.cursor() as cur:
        cur.execute(f"ALTER TABLE {WP.customers} DROP COLUMN status")
    info = introspect(conn, WP)
    assert info.missing_required() == {"customers": ["status"]}
    with pytest.raises(SchemaError, match=r"table wp_app_customers is missing required columns: status$"):
        check_required(info)


def test_missing_table_is_reported_with_all_its_required_columns(conn: pymysql.connections.Connection) -> None:
    migrate(conn, WP)
    with conn.cursor() as cur:
        cur.execute(f"DROP TABLE {WP.employees}")
    info = introspect(conn, WP)
    assert info.missing_required() == {"employees": ["id", "customer_id", "branch_id", "user_id", "status"]}
    with pytest.raises(SchemaError) as raised:
        check_required(info)
    assert (
        "table wp_app_customer_employees is missing required columns: id, customer_id, branch_id, user_id, status"
        in str(raised.value)
    )
    assert "does not exist" in str(raised.value)


def test_every_table_with_missing_columns_is_named_in_one_error() -> None:
    rows = [(WP.customers, c) for c in ("id", "code", "name")] + [(WP.branches, c) for c in ("id", "name", "status")]
    with pytest.raises(SchemaError) as raised:
        check_required(schema_from_rows(rows, WP))
    message = str(raised.value)
    assert "table wp_app_customers is missing required columns: status, user_id" in message
    assert "table wp_app_customer_branches is missing required columns: customer_id, agency_id" in message
    assert "table wp_app_customer_employees is missing required columns" in message


def test_optional_inspector_id_is_present_in_real_layout_only(make_database: Callable[[], DatabaseURL]) -> None:
    layouts = {}
    for layout in ("real", "documented"):
        connection = connect(make_database())
        try:
            migrate(connection, WP, layout=layout)
            layouts[layout] = introspect(connection, WP)
        finally:
            connection.close()
    assert layouts["real"].has("branches", "inspector_id")
    assert not layouts["documented"].has("branches", "inspector_id")
    assert "inspector_id" in layouts["documented"].missing_optional()["branches"]
    assert "inspector_id" not in layouts["real"].missing_optional()["branches"]


def test_introspection_records_other_tables_and_ignores_foreign_ones(conn: pymysql.connections.Connection) -> None:
    migrate(conn, WP)
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE wp_posts (ID bigint)")
    info = introspect(conn, WP)
    assert set(info.columns) == set(WP.tables())
    assert info.has("users", "ID") and info.has("users", "id")
    assert info.has("jurisdictions", "jurisdiction_code")
    assert not info.has("posts", "ID")


def test_describe_lists_present_columns_and_missing_optional_ones(make_database: Callable[[], DatabaseURL]) -> None:
    connection = connect(make_database())
    try:
        migrate(connection, WP, layout="documented")
        text = introspect(connection, WP).describe()
    finally:
        connection.close()
    assert "layout: documented" in text
    assert "wp_app_customer_branches (branches):" in text
    branches_block = text.split("wp_app_customer_branches (branches):")[1].split("\n")
    assert "agency_id" in branches_block[0]
    assert "inspector_id" in branches_block[1] and branches_block[1].strip().startswith("optional columns missing")


def test_describe_marks_missing_tables() -> None:
    text = SchemaInfo(columns={}, names=WP).describe()
    assert "wp_app_customers (customers): missing" in text


def test_all_38_provinces_are_loaded_with_unique_two_digit_codes(conn: pymysql.connections.Connection) -> None:
    migrate(conn, WP)
    with conn.cursor() as cur:
        cur.execute(f"SELECT id, code, name FROM {WP.provinces} ORDER BY id")
        provinces = cur.fetchall()
    assert [p["id"] for p in provinces] == list(range(1, 39))
    codes = [p["code"] for p in provinces]
    assert len(set(codes)) == 38 and all(len(c) == 2 and c.isdigit() for c in codes)
    by_code = {p["code"]: p["name"] for p in provinces}
    assert by_code["11"] == "Aceh" and by_code["31"] == "DKI Jakarta" and by_code["96"] == "Papua Barat Daya"


def test_every_province_has_at_least_six_regencies_coded_under_it(conn: pymysql.connections.Connection) -> None:
    migrate(conn, WP)
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT p.code AS province, r.id, r.code, r.name, r.type FROM {WP.regencies} r "
            f"JOIN {WP.provinces} p ON p.id = r.province_id ORDER BY r.id"
        )
        regencies = cur.fetchall()
    assert [r["id"] for r in regencies] == list(range(1, len(regencies) + 1))
    assert len({r["code"] for r in regencies}) == len(regencies)
    per_province: dict[str, int] = {}
    for r in regencies:
        assert len(r["code"]) == 4 and r["code"].startswith(r["province"]), r
        expected_type = "kota" if r["name"].startswith("Kota ") else "kabupaten"
        assert r["type"] == expected_type and r["name"].startswith(("Kota ", "Kabupaten ")), r
        per_province[r["province"]] = per_province.get(r["province"], 0) + 1
    assert len(per_province) == 38
    for province, count in per_province.items():
        assert count >= SMALL_PROVINCES.get(province, 6), (province, count)


def test_well_known_regency_codes_follow_kemendagri(conn: pymysql.connections.Connection) -> None:
    migrate(conn, WP)
    with conn.cursor() as cur:
        cur.execute(f"SELECT code, name FROM {WP.regencies}")
        by_code = {r["code"]: r["name"] for r in cur.fetchall()}
    assert by_code["1171"] == "Kota Banda Aceh"
    assert by_code["1106"] == "Kabupaten Aceh Besar"
    assert by_code["1109"] == "Kabupaten Simeulue"
    assert by_code["3174"] == "Kota Jakarta Selatan"
    assert by_code["3273"] == "Kota Bandung"
    assert by_code["3578"] == "Kota Surabaya"
    assert by_code["7371"] == "Kota Makassar"
    assert by_code["9171"] == "Kota Jayapura"
    assert by_code["9671"] == "Kota Sorong"


def test_wilayah_data_is_not_loaded_into_tables_that_already_hold_rows(conn: pymysql.connections.Connection) -> None:
    names = TableNames.for_prefix("wp_", "wp_")
    for statement in load_sql("wilayah", names):
        with conn.cursor() as cur:
            cur.execute(statement)
    with conn.cursor() as cur:
        cur.execute(f"INSERT INTO {names.provinces} (code, name, created_by) VALUES ('99', 'Site Province', 1)")
    created = migrate(conn, names)
    assert names.provinces not in created and names.regencies not in created
    with conn.cursor() as cur:
        cur.execute(f"SELECT code FROM {names.provinces}")
        assert [r["code"] for r in cur.fetchall()] == ["99"]
        cur.execute(f"SELECT COUNT(*) AS n FROM {names.regencies}")
        assert cur.fetchone()["n"] == 0


def test_migrate_never_alters_an_existing_plugin_table(conn: pymysql.connections.Connection) -> None:
    with conn.cursor() as cur:
        cur.execute(
            f"CREATE TABLE {WP.customers} (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, "
            "code varchar(10) NOT NULL, name varchar(100) NOT NULL, status varchar(10), user_id bigint unsigned, "
            "x int NOT NULL DEFAULT 7)"
        )
        cur.execute(f"INSERT INTO {WP.customers} (code, name) VALUES ('C1', 'Kept')")
    before = show_create(conn, [WP.customers])
    created = migrate(conn, WP)
    assert WP.customers not in created
    assert set(created) == set(WP.all_tables()) - {WP.customers}
    assert show_create(conn, [WP.customers]) == before
    assert "x" in columns_of(conn, WP.customers)
    with conn.cursor() as cur:
        cur.execute(f"SELECT name, x FROM {WP.customers}")
        assert cur.fetchall() == [{"name": "Kept", "x": 7}]


def test_migrate_restores_the_sessions_sql_mode(conn: pymysql.connections.Connection) -> None:
    with conn.cursor() as cur:
        cur.execute("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE'")
        cur.execute("SELECT @@SESSION.sql_mode AS m")
        mode = cur.fetchone()["m"]
    migrate(conn, WP)
    assert WP.users in tables_in(conn)
    with conn.cursor() as cur:
        cur.execute("SELECT @@SESSION.sql_mode AS m")
        assert cur.fetchone()["m"] == mode


def test_load_sql_puts_in_both_prefixes_and_leaves_no_placeholder() -> None:
    names = TableNames.for_prefix("wp_2_", "wp_")
    for name in ("wordpress", "customer_real", "customer_documented", "agency", "app_core", "wilayah", "bridge"):
        for statement in load_sql(name, names):
            assert "{prefix}" not in statement and "{base_prefix}" not in statement
            assert statement.lstrip().upper().startswith("CREATE TABLE")
    assert load_sql("wordpress", names)[0].startswith("CREATE TABLE `wp_users`")
    assert "`wp_2_app_agency_divisions`" in load_sql("agency", names)[2]


def test_split_statements_skips_comments_and_keeps_inner_semicolons() -> None:
    text = "-- a; comment;\nCREATE TABLE a (x text COMMENT 'a;b');\n\nINSERT INTO a VALUES\n('1'),\n('2');\nSELECT 1"
    assert split_statements(text) == [
        "CREATE TABLE a (x text COMMENT 'a;b')",
        "INSERT INTO a VALUES\n('1'),\n('2')",
        "SELECT 1",
    ]
