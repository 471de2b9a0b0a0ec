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

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, cast

from pypika import MySQLQuery
from pypika import functions as fn
from pypika.queries import QueryBuilder
from pypika.terms import Criterion

from bridge.cache import MISSING, Cache, remember
from bridge.invalidation import SCOPE_GROUPS
from bridge.metrics import RECOUNTS
from bridge.statements import Bound, bind

if TYPE_CHECKING:
    from bridge.db import Database
    from bridge.tables.base import TableModel

SETTLED_GROUP = "customers:settled"
# What a table's rows and scopes are made of: any write to these makes cached totals stale.
DATA_GROUPS = SCOPE_GROUPS
TOTAL_TTL = 120
WATERMARK_TTL = 86400  # outlives every settled count of its generation (TOTAL_TTL)


class Store(Protocol):
    """What a total needs: the database to count and the cache to keep the count."""

    @property
    def db(self) -> Database: ...

    @property
    def cache(self) -> Cache: ...


# render(where, part): the rendered count statement of a table (``with_part``) for the bound
# WHERE, and with ``part`` also how many of those rows match it
Render = Callable[[Bound | None, Bound | None], tuple[str, dict[str, Any]]]


def with_part(count: Callable[[], QueryBuilder], part: Bound | None) -> QueryBuilder:
    """``count()`` (a ``COUNT … n`` query); with ``part``, one statement of two subqueries,
    ``n`` and ``p`` (those rows that also match ``part``): one snapshot, each its own plan."""
    if part is None:
        return count()
    return MySQLQuery.select(_subquery(count(), "n"), _subquery(count().where(part), "p"))


def _subquery(query: QueryBuilder, alias: str) -> QueryBuilder:
    """``(query) alias``; pypika types ``as_`` as returning a plain Selectable, not the QueryBuilder it copies."""
    return cast(QueryBuilder, query.as_(alias))


async def _count(
    svc: Store, render: Render, criteria: list[Criterion], part: Criterion | None = None
) -> tuple[int, int]:
    RECOUNTS.labels("recent" if part is None else "settled").inc()  # settle() passes the part above the mark
    row = await svc.db.fetch_one(*render(bind(criteria, "w"), bind([part], "p") if part is not None else None))
    return (int(row["n"] or 0), int(row.get("p") or 0)) if row else (0, 0)


def _watermark_key(generation: str) -> str:
    return f"watermark:customers@{generation}"


async def watermark(svc: Store, model: TableModel, generation: str) -> int:
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


async def split_total(svc: Store, model: TableModel, key: str, where: list[Criterion], render: Render) -> int:
    """The total of ``where`` on ``model``: settled part (cached per settled generation) plus
    the rows above its watermark (cached until the next write)."""

    async def settle() -> tuple[int, int]:
        # The watermark of the generation current now: if it moved since ``remember`` read it,
        # this entry lands under a generation no later request reads.
        mark = await watermark(svc, model, await svc.cache.generations([SETTLED_GROUP]))
        # the rows above the mark are subtracted rather than excluded in the WHERE: `id <= M`
        # tempts MariaDB into a primary-key range scan instead of the scope's own plan (~50 %
        # slower for a whole-table count), while `id > M` alone is a short range
        rows, above = await _count(svc, render, where, model.id_field > mark)
        return rows - above, mark

    settled, mark = await remember(svc.cache, f"{key}:settled", settle, ttl=TOTAL_TTL, group=SETTLED_GROUP)

    async def recent() -> int:
        return (await _count(svc, render, [*where, model.id_field > mark]))[0]

    above = await remember(
        svc.cache, f"{key}:recent:{mark}", recent, ttl=TOTAL_TTL, group=model.resource, depends=DATA_GROUPS
    )
    return int(settled) + int(above)


async def stale_groups(svc: Store, groups: Iterable[str], customers: set[int] | None) -> list[str]:
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
