"""bridge/datatables/engine.py on the real MariaDB: concurrent draws of one worker that miss the
same ``recordsTotal`` (after a write evicted it) share one count (bridge/singleflight.py), and
every one of them still gets the full, exact answer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bridge.access import Access
from bridge.cache import DiskCache
from bridge.datatables import engine
from bridge.datatables.protocol import parse_request
from bridge.db import Database
from bridge.hooks import Hooks
from bridge.params import parse_brackets
from bridge.pipeline import register_access_filters
from bridge.principal import Principal
from bridge.schema import TableNames, introspect
from bridge.tables.branches import BranchesModel
from bridge.tables.customers import CustomersModel
from bridge.tables.employees import EmployeesModel
from tests.conftest import connect
from tests.dtkit import dt_params, query

ADMIN = Principal(user_id=1, roles=("administrator",))


def recording(fetch_all: Callable[..., Awaitable[list[dict[str, Any]]]], seen: list[str]) -> Callable[..., Any]:
    """``fetch_all`` as it is, noting each statement it runs."""

    async def fetch(sql: Any, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        seen.append(str(sql))
        return await fetch_all(sql, *args, **kwargs)

    return fetch


async def test_concurrent_misses_of_one_total_count_it_once(demo_db, tmp_path: Path) -> None:
    """Eight draws of the branches table on a cold cache: one statement counts, the other seven
    wait for its count and read their page only; all eight answers are the same and exact."""
    names = TableNames.for_prefix("wp_")
    conn = connect(demo_db)
    schema = introspect(conn, names)
    conn.close()
    db = Database(demo_db, maxsize=8)
    await db.open()
    cache = DiskCache(str(tmp_path / "cache"), "flight")
    try:
        hooks, access = Hooks(), Access(names, schema)
        models = {
            m.resource: m
            for m in (CustomersModel(names, schema), BranchesModel(names, schema), EmployeesModel(names, schema))
        }
        await register_access_filters(hooks, access, models)
        svc = SimpleNamespace(
            db=db, cache=cache, hooks=hooks, access=access, models=models,
            settings=SimpleNamespace(datatables_max_rows=5000),
        )  # fmt: skip
        seen: list[str] = []
        db.fetch_all = recording(db.fetch_all, seen)  # type: ignore[method-assign]
        dt = parse_request(parse_brackets(dt_params(customer_id="1", length="3").items()), 5000)
        request = SimpleNamespace(ctx=SimpleNamespace(principal=ADMIN))
        answers = await asyncio.gather(
            *(engine.run(svc, models["branches"], request, dt, ADMIN) for _ in range(8))  # type: ignore[arg-type]
        )
        counts = [sql for sql in seen if "`__cnt`" in sql]  # the page statement that also counts
        assert len(seen) == 8 and len(counts) == 1, seen
        expected = query(demo_db, "SELECT id FROM wp_app_customer_branches WHERE customer_id = 1 ORDER BY code, id")
        for answer in answers:
            assert answer == answers[0]
            assert answer["recordsTotal"] == answer["recordsFiltered"] == len(expected)
            assert [row["DT_RowData"]["id"] for row in answer["data"]] == [r["id"] for r in expected][:3]
    finally:
        await db.close()
        await cache.close()
