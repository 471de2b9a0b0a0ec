"""Table names under the site's prefix, and introspection of the live columns.

Sites run different versions of the plugins, so the bridge never assumes a layout: it reads
``INFORMATION_SCHEMA.COLUMNS`` at start, refuses to start when a column it cannot work without
is missing (naming it), and uses optional columns only when they are there.
``bridge/migrate.py`` creates the tables that are missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from types import MappingProxyType

import pymysql

_PREFIX_RE = re.compile(r"[A-Za-z0-9_]+")
# Logical name → table name after the prefix. users/usermeta are network-wide (base prefix).
_BASE_TABLES = {"users": "users", "usermeta": "usermeta"}
_SITE_TABLES = {
    "options": "options",
    "customers": "app_customers",
    "branches": "app_customer_branches",
    "employees": "app_customer_employees",
    "agencies": "app_agencies",
    "divisions": "app_agency_divisions",
    "jurisdictions": "app_agency_jurisdictions",
    "agency_employees": "app_agency_employees",
    "platform_staff": "app_platform_staff",
    "provinces": "wi_provinces",
    "regencies": "wi_regencies",
    "outbox": "wpbridge_outbox",
}


def _check_prefix(value: str, what: str) -> str:
    if not isinstance(value, str) or not _PREFIX_RE.fullmatch(value):
        raise ValueError(f"{what} must be letters, digits and underscores only, got {value!r}")
    return value


@dataclass(frozen=True)
class TableNames:
    """Every table the bridge touches, under the site prefix (users/usermeta: base prefix)."""

    prefix: str
    base_prefix: str
    users: str
    usermeta: str
    options: str
    customers: str
    branches: str
    employees: str
    agencies: str
    divisions: str
    jurisdictions: str
    agency_employees: str
    platform_staff: str
    provinces: str
    regencies: str
    outbox: str

    @classmethod
    def for_prefix(cls, prefix: str = "wp_", base_prefix: str | None = None) -> TableNames:
        """Names for a site; multisite site 2 is ``for_prefix("wp_2_", "wp_")``."""
        prefix = _check_prefix(prefix, "table prefix")
        base = _check_prefix(prefix if base_prefix is None else base_prefix, "base prefix")
        names = {key: base + suffix for key, suffix in _BASE_TABLES.items()}
        names.update({key: prefix + suffix for key, suffix in _SITE_TABLES.items()})
        return cls(prefix=prefix, base_prefix=base, **names)

    def named(self, key: str) -> str:
        """The real name of the table whose logical name is ``key`` (every field is a name)."""
        name: str = getattr(self, key)
        return name

    def tables(self) -> dict[str, str]:
        """Logical name → real table name, for every table (not the prefixes)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("prefix", "base_prefix")}

    def all_tables(self) -> list[str]:
        """Every real table name, e.g. for an ``IN (...)`` over INFORMATION_SCHEMA."""
        return list(self.tables().values())

    def logical(self, table: str) -> str | None:
        """The logical name of a real table name, or None when it is not one of ours."""
        for key, name in self.tables().items():
            if name == table:
                return key
        return None


@dataclass(frozen=True)
class PluginTable:
    """Columns of a WP Customer table: required in every layout, or used only when present."""

    required: tuple[str, ...]
    optional: tuple[str, ...]


PLUGIN_TABLES: Mapping[str, PluginTable] = MappingProxyType(
    {
        "customers": PluginTable(
            required=("id", "code", "name", "status", "user_id"),
            optional=(
                "npwp",
                "nib",
                "provinsi_id",
                "regency_id",
                "reg_type",
                "type",
                "provinsi_code",
                "regency_code",
                "created_by",
                "created_at",
                "updated_at",
            ),
        ),
        "branches": PluginTable(
            required=("id", "customer_id", "name", "status", "agency_id"),
            optional=(
                "code",
                "type",
                "nitku",
                "postal_code",
                "latitude",
                "longitude",
                "address",
                "phone",
                "email",
                "provinsi_id",
                "regency_id",
                "division_id",
                "user_id",
                "inspector_id",
                "created_by",
                "created_at",
                "updated_at",
            ),
        ),
        "employees": PluginTable(
            required=("id", "customer_id", "branch_id", "user_id", "status"),
            optional=(
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
            ),
        ),
    }
)


class SchemaError(RuntimeError):
    """The live database lacks columns the bridge cannot work without; the message names them."""


