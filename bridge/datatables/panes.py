"""SearchPanes' option lists (and ColumnControl's), counted in the caller's scope.

For each pane column of the model: ``total`` is how many rows of the caller's scope hold each
value (the plan's ``where``: access criteria, table filters), ``count`` how many of them the
current search, SearchBuilder, ColumnControl and the *other* panes leave (a pane's own ticks do
not shrink its own list — SearchPanes' cascade rule). Both are ``GROUP BY`` statements with every
client value bound; both are cached like the totals (per scope and exact statement, stale after
any write to the tables they read), so a draw that only pages costs two cache reads per pane.
NULL and the empty string are one option, ``""``, as the client sends them back.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from pypika import MySQLQuery
from pypika import functions as fn
from pypika.terms import Criterion, PyformatParameter

from bridge.cache import MISSING, digest
from bridge.datatables.extensions import Extensions
from bridge.datatables.plan import CORE_SEARCH, QueryPlan
from bridge.datatables.statement import needed_joins
from bridge.principal import Principal
from bridge.responses import format_datetime
from bridge.tables.base import Column, TableModel
from bridge.totals import DATA_GROUPS, TOTAL_TTL

if TYPE_CHECKING:
    from bridge.services import Services

Counts = dict[str, int]


def _statement(
    model: TableModel, plan: QueryPlan, column: Column, criteria: list[Criterion]
) -> tuple[str, dict[str, Any]]:
    query = MySQLQuery.from_(model.table, immutable=False)
    for join in needed_joins(plan.joins, [*criteria, column.term], column.joins):
        query = query.left_join(join.table).on(join.on)
    query = query.select(column.term.as_("v"), fn.Count("*").as_("n")).groupby(column.term)
    if criteria:
        query = query.where(Criterion.all(criteria))
    collector = PyformatParameter()
    sql = query.get_sql(parameter=collector)
    return sql, dict(collector.get_parameters())


async def _counts(
    svc: Services, model: TableModel, scope: str, generation: str, sql: str, params: dict[str, Any]
) -> Counts:
    key = f"dt:pane:{model.resource}:{scope}:{digest(sql, params or None)}@{generation}"
    cached = await svc.cache.get(key, MISSING)
    if cached is not MISSING:
        return cast(Counts, cached)
    counts: Counts = {}
    for row in await svc.db.fetch_all(sql, params or None):
        label = _label(row["v"])
        counts[label] = counts.get(label, 0) + int(row["n"])
    await svc.cache.set(key, counts, TOTAL_TTL, model.resource)
    return counts


def _label(value: Any) -> str:
    """A pane value as the text the client compares and sends back (NULL is ``""``)."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, datetime):
        return format_datetime(value)
    return str(value)


def _sort_key(label: str) -> tuple[int, float, str]:
    try:
        return (0, float(label), "")
    except ValueError:
        return (1, 0.0, label.lower())


async def options(
    svc: Services, model: TableModel, plan: QueryPlan, ext: Extensions, principal: Principal
) -> dict[str, list[dict[str, Any]]]:
    """``searchPanes.options``: per pane, ``[{label, value, total, count}]`` sorted by label."""
    scope = svc.access.scope_key(principal, model.resource)
    generation = await svc.cache.generations([model.resource, *DATA_GROUPS])
    core: list[Criterion] = plan.extra.get(CORE_SEARCH, [])
    out: dict[str, list[dict[str, Any]]] = {}
    for name, column in ext.panes.items():
        totals = await _counts(svc, model, scope, generation, *_statement(model, plan, column, plan.where))
        narrowing = [*core, *ext.pane_criteria(leave_out=name)]
        counts = totals
        if narrowing:
            counts = await _counts(
                svc, model, scope, generation, *_statement(model, plan, column, [*plan.where, *narrowing])
            )
        out[name] = [
            {"label": label, "value": label, "total": total, "count": counts.get(label, 0)}
            for label, total in sorted(totals.items(), key=lambda item: _sort_key(item[0]))
        ]
    return out
