"""Reading a whole filtered DataTables set in its requested order, a chunk at a time.

OFFSET paging would make the n-th chunk skip n chunks of index entries (quadratic at 100,000
rows); instead each chunk continues after the last row of the one before (keyset paging):
``(k1, k2, …, id) > (last1, last2, …, last_id)`` in the plan's order, expanded into
``k1 > v1 OR (k1 <=> v1 AND k2 > v2) OR …`` so each key keeps its own direction. NULLs sort
first ascending and last descending, as MariaDB sorts them, so "after NULL" and "after v" are
spelled out. An ENUM column sorts by its index but compares as text, so its key is
``column + 0`` (the index) on both sides. The plan's order always ends in a total order (the
id, or a NOT NULL unique column: bridge/datatables/plan.py), so no row is read twice or
skipped, whatever the writes in between do to rows not yet read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from pypika import Order, Table
from pypika.terms import Criterion, Field, Term, ValueWrapper

from bridge.datatables.plan import QueryPlan
from bridge.datatables.statement import Paging, compiled_page
from bridge.statements import bind
from bridge.tables.base import Column, TableModel

if TYPE_CHECKING:
    from bridge.services import Services

CHUNK = 1000
Key = tuple[str, Term, Order]  # the row key holding it, the compared expression, its direction


def _after(term: Term, direction: Order, value: Any) -> Criterion | None:
    """Rows whose ``term`` comes strictly after ``value`` in ``direction``; None if none can."""
    if direction == Order.desc:
        return None if value is None else cast(Criterion, (term < value) | term.isnull())
    return term.notnull() if value is None else cast(Criterion, term > value)


def _same(term: Term, value: Any) -> Criterion:
    return term.isnull() if value is None else cast(Criterion, term == value)


def after_row(keys: list[Key], values: list[Any]) -> Criterion:
    """Rows after the one whose key values are ``values``, in the keys' order."""
    branches = []
    for i, (_, term, direction) in enumerate(keys):
        later = _after(term, direction, values[i])
        if later is None:
            continue  # nothing comes after NULL in a descending key at this level
        equal = [_same(t, values[j]) for j, (_, t, _) in enumerate(keys[:i])]
        branches.append(Criterion.all([*equal, later]))
    if not branches:  # the last row of the whole order: nothing after it
        return cast(Criterion, ValueWrapper(1) == 0)
    return cast(Criterion, Criterion.any(branches))


def _table_of(term: Term) -> str | None:
    """The real table name of a plain column term (an alias is not what information_schema knows)."""
    if isinstance(term, Field) and isinstance(term.table, Table):
        return str(term.table._table_name)
    return None


async def _enums(svc: Services, terms: list[Term]) -> set[tuple[str, str]]:
    """(table, column) of the ENUM and SET columns among ``terms`` (they sort by index)."""
    tables = sorted({name for name in map(_table_of, terms) if name})
    if not tables:
        return set()
    rows = await svc.db.fetch_all(
        "SELECT TABLE_NAME t, COLUMN_NAME c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
        "AND DATA_TYPE IN ('enum', 'set') AND TABLE_NAME IN (" + ", ".join(["%s"] * len(tables)) + ")",
        tables,
    )
    return {(str(r["t"]), str(r["c"]).lower()) for r in rows}


async def _keys(svc: Services, plan: QueryPlan) -> list[Key]:
    enums = await _enums(svc, [term for term, _ in plan.order])
    keys: list[Key] = []
    for i, (term, direction) in enumerate(plan.order):
        if isinstance(term, Field) and (_table_of(term), term.name.lower()) in enums:
            term = cast(Term, term + 0)
        keys.append((f"__k{i}", term, direction))
    return keys


async def chunks(
    svc: Services, model: TableModel, plan: QueryPlan, size: int = CHUNK
) -> AsyncIterator[list[dict[str, Any]]]:
    """Every row of ``plan`` (scope, search and extension filters) in order, ``size`` rows at a time."""
    keys = await _keys(svc, plan)
    columns = {**plan.columns, **{name: Column(name, term, orderable=False) for name, term, _ in keys}}
    plan = replace(plan, columns=columns, select=[*plan.select, *(k for k, _, _ in keys)], start=0, limit=size)
    where = bind(plan.where, "w")
    last: list[Any] | None = None
    while True:
        search = list(plan.search) if last is None else [*plan.search, after_row(keys, last)]
        page = replace(plan, search=search)
        rows = await svc.db.fetch_all(*compiled_page(model, page, where, bind(search, "s"), Paging(count=False)))
        rows = [r for r in rows if r["__id"] is not None]
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = [rows[-1][name] for name, _, _ in keys]
