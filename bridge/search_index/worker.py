"""The worker's refresh of the search index: WordPress's own writes folded in without a command.

Every ``BRIDGE_SEARCH_INDEX_REFRESH_S`` seconds each worker runs ``build.refresh`` in a thread,
on a connection of its own; a named lock lets only one worker work at a time, and a pass
whose tables were not written since the last certificate costs two reads. Until a pass has
run, searches stay correct (the changed rows join the candidates, or LIKE alone): the refresh
only keeps the index fast. An index never built, or being built by ``wpbridge indexes``, is
left alone; a failing pass is logged and tried again next time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pymysql

from bridge.context import AnyApp
from bridge.schema import TableNames
from bridge.search_index import build
from bridge.search_index.schema import IndexTables
from bridge.settings import Settings

log = logging.getLogger("bridge.search_index")


def refresh_once(settings: Settings) -> int | None:
    """One pass; the customers re-indexed, or None when there was nothing to refresh."""
    names = TableNames.for_prefix(settings.table_prefix, settings.base_prefix)
    conn = pymysql.connect(autocommit=True, **settings.database_url.connect_kwargs())
    try:
        state = build.read_state(conn, IndexTables.for_names(names))
        if state is None or state.status != "ready":
            return None
        try:
            done = build.refresh(conn, names)
        except build.Busy:
            return None
        return None if done is None else done[1]
    finally:
        conn.close()


async def _loop(settings: Settings) -> None:
    while True:
        await asyncio.sleep(settings.search_index_refresh_s)
        try:
            count = await asyncio.to_thread(refresh_once, settings)
        except (pymysql.MySQLError, OSError) as exc:
            log.warning("search index refresh failed (searches stay correct, maybe slower): %s", exc)
            continue
        if count:
            log.info("search index: %d customers re-indexed", count)


def attach_refresh(app: AnyApp, settings: Settings) -> None:
    """Run the refresh loop in each worker of ``app`` unless ``BRIDGE_SEARCH_INDEX_REFRESH_S`` is 0."""
    if settings.search_index_refresh_s <= 0:
        return
    tasks: list[asyncio.Task[None]] = []

    @app.after_server_start
    async def start_refresh(app: AnyApp) -> None:
        tasks.append(asyncio.get_running_loop().create_task(_loop(settings), name="wpbridge-search-index"))

    @app.before_server_stop
    async def stop_refresh(app: AnyApp) -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
