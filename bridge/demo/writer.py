"""Renders rows as multi-row INSERT statements, escaped for the session, and runs them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

import pymysql
from pymysql.converters import escape_item, escape_string

from bridge.schema import SchemaInfo, TableNames

BATCH_ROWS = 5000
MAX_STATEMENT_CHARS = 4_000_000


def _quote_only(text: str) -> str:
    """String escaping when the server treats backslashes as ordinary characters."""
    return text.replace("'", "''")


class Writer:
    """Multi-row INSERTs of up to BATCH_ROWS rows, one transaction each, into the live columns.

    Statements are rendered apart from executing them so that a worker thread can run them
    while the caller renders the next ones: PyMySQL's ``executemany`` escapes row by row in
    the thread that sends, and measured here that cost more than MariaDB's own insert work.
    Values are escaped with PyMySQL's converters, as its ``execute`` does (quotes only under
    NO_BACKSLASH_ESCAPES); every value is generated here, none comes from a client.
    """

    def __init__(self, conn: pymysql.connections.Connection, names: TableNames, schema: SchemaInfo) -> None:
        self.conn = conn
        self.names = names
        self.schema = schema
        self.cursor = conn.cursor(pymysql.cursors.Cursor)
        self.counts: Counter[str] = Counter()
        self._columns: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        mode, packet = self.rows("SELECT @@SESSION.sql_mode, @@max_allowed_packet")[0]
        self._escape_string = _quote_only if "NO_BACKSLASH_ESCAPES" in (mode or "").upper() else escape_string
        self.max_chars = min(MAX_STATEMENT_CHARS, int(packet or MAX_STATEMENT_CHARS) // 4)

    def scalar(self, sql: str, args: Sequence[Any] = ()) -> Any:
        self.cursor.execute(sql, args)
        row = self.cursor.fetchone()
        return row[0] if row else None

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self.cursor.execute(sql, args)
        return list(self.cursor.fetchall())

    def table(self, key: str) -> str:
        return self.names.named(key)

    def insert(self, key: str, rows: list[dict[str, Any]]) -> None:
        self.execute(self.render(key, rows))

    def insert_tuples(self, key: str, cols: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        self.execute(self.render_tuples(key, cols, rows))

    def render(self, key: str, rows: list[dict[str, Any]]) -> list[str]:
        """INSERTs for dict rows, dropping keys the live table lacks (documented vs real layout)."""
        if not rows:
            return []
        wanted = tuple(rows[0])
        cols = self._columns.get((key, wanted))
        if cols is None:
            cols = [c for c in wanted if self.schema.has(key, c)]
            self._columns[(key, wanted)] = cols
        getter = itemgetter(*cols)
        tuples = [(getter(r),) for r in rows] if len(cols) == 1 else [getter(r) for r in rows]
        return self.render_tuples(key, cols, tuples)

    def render_tuples(self, key: str, cols: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> list[str]:
        """Multi-row INSERT statements of at most BATCH_ROWS rows and ``max_chars`` characters."""
        head = f"INSERT INTO `{self.table(key)}` ({', '.join(f'`{c}`' for c in cols)}) VALUES "
        literal = self._literal
        statements: list[str] = []
        parts: list[str] = []
        size = 0
        for row in rows:
            text = "(" + ",".join(map(literal, row)) + ")"
            parts.append(text)
            size += len(text) + 1
            if len(parts) >= BATCH_ROWS or size >= self.max_chars:
                statements.append(head + ",".join(parts))
                parts, size = [], 0
        if parts:
            statements.append(head + ",".join(parts))
        self.counts[key] += len(rows)
        return statements

    def _literal(self, value: Any) -> str:
        if value is None:
            return "NULL"
        kind = type(value)
        if kind is int:
            return str(value)
        if kind is str:
            return "'" + self._escape_string(value) + "'"
        return escape_item(value, "utf8mb4")

    def execute(self, statements: Iterable[str]) -> None:
        """Run each statement in its own transaction."""
        for statement in statements:
            self.conn.begin()
            try:
                self.cursor.execute(statement)
                self.conn.commit()
            except BaseException:
                self.conn.rollback()
                raise