@dataclass(frozen=True)
class SchemaInfo:
    """The live columns of every table found, keyed by logical name (``customers``, ``users``, …)."""

    columns: Mapping[str, frozenset[str]]
    names: TableNames | None = None

    def has_table(self, table: str) -> bool:
        return table in self.columns

    def has(self, table: str, column: str) -> bool:
        """True when the live ``table`` has ``column`` (MySQL column names ignore case)."""
        present = self.columns.get(table)
        if not present:
            return False
        return column in present or column.lower() in {c.lower() for c in present}

    @property
    def layout(self) -> str:
        """``real`` (region ids), ``documented`` (region codes) or ``unknown``."""
        if self.has("customers", "provinsi_id"):
            return "real"
        if self.has("customers", "provinsi_code"):
            return "documented"
        return "unknown"

    def table_name(self, table: str) -> str:
        """The real name of a logical table, for messages."""
        return self.names.named(table) if self.names is not None else table

    def missing_required(self) -> dict[str, list[str]]:
        """Required columns not present, per plugin table; a missing table lacks all of them."""
        return {
            table: missing
            for table, spec in PLUGIN_TABLES.items()
            if (missing := [c for c in spec.required if not self.has(table, c)])
        }

    def missing_optional(self) -> dict[str, list[str]]:
        """Optional columns not present, per plugin table that exists."""
        return {
            table: [c for c in spec.optional if not self.has(table, c)]
            for table, spec in PLUGIN_TABLES.items()
            if self.has_table(table)
        }

    def describe(self) -> str:
        """Per table: the columns found and the optional ones missing (for ``wpbridge check``)."""
        lines = [f"layout: {self.layout}"]
        optional_missing = self.missing_optional()
        order = list(PLUGIN_TABLES) + [t for t in self._known_tables() if t not in PLUGIN_TABLES]
        for table in order:
            label = f"{self.table_name(table)} ({table})"
            if not self.has_table(table):
                lines.append(f"{label}: missing")
                continue
            present = sorted(self.columns[table])
            lines.append(f"{label}: {len(present)} columns: {', '.join(present)}")
            if table in optional_missing:
                absent = optional_missing[table]
                lines.append(f"  optional columns missing: {', '.join(absent) if absent else 'none'}")
        return "\n".join(lines)

    def _known_tables(self) -> list[str]:
        known = list(self.names.tables()) if self.names is not None else []
        return known + sorted(t for t in self.columns if t not in known)


INTROSPECT_SQL = (
    "SELECT TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS "
    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ({placeholders}) "
    "ORDER BY TABLE_NAME, ORDINAL_POSITION"
)


def introspect_query(names: TableNames) -> tuple[str, list[str]]:
    """``INTROSPECT_SQL`` with one ``%s`` per table, and the table names to bind."""
    tables = names.all_tables()
    return INTROSPECT_SQL.format(placeholders=", ".join(["%s"] * len(tables))), tables


def schema_from_rows(rows: Iterable[Sequence[str] | Mapping[str, str]], names: TableNames) -> SchemaInfo:
    """Group ``(TABLE_NAME, COLUMN_NAME)`` rows by logical table; rows of other tables are ignored."""
    grouped: dict[str, set[str]] = {}
    for row in rows:
        table, column = (row["TABLE_NAME"], row["COLUMN_NAME"]) if isinstance(row, Mapping) else (row[0], row[1])
        key = names.logical(table)
        if key is not None:
            grouped.setdefault(key, set()).add(column)
    return SchemaInfo(columns=MappingProxyType({k: frozenset(v) for k, v in grouped.items()}), names=names)


def _cursor(conn: pymysql.connections.Connection) -> pymysql.cursors.Cursor:
    """A tuple cursor, whatever cursor class the connection was opened with."""
    return conn.cursor(pymysql.cursors.Cursor)


def introspect(conn: pymysql.connections.Connection, names: TableNames) -> SchemaInfo:
    """The live columns of every table in ``names``, read over a pymysql connection."""
    sql, params = introspect_query(names)
    with _cursor(conn) as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return schema_from_rows(rows, names)


def check_required(info: SchemaInfo) -> None:
    """Raise SchemaError naming each table and the required columns it lacks."""
    missing = info.missing_required()
    if not missing:
        return
    problems = []
    for table, columns in missing.items():
        problem = f"table {info.table_name(table)} is missing required columns: {', '.join(columns)}"
        if not info.has_table(table):
            problem += " (the table does not exist; `wpbridge migrate` creates missing tables)"
        problems.append(problem)
    raise SchemaError("; ".join(problems))
