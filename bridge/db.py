"""The aiomysql pool and the only way the bridge talks to MySQL.

Every statement is either a pypika query, rendered here with a fresh ``PyformatParameter``
so that client values travel as bound parameters, or a constant SQL string with ``%s``
placeholders. Nothing else reaches ``cursor.execute``.

This is also the one place that knows what a database outage looks like: every
connection-level failure (a lost or refused connection, a pool that cannot reconnect, no
answer in time) leaves here as ``DatabaseUnavailable``, which the app answers with a 503.
Opening a connection gives up after ``CONNECT_TIMEOUT``; a statement, or waiting for a pooled
connection, after the pool's ``timeout``; a connection that failed is closed, so the pool
never hands it out again and reconnects as soon as the database answers.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import aiomysql
import pymysql
from pypika.queries import QueryBuilder
from pypika.terms import PyformatParameter

from bridge.decoders import DECODERS
from bridge.errors import DatabaseUnavailable
from bridge.metrics import CONNECTIONS_IN_USE
from bridge.pool import Pool
from bridge.settings import DatabaseURL

Params = Mapping[str, Any] | Sequence[Any] | None
Statement = QueryBuilder | str
Row = dict[str, Any]  # one result row, column name → value as the driver decoded it
T = TypeVar("T")

log = logging.getLogger("bridge.db")

# MySQL error numbers worth running a transaction again: deadlock, lock wait timeout.
# (A lost connection is a DatabaseUnavailable, retried when ``retryable``.)
RETRYABLE = {1213, 1205}
# A connection that was open is gone: the statement can run again on a fresh one.
LOST = {2006, 2013, 2055, 4031}
# The server cannot be reached or is going away: the client's connection errors (can't connect,
# unknown host, SSL, lost) and the server's (too many connections, shutdown, aborted
# connection, network read/write errors, connection killed).
UNREACHABLE = LOST | {2002, 2003, 2005, 2026, 1040, 1053, 1077, 1079, 1152, 1158, 1159, 1160, 1161, 1927}
CONNECT_TIMEOUT = 1.0  # seconds for the TCP connection to the server
_LOG_EVERY = 5.0  # seconds between two warnings about the same outage
_last_warning = 0.0

query_counter: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("query_counter", default=None)


def render(statement: Statement, params: Params = None) -> tuple[str, Params]:
    """SQL text and its parameters; pypika queries get a fresh parameter collector each time."""
    if isinstance(statement, str):
        return statement, params
    if params is not None:
        raise TypeError("pass values inside the pypika query, not as params")
    collector = PyformatParameter()
    sql = statement.get_sql(parameter=collector)
    values: dict[str, Any] = collector.get_parameters()
    return sql, (values or None)


def unavailable(exc: BaseException, database: str, timeout: float | None) -> DatabaseUnavailable | None:
    """``exc`` as a ``DatabaseUnavailable`` when it is a connection-level failure, else None."""
    if isinstance(exc, DatabaseUnavailable):
        return exc
    if isinstance(exc, TimeoutError):  # asyncio's timeouts too (an alias since Python 3.11)
        within = f" within {timeout:g} s" if timeout is not None else ""
        error = DatabaseUnavailable(f"no answer from the database{within}", database)
    elif isinstance(exc, pymysql.InterfaceError):  # a connection that was already closed: nothing ran
        error = DatabaseUnavailable(str(exc) or "the connection is closed", database, retryable=True)
    elif isinstance(exc, pymysql.MySQLError):
        number = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
        if number not in UNREACHABLE:
            return None
        error = DatabaseUnavailable(str(exc), database, retryable=number in LOST)
    elif isinstance(exc, OSError):  # ConnectionError and friends, from the socket itself
        error = DatabaseUnavailable(f"{type(exc).__name__}: {exc}", database)
    else:
        return None
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _LOG_EVERY:
        _last_warning = now
        log.warning("database unavailable (%s): %s", database, error.detail)
    return error


class Executor:
    """Runs statements on one connection (a pooled one, or the one of a transaction).

    Each statement is bounded by ``timeout``; a connection-level failure closes the connection
    (a timed-out one may still be busy) and raises ``DatabaseUnavailable``."""

    def __init__(self, conn: aiomysql.Connection, database: str = "", timeout: float | None = None) -> None:
        self.conn = conn
        self.database = database
        self.timeout = timeout

    async def _guarded(self, work: Awaitable[T]) -> T:
        """Await ``work`` within the timeout, translating connection-level failures."""
        try:
            async with asyncio.timeout(self.timeout):
                return await work
        except Exception as exc:
            error = unavailable(exc, self.database, self.timeout)
            if error is None:
                raise
            self.conn.close()
            raise error from exc

    async def _run(self, statement: Statement, params: Params) -> aiomysql.DictCursor:
        sql, values = render(statement, params)
        seen = query_counter.get()
        if seen is not None:
            seen.append(sql)
        cur = await self.conn.cursor(aiomysql.DictCursor)
        await cur.execute(sql, values)
        return cur

    async def _fetch_all(self, statement: Statement, params: Params) -> list[Row]:
        cur = await self._run(statement, params)
        try:
            return list(await cur.fetchall())
        finally:
            await cur.close()

    async def _fetch_one(self, statement: Statement, params: Params) -> Row | None:
        cur = await self._run(statement, params)
        try:
            return await cur.fetchone()
        finally:
            await cur.close()

    async def _execute(self, statement: Statement, params: Params) -> tuple[int, int]:
        cur = await self._run(statement, params)
        try:
            return cur.rowcount, cur.lastrowid
        finally:
            await cur.close()

    async def fetch_all(self, statement: Statement, params: Params = None) -> list[Row]:
        return await self._guarded(self._fetch_all(statement, params))

    async def fetch_one(self, statement: Statement, params: Params = None) -> Row | None:
        return await self._guarded(self._fetch_one(statement, params))

    async def fetch_val(self, statement: Statement, params: Params = None) -> Any:
        row = await self.fetch_one(statement, params)
        if not row:
            return None
        return next(iter(row.values()))

    async def execute(self, statement: Statement, params: Params = None) -> tuple[int, int]:
        """Run a write; returns (rows affected, last insert id)."""
        return await self._guarded(self._execute(statement, params))

    async def begin(self) -> None:
        await self._guarded(self.conn.begin())

    async def commit(self) -> None:
        """Commit; a connection lost now leaves the outcome unknown, so the error is never retryable."""
        try:
            await self._guarded(self.conn.commit())
        except DatabaseUnavailable as exc:
            exc.retryable = False
            raise

    async def rollback(self) -> None:
        """Roll back if the connection still stands (the server rolls back a dropped one itself)."""
        if self.conn.closed:
            return
        try:
            await self._guarded(self.conn.rollback())
        except DatabaseUnavailable:
            pass


class Database:
    """A connection pool with fetch helpers, retried once on a lost connection (a read can run
    again), and transactions, the only way to write (a write is never sent twice on its own).

    ``timeout`` (seconds, None for none) bounds each statement and the wait for a pooled
    connection; the server's own connections never need it, only the service does."""

    def __init__(self, url: DatabaseURL, *, minsize: int = 1, maxsize: int = 10, timeout: float | None = None) -> None:
        self.url = url
        self.minsize = minsize
        self.maxsize = maxsize
        self.timeout = timeout
        self.pool: Pool | None = None
        self._name = str(url)  # in every DatabaseUnavailable

    def _unavailable(self, exc: BaseException) -> DatabaseUnavailable:
        """Any failure while connecting means the pool cannot reach the database (and trying
        again at once would not help)."""
        error = unavailable(exc, str(self.url), self.timeout) or DatabaseUnavailable(
            f"{type(exc).__name__}: {exc}", str(self.url)
        )
        error.retryable = False
        return error

    async def open(self) -> None:
        kwargs = self.url.connect_kwargs()
        kwargs["db"] = kwargs.pop("database")  # aiomysql's name for it
        try:
            async with asyncio.timeout(self.timeout):
                self.pool = await Pool.open(
                    minsize=self.minsize,
                    maxsize=self.maxsize,
                    autocommit=True,
                    pool_recycle=3600,
                    connect_timeout=CONNECT_TIMEOUT,
                    init_command="SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_TRANS_TABLES')",
                    conv=DECODERS,  # pymysql's, with a faster DATETIME (bridge/decoders.py)
                    **kwargs,
                )
        except (pymysql.MySQLError, OSError) as exc:
            raise self._unavailable(exc) from exc

    async def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            await self.pool.wait_closed()
            self.pool = None

    async def ping(self, timeout: float = 3.0) -> None:
        """Return when the database answers ``SELECT 1`` within ``timeout``; else DatabaseUnavailable."""
        try:
            async with asyncio.timeout(timeout):
                await self.fetch_val("SELECT 1")
        except TimeoutError as exc:
            raise DatabaseUnavailable(f"no answer from the database within {timeout:g} s", str(self.url)) from exc

    async def _acquire(self) -> aiomysql.Connection:
        if self.pool is None:
            raise RuntimeError("database pool is not open")
        conn = self.pool.take()  # a free connection at hand: no lock, no wait to bound
        if conn is not None:
            return conn
        try:
            async with asyncio.timeout(self.timeout):
                return await self.pool.acquire()
        except (pymysql.MySQLError, OSError) as exc:
            raise self._unavailable(exc) from exc

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Executor]:
        conn = await self._acquire()
        CONNECTIONS_IN_USE.inc()
        try:
            yield Executor(conn, self._name, self.timeout)
        finally:
            await self._release(conn)

    async def _release(self, conn: aiomysql.Connection) -> None:
        CONNECTIONS_IN_USE.dec()
        if self.pool is not None:
            await self.pool.give_back(conn)  # a closed connection is dropped, not pooled
        else:
            conn.close()

    async def _with_retry(self, read: Callable[[Executor], Awaitable[T]]) -> T:
        """``read`` on a pooled connection (``connection``'s steps, without a context manager
        object per statement: every read of every request comes here)."""
        for attempt in (1, 2):
            try:
                conn = await self._acquire()
                CONNECTIONS_IN_USE.inc()
                try:
                    return await read(Executor(conn, self._name, self.timeout))
                finally:
                    await self._release(conn)
            except DatabaseUnavailable as exc:
                if attempt == 2 or not exc.retryable:
                    raise
        raise AssertionError("unreachable")

    async def fetch_all(self, statement: Statement, params: Params = None) -> list[Row]:
        return await self._with_retry(lambda ex: ex.fetch_all(statement, params))

    async def fetch_one(self, statement: Statement, params: Params = None) -> Row | None:
        return await self._with_retry(lambda ex: ex.fetch_one(statement, params))

    async def fetch_val(self, statement: Statement, params: Params = None) -> Any:
        return await self._with_retry(lambda ex: ex.fetch_val(statement, params))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Executor]:
        """One transaction: committed when the block ends, rolled back on any exception."""
        async with self.connection() as ex:
            await ex.begin()
            try:
                yield ex
            except BaseException:
                await ex.rollback()
                raise
            else:
                await ex.commit()

    async def run_transaction(self, work: Callable[[Executor], Awaitable[T]], *, attempts: int = 3) -> T:
        """Run ``await work(executor)`` in a transaction, retrying deadlocks, lock timeouts and a
        connection lost before the commit (the server rolled that transaction back)."""
        for attempt in range(1, attempts + 1):
            try:
                async with self.transaction() as ex:
                    return await work(ex)
            except DatabaseUnavailable as exc:
                if attempt == attempts or not exc.retryable:
                    raise
            except pymysql.OperationalError as exc:
                if attempt == attempts or exc.args[0] not in RETRYABLE:
                    raise
                await asyncio.sleep(0.01 * attempt)
        raise AssertionError("unreachable")
