"""bridge/singleflight.py alone (no database): concurrent callers of one key share one
computation; a failure or a cancelled waiter never spreads to the others."""

from __future__ import annotations

import asyncio

import pytest

from bridge.singleflight import SingleFlight


async def test_concurrent_callers_of_one_key_share_one_computation() -> None:
    """Ten requests missing the same value run its query once and all get its result."""
    flights: SingleFlight[int] = SingleFlight()
    calls = 0
    release = asyncio.Event()

    async def compute() -> int:
        nonlocal calls
        calls += 1
        await release.wait()
        return 42

    tasks = [asyncio.create_task(flights.run("total", compute)) for _ in range(10)]
    await asyncio.sleep(0)
    assert "total" in flights
    release.set()
    assert await asyncio.gather(*tasks) == [42] * 10
    assert calls == 1
    assert "total" not in flights and len(flights) == 0


async def test_a_finished_flight_is_not_a_cache() -> None:
    """Once a computation has finished, the next caller computes again (caching is the cache's job)."""
    flights: SingleFlight[int] = SingleFlight()
    calls = 0

    async def compute() -> int:
        nonlocal calls
        calls += 1
        return calls

    assert await flights.run("k", compute) == 1
    assert await flights.run("k", compute) == 2


async def test_different_keys_do_not_wait_for_each_other() -> None:
    """Two keys are two computations, running at the same time."""
    flights: SingleFlight[str] = SingleFlight()
    started: list[str] = []
    release = asyncio.Event()

    async def compute(name: str) -> str:
        started.append(name)
        await release.wait()
        return name

    a = asyncio.create_task(flights.run(("cache", "a"), lambda: compute("a")))
    b = asyncio.create_task(flights.run(("cache", "b"), lambda: compute("b")))
    await asyncio.sleep(0)
    assert sorted(started) == ["a", "b"]
    release.set()
    assert (await a, await b) == ("a", "b")


async def test_a_shared_none_is_a_value() -> None:
    """A computation that finds nothing (no such user: None) is shared like any other value."""
    flights: SingleFlight[int | None] = SingleFlight()
    calls = 0
    release = asyncio.Event()

    async def compute() -> int | None:
        nonlocal calls
        calls += 1
        await release.wait()
        return None

    tasks = [asyncio.create_task(flights.run(7, compute)) for _ in range(3)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*tasks) == [None, None, None]
    assert calls == 1


async def test_a_failed_computation_makes_the_waiters_compute_for_themselves() -> None:
    """The first request's error is its own: the waiters are not handed it, each computes."""
    flights: SingleFlight[str] = SingleFlight()
    release = asyncio.Event()
    calls = 0

    async def failing() -> str:
        nonlocal calls
        calls += 1
        await release.wait()
        raise ConnectionError("lost the database")

    async def working() -> str:
        nonlocal calls
        calls += 1
        return "counted"

    leader = asyncio.create_task(flights.run("k", failing))
    await asyncio.sleep(0)
    waiters = [asyncio.create_task(flights.run("k", working)) for _ in range(2)]
    await asyncio.sleep(0)
    assert calls == 1  # the waiters wait
    release.set()
    with pytest.raises(ConnectionError):
        await leader
    assert await asyncio.gather(*waiters) == ["counted", "counted"]
    assert calls == 3
    assert len(flights) == 0


async def test_a_cancelled_waiter_does_not_cancel_the_computation() -> None:
    """A client that goes away while waiting leaves the shared computation running for the others."""
    flights: SingleFlight[int] = SingleFlight()
    release = asyncio.Event()

    async def compute() -> int:
        await release.wait()
        return 5

    leader = asyncio.create_task(flights.run("k", compute))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(flights.run("k", compute))
    other = asyncio.create_task(flights.run("k", compute))
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    release.set()
    assert (await leader, await other) == (5, 5)


async def test_a_cancelled_leader_releases_its_waiters() -> None:
    """If the computing request is cancelled, its waiters compute instead of waiting forever."""
    flights: SingleFlight[int] = SingleFlight()
    never = asyncio.Event()

    async def stuck() -> int:
        await never.wait()
        return 0

    async def quick() -> int:
        return 9

    leader = asyncio.create_task(flights.run("k", stuck))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(flights.run("k", quick))
    await asyncio.sleep(0)
    leader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leader
    assert await asyncio.wait_for(waiter, 2) == 9
