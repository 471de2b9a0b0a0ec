"""The floor: the bridge's own statements (captured, bench/capture.py) replayed by a bare aiomysql
loop at the same concurrency. What the bridge adds on top of it is its own overhead."""

from __future__ import annotations

import asyncio
import time

import aiomysql

from bench.stats import Measured, summarize
from bridge.settings import DatabaseURL


def _kwargs(url: DatabaseURL) -> dict:
    kwargs = url.connect_kwargs()
    kwargs["db"] = kwargs.pop("database")
    return kwargs


async def _once(conn: aiomysql.Connection, statements: list[str]) -> None:
    async with conn.cursor() as cur:
        for sql in statements:
            await cur.execute(sql)
            await cur.fetchall()


async def _warm(url: DatabaseURL, statements: list[str], concurrency: int, seconds: float) -> Measured:
    conns = [await aiomysql.connect(autocommit=True, **_kwargs(url)) for _ in range(concurrency)]
    latencies: list[float] = []
    errors = 0
    try:
        for conn in conns:  # one untimed round, like wrk's first requests on warm connections
            await _once(conn, statements)
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()

        async def loop(conn: aiomysql.Connection) -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                t = time.perf_counter()
                try:
                    await _once(conn, statements)
                except aiomysql.Error:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - t)

        await asyncio.gather(*(loop(c) for c in conns))
        elapsed = time.perf_counter() - started
    finally:
        for conn in conns:
            conn.close()
    return summarize(latencies, elapsed, errors)


async def _rounds(url: DatabaseURL, statements: list[str], concurrency: int, rounds: int) -> Measured:
    """Cold: ``rounds`` times, ``concurrency`` executions of the cold request's statements at once."""
    conns = [await aiomysql.connect(autocommit=True, **_kwargs(url)) for _ in range(concurrency)]
    latencies: list[float] = []
    busy = 0.0
    try:
        for _ in range(rounds):
            began = time.perf_counter()

            async def one(conn: aiomysql.Connection) -> None:
                t = time.perf_counter()
                await _once(conn, statements)
                latencies.append(time.perf_counter() - t)

            await asyncio.gather(*(one(c) for c in conns))
            busy += time.perf_counter() - began
    finally:
        for conn in conns:
            conn.close()
    return summarize(latencies, busy, 0)


def warm(url: DatabaseURL, statements: list[str], concurrency: int, seconds: float) -> Measured:
    return asyncio.run(_warm(url, statements, concurrency, seconds))


def cold(url: DatabaseURL, statements: list[str], concurrency: int, rounds: int) -> Measured:
    return asyncio.run(_rounds(url, statements, concurrency, rounds))


def time_statement(url: DatabaseURL, sql: str, repeat: int) -> float:
    """Fastest of ``repeat`` runs of one statement alone, in ms (index effects: the minimum is
    what the statement costs; slower runs are other processes' noise)."""

    async def go() -> float:
        conn = await aiomysql.connect(autocommit=True, **_kwargs(url))
        try:
            times = []
            await _once(conn, [sql])
            for _ in range(repeat):
                t = time.perf_counter()
                await _once(conn, [sql])
                times.append(time.perf_counter() - t)
        finally:
            conn.close()
        return min(times) * 1000

    return asyncio.run(go())


HANDLER_READS = ("Handler_read_first", "Handler_read_key", "Handler_read_last", "Handler_read_next",
                 "Handler_read_prev", "Handler_read_rnd", "Handler_read_rnd_next")  # fmt: skip


def rows_read(url: DatabaseURL, sql: str) -> int:
    """Index entries and rows the server read for one run of ``sql`` (its session Handler_read_*
    counters): what an index changes, free of the timing noise of a shared machine."""

    async def go() -> int:
        conn = await aiomysql.connect(autocommit=True, **_kwargs(url))
        try:
            async with conn.cursor() as cur:
                marks = ", ".join(["%s"] * len(HANDLER_READS))
                status = f"SHOW SESSION STATUS WHERE Variable_name IN ({marks})"
                await cur.execute(status, HANDLER_READS)
                before = sum(int(v) for _, v in await cur.fetchall())
                await cur.execute(sql)
                await cur.fetchall()
                await cur.execute(status, HANDLER_READS)
                return sum(int(v) for _, v in await cur.fetchall()) - before
        finally:
            conn.close()

    return asyncio.run(go())
