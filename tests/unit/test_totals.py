"""The totals' arithmetic alone (bridge/totals.py), on a real disk cache and no database: which
writes leave the settled part of a cached total alone, the statement that counts a scope and its
part above the watermark at once, and WordPress's evictions. The totals on MariaDB under writes
are tests/test_totals.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypika import MySQLQuery, Table
from pypika import functions as fn
from pypika.queries import QueryBuilder
from pypika.terms import PyformatParameter

from bridge.cache import DiskCache
from bridge.invalidation import SCOPE_GROUPS
from bridge.statements import bind
from bridge.totals import SETTLED_GROUP, WATERMARK_TTL, _watermark_key, stale_groups, with_part, with_settled

CUSTOMERS = Table("wp_app_customers")


@pytest.fixture()
async def store(tmp_path: Path) -> AsyncIterator[SimpleNamespace]:
    """What ``stale_groups`` reads: the cache, with the settled generation's watermark at 100."""
    cache = DiskCache(str(tmp_path / "cache"), "totals")
    await cache.add(_watermark_key(await cache.generations([SETTLED_GROUP])), 100, WATERMARK_TTL)
    yield SimpleNamespace(cache=cache)
    await cache.close()


async def test_a_write_above_the_watermark_leaves_the_settled_counts(store: SimpleNamespace) -> None:
    """Creating customer 101 and its rows only changes what is counted live."""
    assert await stale_groups(store, ["customers", "branches"], {101, 105}) == ["customers", "branches"]


@pytest.mark.parametrize(
    "customers",
    [{100}, {99, 101}, set(), None],
    ids=["at the mark", "one below", "none named", "not said"],
)
async def test_any_other_data_write_makes_the_settled_counts_stale(
    store: SimpleNamespace, customers: set[int] | None
) -> None:
    assert await stale_groups(store, ["employees", "employees"], customers) == ["employees", SETTLED_GROUP]


async def test_without_a_watermark_every_data_write_is_settled_stale(tmp_path: Path) -> None:
    """No count has taken a watermark in this generation: nothing says the rows are recent."""
    cache = DiskCache(str(tmp_path / "empty"), "totals")
    try:
        assert await stale_groups(SimpleNamespace(cache=cache), ["customers"], {10**9}) == [
            "customers",
            SETTLED_GROUP,
        ]
    finally:
        await cache.close()


async def test_writes_outside_the_data_groups_leave_totals_alone(store: SimpleNamespace) -> None:
    assert await stale_groups(store, ["statistics", "relations"], None) == ["statistics", "relations"]


def test_wordpress_evictions_always_reach_the_settled_counts() -> None:
    """``/cache/invalidate`` does not know which rows changed; the settled group is named once."""
    for group in SCOPE_GROUPS:
        assert with_settled([group, group]) == [group, SETTLED_GROUP]
    assert with_settled(["customers", SETTLED_GROUP]) == ["customers", SETTLED_GROUP]
    assert with_settled(["statistics"]) == ["statistics"]


def test_one_statement_counts_the_scope_and_its_part_above_the_mark() -> None:
    """``n`` and ``p`` come from one statement (one snapshot); without a part, the count alone."""
    where = bind([CUSTOMERS.user_id == 7], "w")
    part = bind([CUSTOMERS.id > 100], "p")
    assert where is not None and part is not None

    def count() -> QueryBuilder:
        return MySQLQuery.from_(CUSTOMERS).select(fn.Count("*")).where(where)

    collector = PyformatParameter()
    sql = with_part(count, part).get_sql(parameter=collector)
    assert sql == (
        "SELECT (SELECT COUNT(*) FROM `wp_app_customers` WHERE (`wp_app_customers`.`user_id`=%(param_w1)s)) `n`,"
        "(SELECT COUNT(*) FROM `wp_app_customers` WHERE (`wp_app_customers`.`user_id`=%(param_w1)s)"
        " AND (`wp_app_customers`.`id`>%(param_p1)s)) `p`"
    )
    assert collector.get_parameters() == {"param_w1": 7, "param_p1": 100}
    alone = with_part(count, None).get_sql(parameter=PyformatParameter())
    assert alone == "SELECT COUNT(*) FROM `wp_app_customers` WHERE (`wp_app_customers`.`user_id`=%(param_w1)s)"
