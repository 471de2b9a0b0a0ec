"""The search index's own tables, and which searchable customer columns it can cover.

A column is covered when its collation is the index's (the collation of ``customers.name``):
the grams are compared with ``=`` under that collation, which is only a superset of that
column's ``LIKE`` when the two collations are the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import pymysql

from bridge.schema import TableNames

GRAM = 3  # characters per gram: a term shorter than this is searched by LIKE alone
# Model column name → (logical table, column): what the index can cover.
SOURCES: dict[str, tuple[str, str]] = {
    "code": ("customers", "code"),
    "name": ("customers", "name"),
    "npwp": ("customers", "npwp"),
    "nib": ("customers", "nib"),
    "owner_name": ("users", "display_name"),
}
STATE_KEY = "customers"
# How far before the certificate a changed row's ``updated_at`` may lie: WordPress stamps it
# with current_time('mysql'), the site's time zone, which may be up to 26 hours behind the
# server's clock; the ON UPDATE default (server time) is never behind.
SKEW_S = 26 * 3600


@dataclass(frozen=True)
class IndexTables:
    """The bridge-owned tables of the index, under the site prefix."""

    grams: str
    docs: str
    state: str

    @classmethod
    def for_names(cls, names: TableNames) -> IndexTables:
        return cls(
            grams=f"{names.prefix}wpbridge_search_grams",
            docs=f"{names.prefix}wpbridge_search_docs",
            state=f"{names.prefix}wpbridge_search_state",
        )

    def all(self) -> tuple[str, str, str]:
        return self.grams, self.docs, self.state


@dataclass(frozen=True)
class Coverage:
    """The collation of the index and the model columns it covers (in ``SOURCES`` order)."""

    charset: str
    collation: str
    columns: tuple[str, ...]
    longest: int  # the longest covered column, in characters: how many windows a value can have


def coverage(conn: pymysql.connections.Connection, names: TableNames) -> Coverage:
    """The covered columns of this site's tables: those with ``customers.name``'s collation."""
    tables = {logical: names.named(logical) for logical, _ in SOURCES.values()}
    with conn.cursor(pymysql.cursors.Cursor) as cur:
        cur.execute(
            "SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME, COLLATION_NAME, CHARACTER_MAXIMUM_LENGTH "
            "FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (%s, %s)",
            (tables["customers"], tables["users"]),
        )
        found = {(str(t), str(c).lower()): (cs, co, n) for t, c, cs, co, n in cur.fetchall()}
    anchor = found.get((tables["customers"], "name"))
    if anchor is None or anchor[1] is None:
        raise LookupError(f"{tables['customers']}.name not found: is this the WP Customer database?")
    charset, collation = str(anchor[0]), str(anchor[1])
    covered, longest = [], GRAM
    for model_column, (logical, column) in SOURCES.items():
        info = found.get((tables[logical], column))
        if info is not None and info[1] == collation:
            covered.append(model_column)
            longest = max(longest, int(info[2] or 0))
    return Coverage(charset, collation, tuple(covered), min(longest, 1000))


def create_statements(tables: IndexTables, cover: Coverage) -> list[str]:
    """``CREATE TABLE IF NOT EXISTS`` for the three tables (grams in the covered columns' collation)."""
    options = f"ENGINE=InnoDB DEFAULT CHARSET={cover.charset} COLLATE={cover.collation}"
    return [
        f"CREATE TABLE IF NOT EXISTS `{tables.grams}` ("
        f" gram varchar({GRAM}) NOT NULL, customer_id bigint(20) UNSIGNED NOT NULL,"
        " PRIMARY KEY (gram, customer_id), KEY customer (customer_id)"
        f") {options}",
        f"CREATE TABLE IF NOT EXISTS `{tables.docs}` ("
        " customer_id bigint(20) UNSIGNED NOT NULL, user_id bigint(20) UNSIGNED NULL,"
        " owner_name varbinary(1020) NULL, PRIMARY KEY (customer_id)"
        f") {options}",
        f"CREATE TABLE IF NOT EXISTS `{tables.state}` ("
        " name varchar(40) NOT NULL, status varchar(16) NOT NULL, cert bigint NOT NULL DEFAULT 0,"
        " max_id bigint(20) UNSIGNED NOT NULL DEFAULT 0, collation_name varchar(64) NOT NULL,"
        " columns_covered varchar(255) NOT NULL, built_at datetime NULL, refreshed_at datetime NULL,"
        " build_seconds double NULL, PRIMARY KEY (name)"
        f") {options}",
    ]
