"""``wpbridge migrate``: create the tables that are missing, from the files of ``sql/``.

It only ever creates: a plugin's table that exists is never altered or dropped, whatever its
layout (the bridge adapts to it by introspection, bridge/schema.py). The regions tables get
their data when both are empty, so a site's own rows are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib.resources import files
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any

import pymysql

from bridge.schema import TableNames

# The repository's sql/, installed as the package bridge.sql (setup.py): read as a package
# resource, so migrate works from a wheel as from a checkout.
SQL_DIR: Traversable = files("bridge.sql")

_CREATE_RE = re.compile(r"^\s*CREATE\s+TABLE\s+`?([A-Za-z0-9_]+)`?", re.IGNORECASE)

# Parents before children, so foreign keys always find the table they reference.
_COMMON_FILES = ("wordpress", "wilayah")
_TAIL_FILES = ("agency", "app_core", "bridge")
LAYOUT_FILES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "real": (*_COMMON_FILES, "customer_real", *_TAIL_FILES),
        "documented": (*_COMMON_FILES, "customer_documented", *_TAIL_FILES),
    }
)
WILAYAH_DATA_FILE = "wilayah_data"

# Modes WordPress itself removes (wpdb::set_sql_mode) that would reject its zero-date defaults.
_ZERO_DATE_MODES = frozenset({"NO_ZERO_DATE", "NO_ZERO_IN_DATE", "TRADITIONAL"})


def _cursor(conn: pymysql.connections.Connection) -> pymysql.cursors.Cursor:
    """A tuple cursor, whatever cursor class the connection was opened with."""
    return conn.cursor(pymysql.cursors.Cursor)


def split_statements(text: str) -> list[str]:
    """Statements of an SQL file: ``--`` comment lines dropped, each ends with ``;`` at line end."""
    statements: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith("--"):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).strip().rstrip(";").rstrip())
            current = []
    rest = "\n".join(current).strip()
    if rest:
        statements.append(rest)
    return [s for s in statements if s]


def load_sql(name: str, names: TableNames, sql_dir: Traversable = SQL_DIR) -> list[str]:
    """The statements of ``sql/<name>.sql`` with the (validated) prefixes put in."""
    path = sql_dir / (name if name.endswith(".sql") else f"{name}.sql")
    text = path.read_text(encoding="utf-8")
    text = text.replace("{base_prefix}", names.base_prefix).replace("{prefix}", names.prefix)
    return split_statements(text)


def created_table(statement: str) -> str | None:
    """The table a ``CREATE TABLE`` statement creates, or None for other statements."""
    match = _CREATE_RE.match(statement)
    return match.group(1) if match else None


def existing_tables(conn: pymysql.connections.Connection, tables: Sequence[str]) -> set[str]:
    """Which of ``tables`` exist in the connection's database."""
    if not tables:
        return set()
    sql = (
        "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = DATABASE() "
        f"AND TABLE_NAME IN ({', '.join(['%s'] * len(tables))})"
    )
    with _cursor(conn) as cur:
        cur.execute(sql, list(tables))
        return {row[0] for row in cur.fetchall()}


@contextmanager
def _wordpress_sql_mode(conn: pymysql.connections.Connection) -> Iterator[None]:
    """Drop zero-date modes for the session while creating tables, as WordPress does."""
    with _cursor(conn) as cur:
        cur.execute("SELECT @@SESSION.sql_mode")
        old = _one(cur)[0] or ""
        kept = [m for m in old.split(",") if m and m.upper() not in _ZERO_DATE_MODES]
        cur.execute("SET SESSION sql_mode = %s", (",".join(kept),))
    try:
        yield
    finally:
        with _cursor(conn) as cur:
            cur.execute("SET SESSION sql_mode = %s", (old,))


def _layout_files(layout: str) -> tuple[str, ...]:
    try:
        return LAYOUT_FILES[layout]
    except KeyError:
        raise ValueError(f"unknown layout {layout!r}; expected one of: {', '.join(LAYOUT_FILES)}") from None


def _one(cur: pymysql.cursors.Cursor) -> tuple[Any, ...]:
    """The one row of a query that always has one (an aggregate, a ``SELECT @@variable``)."""
    row = cur.fetchone()
    if row is None:
        raise RuntimeError("a single-row query returned no row")
    return row


def count_rows(conn: pymysql.connections.Connection, table: str) -> int:
    """How many rows ``table`` (a name from ``TableNames``, never client input) holds."""
    with _cursor(conn) as cur:
        cur.execute(f"SELECT COUNT(*) FROM `{table}`")
        return int(_one(cur)[0])


def _fill_wilayah(conn: pymysql.connections.Connection, names: TableNames) -> bool:
    """Load provinces and regencies when both tables are empty; never touch data a site has."""
    if count_rows(conn, names.provinces) or count_rows(conn, names.regencies):
        return False
    conn.begin()
    try:
        with _cursor(conn) as cur:
            for statement in load_sql(WILAYAH_DATA_FILE, names):
                cur.execute(statement)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return True


def migrate(conn: pymysql.connections.Connection, names: TableNames, layout: str = "real") -> list[str]:
    """Create the tables that do not exist yet (never alter or drop); return the names created."""
    statements = [s for name in _layout_files(layout) for s in load_sql(name, names)]
    targets: list[tuple[str, str]] = []
    for statement in statements:
        table = created_table(statement)
        if table is None:
            raise ValueError(f"schema files may hold only CREATE TABLE statements, got: {statement[:60]!r}")
        targets.append((table, statement))
    existing = existing_tables(conn, [table for table, _ in targets])
    created: list[str] = []
    with _wordpress_sql_mode(conn):
        with _cursor(conn) as cur:
            for table, statement in targets:
                if table not in existing:
                    cur.execute(statement)
                    created.append(table)
    _fill_wilayah(conn, names)
    return created
