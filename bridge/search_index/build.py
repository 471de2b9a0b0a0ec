"""Building, refreshing and dropping the search index (sync: ``wpbridge indexes`` and the worker's thread).

Every pass starts with a *certificate* (``certificate``): a second before the start of every
transaction the pass may not see, so a table whose ``UPDATE_TIME`` is older than it holds
nothing the pass missed. A build marks the index ``building`` (searches use LIKE), fills it in
chunks, then records the certificate. A refresh re-indexes only what may have changed since
the last certificate: customers with ``updated_at`` within ``SKEW_S`` of it or a higher id,
customers whose owner's ``display_name`` differs from the indexed copy (checked only when
``wp_users`` was written since), and customers that are gone.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pymysql

from bridge.schema import TableNames
from bridge.search_index.query import probe
from bridge.search_index.query import verdict as decide
from bridge.search_index.schema import (
    GRAM,
    SKEW_S,
    SOURCES,
    STATE_KEY,
    Coverage,
    IndexTables,
    coverage,
    create_statements,
)

# Without the PROCESS privilege (INNODB_TRX unreadable), write transactions are assumed
# shorter than this.
ASSUMED_LONGEST_TRANSACTION_S = 3600
CHUNK = 5000  # customers per build statement
BATCH = 1000  # customers re-indexed per refresh transaction


@dataclass(frozen=True)
class State:
    status: str
    cert: int
    max_id: int
    collation: str
    columns: tuple[str, ...]
    built_at: Any
    refreshed_at: Any
    build_seconds: float | None


def _one(cur: pymysql.cursors.Cursor, sql: str, args: Sequence[Any] = ()) -> Any:
    cur.execute(sql, args)
    row = cur.fetchone()
    return None if row is None else row[0]


def certificate(conn: pymysql.connections.Connection) -> int:
    """A whole second at or before the start of every transaction still running and of any yet
    to start (InnoDB stamps ``UPDATE_TIME`` with the writer's start, in whole seconds): read
    before the pass reads anything."""
    with conn.cursor(pymysql.cursors.Cursor) as cur:
        now = float(_one(cur, "SELECT UNIX_TIMESTAMP(NOW(6))"))
        try:
            # the view is refreshed at most every 0.1 s: a transaction it misses started after now - 0.1
            oldest = _one(cur, "SELECT UNIX_TIMESTAMP(MIN(trx_started)) FROM information_schema.INNODB_TRX")
        except pymysql.err.MySQLError:
            oldest = now - ASSUMED_LONGEST_TRANSACTION_S
    return math.floor(min(now - 0.2, float(oldest) if oldest is not None else now))


def read_state(conn: pymysql.connections.Connection, tables: IndexTables) -> State | None:
    """The index's state row; None when the index was never built (or its tables are gone)."""
    with conn.cursor(pymysql.cursors.Cursor) as cur:
        try:
            cur.execute(
                f"SELECT status, cert, max_id, collation_name, columns_covered, built_at, refreshed_at, "
                f"build_seconds FROM `{tables.state}` WHERE name = %s",
                (STATE_KEY,),
            )
        except pymysql.err.ProgrammingError:
            return None
        row = cur.fetchone()
    if row is None:
        return None
    status, cert, max_id, collation, columns, built, refreshed, seconds = row
    return State(
        str(status), int(cert), int(max_id), str(collation), tuple(str(columns).split(",")), built, refreshed, seconds
    )


def _texts(names: TableNames, cover: Coverage, where: str) -> str:
    """A UNION ALL of (customer id, covered value) for the customers matching ``where`` (on ``c``)."""
    customers, users = names.customers, names.users
    parts = []
    for column in cover.columns:
        logical, source = SOURCES[column]
        if logical == "customers":
            parts.append(f"SELECT c.id, c.`{source}` AS t FROM `{customers}` c WHERE {where}")
        else:
            parts.append(
                f"SELECT c.id, u.`{source}` AS t FROM `{customers}` c JOIN `{users}` u ON u.ID = c.user_id WHERE {where}"
            )
    return " UNION ALL ".join(parts)


def _index(
    cur: pymysql.cursors.Cursor,
    names: TableNames,
    tables: IndexTables,
    cover: Coverage,
    where: str,
    args: Sequence[Any],
) -> None:
    """Insert the grams and the doc rows of the customers matching ``where`` (``args`` bound once per part)."""
    parts = len(cover.columns)
    cur.execute(
        f"INSERT IGNORE INTO `{tables.grams}` (gram, customer_id) "
        f"SELECT SUBSTRING(v.t, s.n, {GRAM}), v.id FROM ({_texts(names, cover, where)}) v "
        f"JOIN wpbridge_search_seq s ON s.n <= CHAR_LENGTH(v.t) - {GRAM - 1}",
        list(args) * parts,
    )
    cur.execute(
        f"INSERT INTO `{tables.docs}` (customer_id, user_id, owner_name) "
        f"SELECT c.id, c.user_id, CAST(u.display_name AS BINARY) FROM `{names.customers}` c "
        f"LEFT JOIN `{names.users}` u ON u.ID = c.user_id WHERE {where} "
        "ON DUPLICATE KEY UPDATE user_id = VALUES(user_id), owner_name = VALUES(owner_name)",
        list(args),
    )


def _sequence(cur: pymysql.cursors.Cursor, longest: int) -> None:
    """A session's numbers 1..longest: the start of each window."""
    cur.execute("CREATE TEMPORARY TABLE IF NOT EXISTS wpbridge_search_seq (n smallint UNSIGNED PRIMARY KEY)")
    cur.execute("DELETE FROM wpbridge_search_seq")
    cur.executemany("INSERT INTO wpbridge_search_seq (n) VALUES (%s)", [(n,) for n in range(1, longest + 1)])


def _lock_name(names: TableNames, conn: pymysql.connections.Connection) -> str:
    db = conn.db.decode() if isinstance(conn.db, bytes) else str(conn.db or "")
    return f"wpbridge_search:{db}:{names.prefix}"[:64]


class Busy(RuntimeError):
    """Another build or refresh of this index is running."""


def _locked(conn: pymysql.connections.Connection, names: TableNames) -> Callable[[], None]:
    with conn.cursor(pymysql.cursors.Cursor) as cur:
        if _one(cur, "SELECT GET_LOCK(%s, 0)", (_lock_name(names, conn),)) != 1:
            raise Busy("another build or refresh of the search index is running")

    def release() -> None:
        with conn.cursor(pymysql.cursors.Cursor) as cur:
            cur.execute("SELECT RELEASE_LOCK(%s)", (_lock_name(names, conn),))

    return release


def build(conn: pymysql.connections.Connection, names: TableNames, out: Callable[[str], None] = print) -> State:
    """Create the tables if needed and index every customer from scratch."""
    tables = IndexTables.for_names(names)
    cover = coverage(conn, names)
    release = _locked(conn, names)
    try:
        began = time.perf_counter()
        with conn.cursor(pymysql.cursors.Cursor) as cur:
            for statement in create_statements(tables, cover):
                cur.execute(statement)
            cur.execute(
                f"REPLACE INTO `{tables.state}` (name, status, collation_name, columns_covered) VALUES (%s, 'building', %s, %s)",
                (STATE_KEY, cover.collation, ",".join(cover.columns)),
            )
            cert = certificate(conn)
            max_id = int(_one(cur, f"SELECT COALESCE(MAX(id), 0) FROM `{names.customers}`"))
            cur.execute(f"TRUNCATE TABLE `{tables.grams}`")
            cur.execute(f"TRUNCATE TABLE `{tables.docs}`")
            _sequence(cur, cover.longest)
            for low in range(0, max_id + 1, CHUNK):
                conn.begin()
                _index(cur, names, tables, cover, "c.id >= %s AND c.id < %s", (low, low + CHUNK))
                conn.commit()
                if low and low % (CHUNK * 10) == 0:
                    out(f"search index: {low}/{max_id} customers")
            seconds = time.perf_counter() - began
            cur.execute(
                f"UPDATE `{tables.state}` SET status = 'ready', cert = %s, max_id = %s, built_at = NOW(), "
                "refreshed_at = NOW(), build_seconds = %s WHERE name = %s",
                (cert, max_id, seconds, STATE_KEY),
            )
    finally:
        release()
    state = read_state(conn, tables)
    assert state is not None
    return state


def _update_time(cur: pymysql.cursors.Cursor, table: str) -> int | None:
    value = _one(
        cur,
        "SELECT UNIX_TIMESTAMP(UPDATE_TIME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s",
        (table,),
    )
    return None if value is None else int(value)


def _written_since(cur: pymysql.cursors.Cursor, table: str, cert: int) -> bool:
    stamp = _update_time(cur, table)
    return stamp is None or stamp >= cert


def _ids(cur: pymysql.cursors.Cursor, sql: str, args: Sequence[Any] = ()) -> set[int]:
    cur.execute(sql, args)
    return {int(row[0]) for row in cur.fetchall()}


def _batches(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for i in range(0, len(ordered), BATCH):
        yield ordered[i : i + BATCH]


def refresh(conn: pymysql.connections.Connection, names: TableNames) -> tuple[State, int] | None:
    """Re-index what may have changed since the last certificate; (state, customers re-indexed).
    None when the index was never built. A building index is built again."""
    tables = IndexTables.for_names(names)
    state = read_state(conn, tables)
    if state is None:
        return None
    if state.status != "ready":
        return build(conn, names, out=lambda _: None), -1
    release = _locked(conn, names)
    try:
        with conn.cursor(pymysql.cursors.Cursor) as cur:
            owner = "owner_name" in state.columns
            customers_written = _written_since(cur, names.customers, state.cert)
            users_written = owner and _written_since(cur, names.users, state.cert)
            if not customers_written and not users_written:
                return state, 0
            cert = certificate(conn)
            max_id = int(_one(cur, f"SELECT COALESCE(MAX(id), 0) FROM `{names.customers}`"))
            changed = _ids(
                cur,
                f"SELECT id FROM `{names.customers}` WHERE updated_at >= FROM_UNIXTIME(%s) OR id > %s",
                (state.cert - SKEW_S, state.max_id),
            )
            if users_written:
                changed |= _ids(
                    cur,
                    f"SELECT d.customer_id FROM `{tables.docs}` d LEFT JOIN `{names.users}` u ON u.ID = d.user_id "
                    "WHERE NOT (d.owner_name <=> CAST(u.display_name AS BINARY))",
                )
            changed |= _ids(
                cur,
                f"SELECT d.customer_id FROM `{tables.docs}` d LEFT JOIN `{names.customers}` c ON c.id = d.customer_id "
                "WHERE c.id IS NULL",
            )
            cover = Coverage("", state.collation, state.columns, 0)
            _sequence(cur, coverage(conn, names).longest)
            for batch in _batches(changed):
                marks = ", ".join(["%s"] * len(batch))
                conn.begin()
                cur.execute(f"DELETE FROM `{tables.grams}` WHERE customer_id IN ({marks})", batch)
                cur.execute(f"DELETE FROM `{tables.docs}` WHERE customer_id IN ({marks})", batch)
                _index(cur, names, tables, cover, f"c.id IN ({marks})", batch)
                conn.commit()
            cur.execute(
                f"UPDATE `{tables.state}` SET cert = %s, max_id = %s, refreshed_at = NOW() WHERE name = %s",
                (cert, max_id, STATE_KEY),
            )
    finally:
        release()
    fresh = read_state(conn, tables)
    assert fresh is not None
    return fresh, len(changed)


def drop(conn: pymysql.connections.Connection, names: TableNames) -> list[str]:
    """Drop the index's tables (searches use LIKE again); the names dropped."""
    tables = IndexTables.for_names(names)
    dropped = []
    with conn.cursor(pymysql.cursors.Cursor) as cur:
        for table in tables.all():
            if _one(
                cur,
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s",
                (table,),
            ):
                cur.execute(f"DROP TABLE `{table}`")
                dropped.append(table)
    return dropped


def size_mb(conn: pymysql.connections.Connection, names: TableNames) -> float:
    """The index's tables on disk (data and indexes), in MB."""
    tables = IndexTables.for_names(names)
    with conn.cursor(pymysql.cursors.Cursor) as cur:
        value = _one(
            cur,
            "SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES "
            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (%s, %s, %s)",
            tables.all(),
        )
    return float(value or 0) / 1e6


def verdict(conn: pymysql.connections.Connection, names: TableNames) -> str:
    """Whether a search would use the index right now, and why not (``wpbridge indexes``)."""
    with conn.cursor(pymysql.cursors.DictCursor) as cur:
        try:
            cur.execute(*probe(names))
        except pymysql.err.ProgrammingError:
            return decide(None).reason
        return decide(cur.fetchone()).reason
