"""A scope's cached total split at a watermark: settled rows counted once, newer rows live.

Counting a scope of 100,000 customers takes MariaDB ~10 ms (30–60 ms under load), and every
write used to make every cached total stale, so under a stream of writes readers kept waiting
for recounts (S9 in bench/). Whether a customer is in a scope depends only on that customer's
row and its own branches and employees: every scope the plugin, the bridge and its access
filters build is such a per-row condition. So a total is the sum of

- the **settled** part: rows with ``id <= M``, counted once and cached under the generation of
  ``SETTLED_GROUP``; ``M`` (the watermark) is the highest id when the generation's first count
  was made, the same for every worker and host (added atomically, kept with the generation);
- the **recent** part: rows with ``id > M``, a primary-key range of the few rows created since,
  counted again after any write like every other cached total.

A write that touches only customers above the watermark (creating a customer with its head
office and owner employee, then editing or deleting it) leaves the settled part as it is; any
other write, a write that does not say which customers it touched, and every eviction of the
data groups on WordPress's behalf (``/cache/invalidate``) bump the settled generation. The
writer decides after its commit against the watermark current then, so a count that missed
its row is either above the watermark (counted live) or in a generation nobody reads again.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Iterable

from pypika import MySQLQuery
from pypika import functions as fn
from pypika.terms import Criterion

from bridge.cache import MISSING, remember

if TYPE_CHECKING:
    from bridge.app import Services
    from bridge.tables.base import TableModel

SETTLED_GROUP = "customers:settled"
# What a table's rows and scopes are made of: any write to these makes cached totals stale.
DATA_GROUPS = ("customers", "branches", "employees", "principals")
TOTAL_TTL = 120
WATERMARK_TTL = 86400  # outlives every settled count of its generation (TOTAL_TTL)

# count(criteria, part): how many rows match ``criteria``, and how many of those also match
# ``part`` (0 when None), in one statement, so that both come from one snapshot
Count = Callable[[list[Criterion], Criterion | None], Awaitable[tuple[int, int]]]

# Settled counts being made right now, per cache and key: a worker's concurrent requests share one.
_SETTLING: dict[tuple[int, str], asyncio.Future[Any]] = {}


def _watermark_key(generation: str) -> str:
    return f"watermark:customers@{generation}"


async def watermark(svc: Services, model: TableModel, generation: str) -> int:
    """The generation's watermark: taken once (the highest customer id then), then shared."""
    key = _watermark_key(generation)
    mark = await svc.cache.get(key, MISSING)
    if mark is MISSING:
        top = await svc.db.fetch_val(MySQLQuery.from_(model.table).select(fn.Max(model.id_field)))
        await svc.cache.add(key, int(top or 0), WATERMARK_TTL)
        mark = await svc.cache.get(key, MISSING)
        if mark is MISSING:  # the cache refused to keep it: count this once without a split
            return int(top or 0)
    return int(mark)


async def split_total(svc: Services, model: TableModel, key: str, where: list[Criterion], count: Count) -> int:
    """The total of ``where`` on ``model``: settled part (cached per settled generation) plus
    the rows above its watermark (cached until the next write)."""
    generation = await svc.cache.generations([SETTLED_GROUP])
    settled_key = f"{key}:settled@{generation}"
    entry = await svc.cache.get(settled_key, MISSING)
    if entry is MISSING:
        entry = await _settle(svc, model, settled_key, generation, where, count)
    settled, mark = entry

    async def recent() -> int:
        return (await count([*where, model.id_field > mark], None))[0]

    above = await remember(svc.cache, f"{key}:recent:{mark}", recent, ttl=TOTAL_TTL, group=model.resource, depends=DATA_GROUPS)
    return int(settled) + int(above)


async def _settle(
    svc: Services, model: TableModel, settled_key: str, generation: str, where: list[Criterion], count: Count
) -> tuple[int, int]:
    flight = (id(svc.cache), settled_key)
    if flight in _SETTLING:
        shared = await asyncio.shield(_SETTLING[flight])
        if shared is not MISSING:
            return shared
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    _SETTLING[flight] = future
    entry: Any = MISSING
    try:
        mark = await watermark(svc, model, generation)
        # the rows above the mark are subtracted rather than excluded in the WHERE: `id <= M`
        # tempts MariaDB into a primary-key range scan instead of the scope's own plan (~50 %
        # slower for a whole-table count), while `id > M` alone is a short range
        rows, above = await count(where, model.id_field > mark)
        entry = (rows - above, mark)
        await svc.cache.set(settled_key, entry, TOTAL_TTL, SETTLED_GROUP)
    finally:
        future.set_result(entry)  # MISSING after an error: the waiters count for themselves
        if _SETTLING.get(flight) is future:
            del _SETTLING[flight]
    return entry


async def stale_groups(svc: Services, groups: Iterable[str], customers: set[int] | None) -> list[str]:
    """``groups`` a committed write evicts, plus the settled group unless the write said which
    customers it touched (``customers``) and all of them are above the current watermark."""
    out = list(dict.fromkeys(groups))
    if not set(out) & set(DATA_GROUPS):
        return out
    if customers:
        mark = await svc.cache.get(_watermark_key(await svc.cache.generations([SETTLED_GROUP])), MISSING)
        if mark is not MISSING and min(customers) > int(mark):
            return out
    return [*out, SETTLED_GROUP]


def with_settled(groups: Iterable[str]) -> list[str]:
    """``groups`` evicted on WordPress's behalf: nothing is known of which rows changed."""
    out = list(dict.fromkeys(groups))
    return [*out, SETTLED_GROUP] if set(out) & set(DATA_GROUPS) and SETTLED_GROUP not in out else out
