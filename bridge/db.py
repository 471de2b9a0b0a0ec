"""The aiomysql pool and the only way the bridge talks to MySQL.

Every statement is either a pypika query, rendered here with a fresh ``PyformatParameter``
so that client values travel as bound parameters, or a constant SQL string with ``%s``
placeholders. Nothing else reaches ``cursor.execute``.
"""

from __future__ import annotations

import asyncio
import contextvars
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Mapping, Sequence

import aiomysql
import pymysql
from pypika.queries import QueryBuilder
from pypika.terms import PyformatParameter

from bridge.settings import DatabaseURL

Params = Mapping[str, Any] | Sequence[Any] | None
Statement = QueryBuilder | str

# MySQL error numbers worth one more try: deadlock, lock wait timeout, lost connection.
RETRYABLE = {1213, 1205, 2006, 2013}

query_counter: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("query_counter", default=None)


def render(statement: Statement, params: Params = None) -> tuple[str, Params]:
    """SQL text and its parameters; pypika queries get a fresh parameter collector each time."""
    if isinstance(statement, str):
        return statement, params
    if params is not None:
        raise TypeError("pass values inside the pypika query, not as params")
    collector = PyformatParameter()
    sql = statement.get_sql(parameter=collector)
    values = collector.get_parameters()
    return sql, (values or None)


class Executor:
    """Runs statements on one connection (a pooled one, or the one of a transaction)."""

    def __init__(self, conn: aiomysql.Connection) -> None:
        self.conn = conn

    async def _run(self, statement: Statement, params: Params) -> aiomysql.DictCursor:
        sql, values = render(statement, params)
        seen = query_counter.get()
        if seen is not None:
            seen.append(sql)
        cur = await self.conn.cursor(aiomysql.DictCursor)
        await cur.execute(sql, values)
        return cur

    async def fetch_all(self, statement: Statement, params: Params = None) -> list[dict[str, Any]]:
        cur = await self._run(statement, params)
        try:
            return list(await cur.fetchall())
        finally:
            await cur.close()

    async def fetch_one(self, statement: Statement, params: Params = None) -> dict[str, Any] | None:
        cur = await self._run(statement, params)
        try:
            return await cur.fetchone()
        finally:
            await cur.close()

    async def fetch_val(self, statement: Statement, params: Params = None) -> Any:
        row = await self.fetch_one(statement, params)
        if not row:
            return None
        return next(iter(row.values()))

    async def execute(self, statement: Statement, params: Params = None) -> tuple[int, int]:
        """Run a write; returns (rows affected, last insert id)."""
        cur = await self._run(statement, params)
        try:
            return cur.rowcount, cur.lastrowid
        finally:
            await cur.close()


class Database:
    """A connection pool with fetch helpers, transactions, and one retry on a lost connection."""

    def __init__(self, url: DatabaseURL, *, minsize: int = 1, maxsize: int = 10) -> None:
        self.url = url
        self.minsize = minsize
        self.maxsize = maxsize
        self.pool: aiomysql.Pool | None = None

    async def open(self) -> None:
        kwargs = self.url.connect_kwargs()
        kwargs["db"] = kwargs.pop("database")  # aiomysql's name for it
        self.pool = await aiomysql.create_pool(
            minsize=self.minsize,
            maxsize=self.maxsize,
            autocommit=True,
            pool_recycle=3600,
            connect_timeout=5,
            init_command="SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_TRANS_TABLES')",
            **kwargs,
        )

    async def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            await self.pool.wait_closed()
            self.pool = None

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Executor]:
        if self.pool is None:
            raise RuntimeError("database pool is not open")
        async with self.pool.acquire() as conn:
            yield Executor(conn)

    async def _with_retry(self, method: str, statement: Statement, params: Params) -> Any:
        for attempt in (1, 2):
            try:
                async with self.connection() as ex:
                    return await getattr(ex, method)(statement, params)
            except pymysql.OperationalError as exc:
                if attempt == 2 or exc.args[0] not in (2006, 2013):
                    raise
        raise AssertionError("unreachable")

    async def fetch_all(self, statement: Statement, params: Params = None) -> list[dict[str, Any]]:
        return await self._with_retry("fetch_all", statement, params)

    async def fetch_one(self, statement: Statement, params: Params = None) -> dict[str, Any] | None:
        return await self._with_retry("fetch_one", statement, params)

    async def fetch_val(self, statement: Statement, params: Params = None) -> Any:
        return await self._with_retry("fetch_val", statement, params)

    async def execute(self, statement: Statement, params: Params = None) -> tuple[int, int]:
        return await self._with_retry("execute", statement, params)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Executor]:
        """One transaction: committed when the block ends, rolled back on any exception."""
        async with self.connection() as ex:
            await ex.conn.begin()
            try:
                yield ex
            except BaseException:
                await ex.conn.rollback()
                raise
            else:
                await ex.conn.commit()

    async def run_transaction(self, work: Any, *, attempts: int = 3) -> Any:
        """Run ``await work(executor)`` in a transaction, retrying deadlocks and lock timeouts."""
        for attempt in range(1, attempts + 1):
            try:
                async with self.transaction() as ex:
                    return await work(ex)
            except pymysql.OperationalError as exc:
                if attempt == attempts or exc.args[0] not in RETRYABLE:
                    raise
                await asyncio.sleep(0.01 * attempt)
        raise AssertionError("unreachable")

    async def ping(self) -> bool:
        try:
            return await asyncio.wait_for(self.fetch_val("SELECT 1"), timeout=3) == 1
        except Exception:
            return False
