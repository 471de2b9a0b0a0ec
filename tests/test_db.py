"""bridge/db.py against the real MariaDB: bound parameters, transactions, deadlock retries."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pymysql
import pytest
from pypika import MySQLQuery, Table

from bridge.db import Database, render
from bridge.errors import DatabaseUnavailable
from bridge.settings import DatabaseURL
from tests.support.database import connect
from tests.support.tcp_proxy import TcpProxy


@pytest.fixture
def table_url(make_database: Callable[[], DatabaseURL]) -> DatabaseURL:
    url = make_database()
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(200)) ENGINE=InnoDB")
        cur.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    conn.close()
    return url


@pytest.fixture
async def db(table_url: DatabaseURL):
    database = Database(table_url, maxsize=4)
    await database.open()
    yield database
    await database.close()


def test_pypika_values_are_rendered_as_placeholders_never_inline() -> None:
    t = Table("t")
    hostile = "x' OR 1=1 -- \\"
    sql, params = render(MySQLQuery.from_(t).select(t.id).where(t.v == hostile).where(t.v.like("%\\%%")))
    assert hostile not in sql and "OR 1=1" not in sql
    assert sql.count("%(param") == 2 and params == {"param1": hostile, "param2": "%\\%%"}


async def test_hostile_values_round_trip_through_bound_parameters(db: Database) -> None:
    t = Table("t")
    hostile = "'; DROP TABLE t; -- \\ % _ 😀"
    async with db.transaction() as ex:
        await ex.execute(MySQLQuery.update(t).set(t.v, hostile).where(t.id == 1))
    assert await db.fetch_val(MySQLQuery.from_(t).select(t.v).where(t.id == 1)) == hostile
    assert await db.fetch_val("SELECT COUNT(*) FROM t") == 2


async def test_a_failed_transaction_leaves_nothing_behind(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as ex:
            await ex.execute("UPDATE t SET v = 'changed' WHERE id = 1")
            raise RuntimeError("boom")
    assert await db.fetch_val("SELECT v FROM t WHERE id = 1") == "a"


async def test_deadlocks_are_retried_until_both_transactions_commit(db: Database) -> None:
    """Two transactions lock rows 1 and 2 in opposite orders: MariaDB kills one with a deadlock
    (1213); run_transaction retries it, so both writes land and neither raises."""
    both_hold_first_lock = asyncio.Barrier(2)
    attempts = {"a": 0, "b": 0}

    def work(name: str, first: int, second: int):
        async def run(ex) -> None:
            attempts[name] += 1
            await ex.execute("UPDATE t SET v = CONCAT(v, %s) WHERE id = %s", (name, first))
            if attempts[name] == 1:
                await both_hold_first_lock.wait()
            await ex.execute("UPDATE t SET v = CONCAT(v, %s) WHERE id = %s", (name, second))

        return run

    await asyncio.gather(db.run_transaction(work("a", 1, 2)), db.run_transaction(work("b", 2, 1)))
    assert attempts["a"] + attempts["b"] == 3  # exactly one of them was retried
    rows = {r["id"]: r["v"] for r in await db.fetch_all("SELECT id, v FROM t")}
    assert sorted(rows[1][1:]) == ["a", "b"] and sorted(rows[2][1:]) == ["a", "b"]


async def test_other_errors_are_not_retried(db: Database) -> None:
    calls = 0

    async def work(ex) -> None:
        nonlocal calls
        calls += 1
        await ex.execute("INSERT INTO t VALUES (1, 'duplicate')")

    with pytest.raises(pymysql.IntegrityError):
        await db.run_transaction(work)
    assert calls == 1


async def test_a_connection_cut_inside_a_transaction_is_database_unavailable_and_leaves_nothing(
    table_url: DatabaseURL,
) -> None:
    """The connection drops between a transaction's write and its commit, and new connections are
    refused: one DatabaseUnavailable (no driver error escapes), the write is not in the table,
    and once the database is back the same pool serves again (it dropped its dead connections)."""
    proxy = TcpProxy(table_url)
    database = Database(proxy.url, maxsize=4, timeout=2)
    await database.open()
    try:
        assert await database.fetch_val("SELECT COUNT(*) FROM t") == 2

        async def work(ex) -> None:
            await ex.execute("INSERT INTO t VALUES (3, 'during the cut')")
            await asyncio.to_thread(proxy.cut)
            await ex.execute("UPDATE t SET v = 'cut' WHERE id = 1")

        with pytest.raises(DatabaseUnavailable) as caught:
            await database.run_transaction(work)
        assert caught.value.status == 503 and caught.value.headers["Retry-After"]
        with pytest.raises(DatabaseUnavailable):
            await database.fetch_all("SELECT * FROM t")
        proxy.restore()
        assert {r["id"]: r["v"] for r in await database.fetch_all("SELECT id, v FROM t")} == {1: "a", 2: "b"}
    finally:
        await database.close()
        proxy.close()


async def test_more_concurrent_reads_than_connections_all_answer_on_at_most_maxsize(table_url: DatabaseURL) -> None:
    """Sixty reads at once on a pool of two: each gets its own answer, none waits for ever (a
    connection given back while others wait wakes one of them) and no third connection opens."""
    database = Database(table_url, maxsize=2, timeout=5)
    await database.open()
    try:

        async def read(i: int) -> tuple[int, int]:
            row = await database.fetch_one("SELECT %s AS i, CONNECTION_ID() AS conn", (i,))
            assert row is not None
            return row["i"], row["conn"]

        answers = await asyncio.gather(*(read(i) for i in range(60)))
        assert [i for i, _ in answers] == list(range(60))
        assert len({conn for _, conn in answers}) <= 2
    finally:
        await database.close()


async def test_a_free_connection_the_server_closed_is_not_handed_out(table_url: DatabaseURL) -> None:
    """The server kills the pooled connection while it is free: the next statement gets a new
    connection on its first attempt (``connection()`` does not retry), not the dead one."""
    database = Database(table_url, maxsize=1, timeout=5)
    await database.open()
    try:
        first = await database.fetch_val("SELECT CONNECTION_ID()")
        killer = connect(table_url)
        with killer.cursor() as cur:
            cur.execute("KILL CONNECTION %s", (first,))
        killer.close()
        await asyncio.sleep(0.2)  # the server's close reaches the pooled connection's reader
        async with database.connection() as ex:
            second = await ex.fetch_val("SELECT CONNECTION_ID()")
        assert second != first
    finally:
        await database.close()
