"""Cold-cache requests: the bridge's cache is emptied, then ``concurrency`` requests go out at once.

Repeated for a number of rounds; every request of a round is cold (auth, principal, totals,
statistics all missing), like the first requests after a deploy or after the TTLs run out.
"""

from __future__ import annotations

import asyncio
import time

from bench.client import Connection
from bench.stack import Bridge, Served
from bench.stats import Measured, summarize


def _bad(status: int, body: bytes, datatable: bool) -> bool:
    return status >= 400 or (datatable and b'"error":' in body)


async def _run(bridge: Bridge, path: str, auth: str, concurrency: int, rounds: int, datatable: bool) -> Measured:
    conns = [await Connection("127.0.0.1", bridge.port, auth).open() for _ in range(concurrency)]
    latencies: list[float] = []
    errors = 0
    busy = 0.0
    try:
        for _ in range(rounds):
            await bridge.cleared()
            began = time.perf_counter()
            answers = await asyncio.gather(*(c.request("GET", path) for c in conns))
            busy += time.perf_counter() - began
            for answer in answers:
                latencies.append(answer.seconds)
                errors += _bad(answer.status, answer.body, datatable)
    finally:
        for conn in conns:
            await conn.close()
    return summarize(latencies, busy, errors)


def run(bridge: Bridge, path: str, auth: str, concurrency: int, rounds: int, datatable: bool) -> Measured:
    return asyncio.run(_run(bridge, path, auth, concurrency, rounds, datatable))


def one(server: Served, path: str, auth: str) -> tuple[int, bytes]:
    """A single request (warming up, or while the statements are captured)."""

    async def go() -> tuple[int, bytes]:
        conn = await Connection("127.0.0.1", server.port, auth).open()
        try:
            answer = await conn.request("GET", path)
        finally:
            await conn.close()
        return answer.status, answer.body

    return asyncio.run(go())
