"""``wpbridge indexes [--apply]``: the indexes the bridge's queries need that the plugins never made.

WP Customer indexes ``customer_id`` but none of the columns the bridge looks users up by:
loading a principal (bridge/principal.py) asks every table that can tie a user to data
"which rows have ``user_id = N``" — without an index each of those is a full scan (500k
employee rows in the 100k-customer demo), on every cold request and after every write
(writes evict the cached principals). The access scopes of agency users filter branches by
``agency_id`` / ``inspector_id``, the agency tab counts branches by ``agency_id``, and
branch admins and employees see employees by ``branch_id``. Each entry was checked with
EXPLAIN (tests/test_indexes.py). The effect is what ``make bench`` measured at 100,000 demo
customers, that index alone against none (bench/results/latest.md). All eight together: a
cold request, which loads the principal, 250–280 ms → 9–27 ms p50. The three ``updated_at``
indexes serve incremental sync (``?modified_after=``, bridge/rest/sync.py); their effect was
measured at 20,000 demo customers (60k branches, 100k employees): the count and first page of
``?modified_after=`` a minute ago, 50 rows changed, that index against none.

None is needed for correctness: the bridge gives the same answers without them. ``--apply``
adds the missing ones (``ALTER TABLE … ADD INDEX``, online in InnoDB) and is idempotent: an
index is "present" when any index of the table starts with the column, whatever its name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pymysql

from bridge.schema import SchemaInfo, TableNames


@dataclass(frozen=True)
class IndexSpec:
    table: str  # logical name in TableNames
    column: str
    why: str
    effect: str  # measured by `make bench` at 100,000 customers (bench/results/latest.md, "Index effects")

    @property
    def name(self) -> str:
        return f"wpbridge_{self.column}"


NEEDED: tuple[IndexSpec, ...] = (
    IndexSpec(
        "employees",
        "user_id",
        "principal: the user's employee rows",
        "principal load 139 → 64 ms, rows read 900k → 400k",
    ),
    IndexSpec(
        "branches",
        "user_id",
        "principal: branches the user administers",
        "principal load 144 → 98 ms, rows read 900k → 600k",
    ),
    IndexSpec(
        "customers",
        "user_id",
        "principal: customers the user owns; REST ?user_id=",
        "principal load: rows read 900k → 800k",
    ),
    IndexSpec(
        "agencies",
        "user_id",
        "principal: agencies the user owns",
        "none measurable at 38 agencies (keeps the load flat as they grow)",
    ),
    IndexSpec(
        "agency_employees",
        "user_id",
        "principal: the user's agency memberships",
        "none measurable at 330 agency staff (same)",
    ),
    IndexSpec(
        "employees",
        "branch_id",
        "employees scope of branch admins and employees; branch delete cascades",
        "an employee's statistics 90 → 0.3 ms, rows 500k → 9",
    ),
    IndexSpec(
        "branches",
        "agency_id",
        "agency users' scope; /tabs/agency/{id}/statistics; relation counts",
        "agency tab counts 89 → 22 ms, rows 600k → 20k",
    ),
    IndexSpec(
        "branches",
        "inspector_id",
        "inspectors' scope (agency_pengawas)",
        "no scenario user is an inspector; EXPLAIN uses it (tests)",
    ),
    *(
        IndexSpec(table, "updated_at", "incremental sync: ?modified_after= / modified_before=", effect)
        for table, effect in (
            ("customers", "a sync page (count + 10 rows, 50 changed) 39 → 6 ms, rows read 40k → 102"),
            ("branches", "a sync page 266 → 3.5 ms, rows read 119k → 112"),
            ("employees", "a sync page 233 → 0.7 ms, rows read 199k → 112"),
        )
    ),
)


@dataclass(frozen=True)
class IndexState:
    spec: IndexSpec
    table: str  # the real table name
    status: str  # present | missing | n/a
    existing: str = ""  # the index that covers the column, when present


def _leading_columns(conn: pymysql.connections.Connection, tables: list[str]) -> dict[tuple[str, str], str]:
    """(table, first column) → index name, for every index of ``tables`` in the current database."""
    if not tables:
        return {}
    marks = ", ".join(["%s"] * len(tables))
    with conn.cursor(pymysql.cursors.Cursor) as cur:  # tuples, whatever the connection's default
        cur.execute(
            "SELECT TABLE_NAME, COLUMN_NAME, INDEX_NAME FROM INFORMATION_SCHEMA.STATISTICS "
            f"WHERE TABLE_SCHEMA = DATABASE() AND SEQ_IN_INDEX = 1 AND TABLE_NAME IN ({marks})",
            tables,
        )
        rows = cur.fetchall()
    found: dict[tuple[str, str], str] = {}
    for table, column, index in rows:
        found.setdefault((table, column.lower()), index)
    return found


def survey(conn: pymysql.connections.Connection, names: TableNames, schema: SchemaInfo) -> list[IndexState]:
    """Each needed index: present (and which index covers it), missing, or n/a for this layout."""
    real = {spec.table: names.named(spec.table) for spec in NEEDED}
    leading = _leading_columns(conn, sorted(set(real.values())))
    states = []
    for spec in NEEDED:
        table = real[spec.table]
        if not schema.has(spec.table, spec.column):
            states.append(IndexState(spec, table, "n/a"))
            continue
        existing = leading.get((table, spec.column.lower()))
        states.append(IndexState(spec, table, "present" if existing else "missing", existing or ""))
    return states


def create(conn: pymysql.connections.Connection, state: IndexState) -> None:
    with conn.cursor(pymysql.cursors.Cursor) as cur:
        cur.execute(f"ALTER TABLE `{state.table}` ADD INDEX `{state.spec.name}` (`{state.spec.column}`)")


def report(states: list[IndexState]) -> str:
    width = max(len(f"{s.table}.{s.spec.column}") for s in states)
    lines = []
    for s in states:
        where = f"{s.table}.{s.spec.column}".ljust(width)
        status = {"present": f"present ({s.existing})", "missing": "MISSING", "n/a": "n/a (no such column)"}[s.status]
        lines.append(f"{where}  {status:<28}  {s.spec.why}; measured: {s.spec.effect}")
    return "\n".join(lines)


def run(
    conn: pymysql.connections.Connection,
    names: TableNames,
    schema: SchemaInfo,
    apply: bool,
    out: Callable[[str], None] = print,
) -> int:
    """List the needed indexes; with ``apply`` create the missing ones. Returns an exit code."""
    states = survey(conn, names, schema)
    out(report(states))
    missing = [s for s in states if s.status == "missing"]
    if not missing:
        out("every index the bridge needs is present")
        return 0
    if not apply:
        out(
            f"{len(missing)} missing; `wpbridge indexes --apply` creates them (reads only get faster; nothing else changes)"
        )
        return 0
    for state in missing:
        out(f"creating {state.spec.name} on {state.table} ({state.spec.column}) …")
        create(conn, state)
    out(f"created {len(missing)} indexes")
    return 0
