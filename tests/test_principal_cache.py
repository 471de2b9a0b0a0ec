"""A principal loaded just before a write and stored just after the write evicted the cached
principals is never served: cached principals are keyed by their group's generation."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bridge.cache import DiskCache
from bridge.db import Database
from bridge.principal import PRINCIPAL_GROUP, PrincipalLoader
from bridge.schema import TableNames
from bridge.wiring import load_schema
from tests.support.cli import run_cli
from tests.support.database import connect


class HeldStores(DiskCache):
    """The real diskcache, except that storing a principal waits for the test's go-ahead."""

    def __init__(self, directory: str, namespace: str) -> None:
        super().__init__(directory, namespace)
        self.arrived = asyncio.Event()
        self.go = asyncio.Event()

    async def set(self, key: str, value: Any, ttl: float, group: str) -> None:
        if key.startswith("principal:"):
            self.arrived.set()
            await self.go.wait()
        await super().set(key, value, ttl, group)


async def test_a_load_that_raced_a_write_does_not_leave_the_old_relations_cached(
    make_database: Callable, tmp_path: Path
) -> None:
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "3")
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT ID FROM wp_users WHERE user_login = 'andi_budi'")
        andi = int(cur.fetchone()["ID"])
    db = Database(url)
    await db.open()
    cache = HeldStores(str(tmp_path / "cache"), "race")
    try:
        names = TableNames.for_prefix("wp_")
        loader = PrincipalLoader(db, cache, names, await load_schema(db, names))
        racing = asyncio.create_task(loader.load(andi))
        await asyncio.wait_for(cache.arrived.wait(), 10)  # it has read andi's relations: he owns customers
        with conn.cursor() as cur:  # the write: andi's customers go to the administrator, and the eviction
            cur.execute("UPDATE wp_app_customers SET user_id = 1 WHERE user_id = %s", [andi])
        conn.commit()
        await cache.evict(PRINCIPAL_GROUP)
        cache.go.set()
        assert (await racing).relations.owned_customers  # that request saw the relations before the write
        assert (await loader.load(andi)).relations.owned_customers == ()
    finally:
        conn.close()
        await db.close()
        await cache.close()
