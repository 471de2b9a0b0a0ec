"""``wpbridge indexes``: what it lists, that EXPLAIN can use what ``--apply`` creates for the
bridge's own statements, and that applying twice changes nothing (real MariaDB, small data)."""

from __future__ import annotations

from typing import Any

import pytest
from pypika import MySQLQuery, Table

from bridge.access import Access
from bridge.db import render
from bridge.indexes import NEEDED, survey
from bridge.principal import AgencyMembership, Principal, PrincipalLoader, Relations
from bridge.schema import TableNames, introspect
from tests.support.cli import run_cli
from tests.support.database import connect

NAMES = TableNames.for_prefix("wp_")


@pytest.fixture(scope="module")
def small_db(make_database):
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "12", "--seed", "1")
    return url


def _explain(url, sql: str, params: Any = None) -> dict[str, set[str]]:
    """Table (alias) → the indexes EXPLAIN says it could use."""
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("EXPLAIN " + sql, params)
            rows = cur.fetchall()
    finally:
        conn.close()
    return {row["table"]: set((row["possible_keys"] or "").split(",")) - {""} for row in rows if row["table"]}


def _statements(url) -> dict[str, tuple[str, Any, str]]:
    """The bridge's statements each index serves: (sql, params, the table alias in EXPLAIN)."""
    conn = connect(url)
    schema = introspect(conn, NAMES)
    conn.close()
    relations_sql, relations_params = PrincipalLoader(None, None, NAMES, schema)._relations_sql(4)  # type: ignore[arg-type]
    access = Access(NAMES, schema)
    b, e = Table(NAMES.branches).as_("b"), Table(NAMES.employees).as_("e")
    agency_user = Principal(7, roles=("agency",), relations=Relations(agencies=(AgencyMembership(1, None, "agency"),)))
    inspector = Principal(
        6, roles=("agency_pengawas",), relations=Relations(agencies=(AgencyMembership(1, 2, "inspector"),))
    )
    employee = Principal(4, roles=("customer_employee",), relations=Relations(employee_rows=((3, 1, 2),)))
    branches = lambda p: render(MySQLQuery.from_(b).select(b.id).where(access.branches(p, b)))  # noqa: E731
    employees = render(MySQLQuery.from_(e).select(e.id).where(access.employees(employee, e)))
    out = {
        f"{t}.user_id": (relations_sql, relations_params, getattr(NAMES, t))
        for t in ("customers", "branches", "employees", "agencies", "agency_employees")
    }
    out["branches.agency_id"] = (*branches(agency_user), "b")
    out["branches.inspector_id"] = (*branches(inspector), "b")
    out["employees.branch_id"] = (*employees, "e")
    for table in ("customers", "branches", "employees"):  # a sync page: rows changed since a moment
        t = Table(getattr(NAMES, table)).as_("t")
        since = MySQLQuery.from_(t).select(t.id).where(t.updated_at > "2030-01-01 00:00:00").orderby(t.id).limit(10)
        out[f"{table}.updated_at"] = (*render(since), "t")
    return out


def test_lists_missing_indexes_then_apply_makes_each_usable_and_is_idempotent(small_db) -> None:
    listed = run_cli(small_db, "indexes").stdout
    assert listed.count("MISSING") == len(NEEDED) == 11
    assert "wpbridge indexes --apply" in listed
    statements = _statements(small_db)
    assert set(statements) == {f"{s.table}.{s.column}" for s in NEEDED}
    for key, (sql, params, table) in statements.items():
        assert not {f"wpbridge_{key.split('.')[1]}"} & _explain(small_db, sql, params).get(table, set()), key

    applied = run_cli(small_db, "indexes", "--apply").stdout
    assert "created 11 indexes" in applied
    for key, (sql, params, table) in statements.items():
        assert f"wpbridge_{key.split('.')[1]}" in _explain(small_db, sql, params)[table], key

    again = run_cli(small_db, "indexes", "--apply").stdout
    assert "every index the bridge needs is present" in again and "creating" not in again
    conn = connect(small_db)
    try:
        assert all(s.status == "present" for s in survey(conn, NAMES, introspect(conn, NAMES)))
    finally:
        conn.close()


def test_an_existing_index_on_the_column_counts_whatever_its_name(make_database) -> None:
    url = make_database()
    run_cli(url, "migrate", "--layout", "documented")
    conn = connect(url)
    try:
        states = {f"{s.spec.table}.{s.spec.column}": s for s in survey(conn, NAMES, introspect(conn, NAMES))}
    finally:
        conn.close()
    assert states["employees.user_id"].status == "present"  # the documented layout's UNIQUE KEY unique_user
    assert states["employees.user_id"].existing == "unique_user"
    assert (states["branches.agency_id"].status, states["branches.agency_id"].existing) == ("present", "idx_agency_id")
    assert states["branches.user_id"].status == "n/a"  # that layout's branches have no admin column
