"""A read request reads the cache generations once (``read_generations_once``): its later lookups
reuse them, yet no value outlives a write — the next request, an eviction in the same request, a
task spawned from it and a write request all read the store again."""

from __future__ import annotations

import asyncio
import secrets

import pytest

from bridge.cache import COUNTERS_GROUP, DiskCache, RedisCache, read_generations_once, remember
from tests.support.redis_namespace import REDIS_URL


@pytest.fixture(params=["disk", "redis"])
async def caches(request, tmp_path):
    """Two handles on one store, as two workers have: ``mine`` serves, ``other`` writes."""
    namespace = "test-" + secrets.token_hex(4)

    def make() -> DiskCache | RedisCache:
        if request.param == "disk":
            return DiskCache(str(tmp_path / "c"), namespace)
        return RedisCache(REDIS_URL, namespace)

    mine, other = make(), make()
    yield mine, other
    await mine.clear()
    await mine.close()
    await other.close()


async def test_one_read_request_sees_one_snapshot_and_the_next_sees_the_write(caches) -> None:
    mine, other = caches

    async def request(read: bool) -> tuple[str, str]:
        read_generations_once(read)
        first = await mine.generations(["customers", "principals"])
        await asyncio.create_task(other.evict("customers"))  # another worker's write, during this request
        return first, await mine.generations(["customers", "principals"])

    first, later = await asyncio.create_task(request(True))
    assert first == later  # one snapshot within the read request
    assert await asyncio.create_task(_fresh(mine)) != first  # the next request reads again
    first, later = await asyncio.create_task(request(False))
    assert first != later  # a write request reads each time


async def _fresh(cache: DiskCache | RedisCache) -> str:
    read_generations_once(True)
    return await cache.generations(["customers", "principals"])


async def test_an_eviction_in_the_request_and_a_spawned_task_read_the_store(caches) -> None:
    mine, other = caches

    async def request() -> tuple[bool, bool, bool]:
        read_generations_once(True)
        customers, branches = (await mine.generations(["customers", "branches"])).split(".")
        await asyncio.create_task(other.evict("customers"))
        spawned = await asyncio.create_task(mine.generations(["customers"]))  # inherits the context only
        await mine.evict("branches")
        return (
            spawned != customers,
            await mine.generations(["customers"]) != customers,
            await mine.generations(["branches"]) != branches,
        )

    assert await asyncio.create_task(request()) == (True, True, True)


async def test_a_workers_memo_never_outlives_an_eviction_a_clear_or_the_ttl(tmp_path) -> None:
    """DiskCache keeps entries with versioned keys in memory: another worker's eviction or clear,
    and the entry's TTL, still make the next read request compute afresh."""
    namespace = "test-" + secrets.token_hex(4)
    mine, other = DiskCache(str(tmp_path / "c"), namespace), DiskCache(str(tmp_path / "c"), namespace)
    calls: list[int] = []

    async def compute() -> int:
        calls.append(1)
        return len(calls)

    async def ask(ttl: float) -> int:
        read_generations_once(True)
        return int(await remember(mine, "k", compute, ttl=ttl, group="customers", depends=("principals",)))

    async def request(ttl: float = 60) -> int:
        return await asyncio.create_task(ask(ttl))

    assert [await request(), await request()] == [1, 1]
    await other.evict("principals")
    assert [await request(), await request()] == [2, 2]
    await other.clear()
    assert [await request(), await request()] == [3, 3]
    await other.evict("customers")
    assert [await request(0.2), await request(0.2)] == [4, 4]
    await asyncio.sleep(0.3)
    assert await request(0.2) == 5
    await mine.close()
    await other.close()


async def test_counters_found_at_zero_are_read_again_after_any_count(tmp_path) -> None:
    """A worker remembers failed-login counters it found at 0, until any worker counts one: the
    next read request then sees the count (a throttled caller is refused at once)."""
    namespace = "test-" + secrets.token_hex(4)
    mine, other = DiskCache(str(tmp_path / "c"), namespace), DiskCache(str(tmp_path / "c"), namespace)

    async def check() -> list[int]:
        read_generations_once(True)
        return [value for value, _ in await mine.counters(["authfail:addr:a", "authfail:user:1"])]

    async def request() -> list[int]:
        return await asyncio.create_task(check())

    assert [await request(), await request()] == [[0, 0], [0, 0]]
    await other.count("authfail:user:1", 60)
    assert await request() == [0, 1]
    await other.count("authfail:addr:a", 60)
    assert await request() == [1, 1]
    await mine.close()
    await other.close()


async def test_a_worker_reads_the_generations_again_only_after_a_change(tmp_path, monkeypatch) -> None:
    """While no generation changes, a worker's read requests take the generations it read last
    (the stamp beside the diskcache is unchanged); any worker's eviction, count, clear or new
    counter changes the stamp, and the next request reads the store again and sees the change."""
    namespace = "test-" + secrets.token_hex(4)
    mine, other = DiskCache(str(tmp_path / "c"), namespace), DiskCache(str(tmp_path / "c"), namespace)
    reads: list[int] = []
    real = mine._all_generations
    monkeypatch.setattr(mine, "_all_generations", lambda: reads.append(1) or real())
    groups = ["customers", "principals", COUNTERS_GROUP]

    async def request() -> str:
        async def ask() -> str:
            read_generations_once(True)
            return await mine.generations(groups)

        return await asyncio.create_task(ask())

    async def settled() -> str:
        """Requests until one reads nothing (a request that creates counters changes the stamp)."""
        while True:
            count, value = len(reads), await request()
            if len(reads) == count:
                return value

    before = await settled()
    for change in (
        lambda: other.evict("customers"),
        lambda: other.count("authfail:addr:a", 60),
        lambda: other.clear(),
    ):
        await change()
        count = len(reads)
        after = await request()
        assert len(reads) == count + 1 and after != before  # the stamp changed: read once, and seen
        before = await settled()
        count = len(reads)
        assert [await request(), await request()] == [before, before] and len(reads) == count

    async def created_by_other() -> None:
        read_generations_once(True)
        await other.generations(["branches"])

    await asyncio.create_task(created_by_other())
    groups.append("branches")
    count = len(reads)
    created = (await request()).split(".")[-1]
    assert len(reads) == count + 1 and created == (await other.generations(["branches"]))
    assert len(reads) == count + 1
    await mine.close()
    await other.close()
