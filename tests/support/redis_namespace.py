"""The shared Redis the cache tests use, and cleaning up after a database's bridges."""

from __future__ import annotations

REDIS_URL = "redis://127.0.0.1:6379/0"


async def drop_redis_namespace(database: str) -> None:
    """Forget every key the bridges on ``database`` left in the shared Redis."""
    import redis.asyncio as redis

    client = redis.from_url(REDIS_URL)
    keys = [k async for k in client.scan_iter(match=f"wpbridge:{database}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()
