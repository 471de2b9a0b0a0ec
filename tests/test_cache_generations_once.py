"""A read request reads the cache generations once (``read_generations_once``): its later lookups
reuse them, yet no value outlives a write — the next request, an eviction in the same request, a
task spawned from it and a write request all read the store again."""

from __future__ import annotations

import asyncio
import secrets

import pytest

from bridge.cache import DiskCache, RedisCache, read_generations_once
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
    assert await asyncio.create_task(_fresh(mine)) == "1.0"  # the next request reads again
    first, later = await asyncio.create_task(request(False))
    assert first != later  # a write request reads each time


async def _fresh(cache: DiskCache | RedisCache) -> str:
    read_generations_once(True)
    return await cache.generations(["customers", "principals"])


async def test_an_eviction_in_the_request_and_a_spawned_task_read_the_store(caches) -> None:
    mine, other = caches

    async def request() -> tuple[str, str, str]:
        read_generations_once(True)
        await mine.generations(["customers"])
        await asyncio.create_task(other.evict("customers"))
        spawned = await asyncio.create_task(mine.generations(["customers"]))  # inherits the context only
        await mine.evict("branches")
        return spawned, await mine.generations(["customers"]), await mine.generations(["branches"])

    spawned, customers, branches = await asyncio.create_task(request())
    assert (spawned, customers, branches) == ("1", "1", "1")
