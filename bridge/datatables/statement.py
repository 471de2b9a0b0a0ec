"""The SQL of a DataTables answer (pypika), rendered once per shape.

Speed (DESIGN §11): a DataTables request is ONE statement::

    SELECT cnt.n, [tot.n,] page.__id, <row columns>
    FROM (SELECT COUNT(*) n FROM t … WHERE <filtered>) cnt   -- or (SELECT 1) and COUNT(*) OVER () in page
    [LEFT JOIN (SELECT COUNT(*) n FROM t … WHERE <scope>) tot ON 1=1]
    LEFT JOIN (SELECT t.id __id, <order keys> FROM t … WHERE <filtered> ORDER BY … LIMIT o, n) page ON 1=1
    LEFT JOIN t ON t.id = page.__id  LEFT JOIN <joins the row columns need>
    ORDER BY <order keys>

The page is a deferred join (only ids are sorted and skipped; joined names and subquery
counts are computed for the rows returned), and the LEFT JOINs keep the counts when a page
is past the end. Which counts the statement carries is the engine's choice (``Paging``).
Statements are rendered once per shape (bridge/statements.py); every client value is bound,
LIMIT and OFFSET are ints. Joins must be to-one (the models' are).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from pypika import MySQLQuery, Order
from pypika import analytics as an
from pypika import functions as fn
from pypika.queries import QueryBuilder, Selectable
from pypika.terms import Field, Star, ValueWrapper

from bridge.criteria import Always
from bridge.datatables.plan import QueryPlan
from bridge.statements import MEMO, Bound, Scoped, bind, scoped_bounds, term_key
from bridge.tables.base import Column, Join, TableModel
from bridge.totals import with_part

# ---- joins a set of terms needs -----------------------------------------------------------------


def _tables_of(terms: Iterable[Any]) -> set[str]:
    names: set[str] = set()
    for term in terms:
        if term is None:
            continue
        for f in term.fields_() if hasattr(term, "fields_") else ():
            if isinstance(f, Field) and isinstance(f.table, Selectable):
                names.add(f.table.get_table_name())
    return names


def needed_joins(joins: dict[str, Join], terms: Iterable[Any], explicit: Iterable[str] = ()) -> list[Join]:
    """The joins (in declaration order) the terms refer to, and the joins those joins refer to."""
    by_table = {join.table.get_table_name(): name for name, join in joins.items()}
    wanted = {name for name in explicit if name in joins}
    wanted |= {by_table[t] for t in _tables_of(terms) if t in by_table}
    pending = list(wanted)
    while pending:
        join = joins[pending.pop()]
        for t in _tables_of([join.on]):
            name = by_table.get(t)
            if name and name not in wanted:
                wanted.add(name)
                pending.append(name)
    return [join for name, join in joins.items() if name in wanted]


def _from(model: TableModel, joins: list[Join]) -> QueryBuilder:
    q = MySQLQuery.from_(model.table, immutable=False)
    for join in joins:
        q = q.left_join(join.table).on(join.on)
    return q


# ---- statements -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paging:
    """What the page statement carries besides the rows.

    ``count``: the filtered count (``__filtered``); ``total``: ``recordsTotal`` (``__tot``);
    ``tail``: (offset, rows) counted from the end — the inner ORDER BY is reversed so a deep
    page skips few index entries (the outer ORDER BY restores the order asked for).
    """

    count: bool = True
    total: bool = False
    tail: tuple[int, int] | None = None
    # the count as ``COUNT(*) OVER ()`` of the page's own subquery: the matching rows are found
    # once, not once for the count and again for the page. Only where the page reads and sorts
    # every match anyway (the search index's candidates); a page past the end then has no count
    # (``__filtered`` NULL) and the engine asks again without it.
    window: bool = False


def _flip(direction: Order) -> Order:
    return Order.asc if direction == Order.desc else Order.desc


def _page_builder(
    model: TableModel, plan: QueryPlan, where: Bound | None, search: Bound | None, paging: Paging
) -> QueryBuilder:
    filtered = [*plan.where, *plan.search]  # the criteria decide the joins; the Bound parts are rendered
    keys = [term for term, _ in plan.order]
    inner = _from(model, needed_joins(plan.joins, [*filtered, *keys])).select(
        model.id_field.as_("__id"), *(term.as_(f"__o{i}") for i, term in enumerate(keys))
    )
    windowed = paging.count and paging.window
    if windowed:
        inner = inner.select(an.Count(Star()).over().as_("__n"))
    inner = _where(_where(inner, where), search)
    for i, (_, direction) in enumerate(plan.order):  # by alias: MySQL needs a subquery key in parentheses
        inner = inner.orderby(Field(f"__o{i}"), order=_flip(direction) if paging.tail else direction)
    offset, limit = paging.tail if paging.tail else (plan.start, plan.limit)
    if limit is not None:
        inner = inner.limit(int(limit))
    if offset:
        inner = inner.offset(int(offset))
    page = _aliased(inner, "__page")
    shown = [plan.columns[name] for name in plan.select if name in plan.columns]
    counts = []
    if paging.count:
        if windowed:  # one row to hang the page on, whether or not the page has rows
            base = _aliased(MySQLQuery.select(ValueWrapper(1).as_("one")), "__one")
            counts.append(page.field("__n").as_("__filtered"))
        else:
            base = _where(_where(_from(model, needed_joins(plan.joins, filtered)), where), search)
            base = _aliased(base.select(fn.Count("*").as_("n")), "__cnt")
            counts.append(base.field("n").as_("__filtered"))
        outer = MySQLQuery.from_(base, immutable=False)
        if paging.total:
            total = _aliased(_total_builder(model, plan, where), "__tot")
            outer = outer.left_join(total).on(Always())
            counts.append(total.field("n").as_("__total"))
        outer = outer.left_join(page).on(Always())
    else:
        outer = MySQLQuery.from_(page, immutable=False)
    outer = outer.left_join(model.table).on(model.id_field == page.field("__id"))
    for join in needed_joins(plan.joins, [c.term for c in shown], [j for c in shown for j in c.joins]):
        outer = outer.left_join(join.table).on(join.on)
    outer = outer.select(*counts, page.field("__id").as_("__id"), *(c.term.as_(c.name) for c in shown))
    for i, (_, direction) in enumerate(plan.order):
        outer = outer.orderby(page.field(f"__o{i}"), order=direction)
    return outer


def _aliased(query: QueryBuilder, alias: str) -> QueryBuilder:
    """``query.as_(alias)``, which pypika types as any Selectable."""
    return cast(QueryBuilder, query.as_(alias))


def _where(query: QueryBuilder, part: Bound | None) -> QueryBuilder:
    return query if part is None else query.where(part)


def _total_builder(model: TableModel, plan: QueryPlan, where: Bound | None, part: Bound | None = None) -> QueryBuilder:
    """``COUNT(*) n`` of the scope; with ``part`` also ``p``, how many of those rows match it
    (two subqueries of one statement: one snapshot, and each keeps its own best plan)."""

    def count() -> QueryBuilder:  # a new builder each time: _from's are mutable
        return _where(_from(model, needed_joins(plan.joins, plan.where)), where).select(fn.Count("*").as_("n"))

    return with_part(count, part)


def page_statement(
    model: TableModel, plan: QueryPlan, with_total: bool = False, paging: Paging | None = None
) -> QueryBuilder:
    """Rows of the page and the filtered count (and the total, when asked) in one statement."""
    paging = paging or Paging(total=with_total)
    return _page_builder(model, plan, bind(plan.where, "w"), bind(plan.search, "s"), paging)


def total_statement(model: TableModel, plan: QueryPlan) -> QueryBuilder:
    """``recordsTotal``: the table's scope without the search."""
    return _total_builder(model, plan, bind(plan.where, "w"))


def _shape(model: TableModel, plan: QueryPlan, *parts: Any) -> tuple[tuple[Any, ...], list[Any]]:
    """The memo key of a statement of ``plan`` (see bridge/statements.py) and the objects it pins."""
    pins: list[Any] = [model, *plan.joins.values()]
    columns = tuple((name, _column_key(plan.columns[name], pins)) for name in plan.select if name in plan.columns)
    order = tuple((term_key(term, pins), direction.value) for term, direction in plan.order)
    joins = tuple((name, id(join)) for name, join in plan.joins.items())
    return (id(model), columns, joins, order, *parts), pins


def _column_key(column: Column, pins: list[Any]) -> Hashable:
    """A selected column by identity (pinned); one scoped to the caller by its origin and SQL."""
    if isinstance(column.term, Scoped):
        return term_key(column.term, pins)
    pins.append(column)
    return id(column)


def compiled_page(
    model: TableModel, plan: QueryPlan, where: Bound | None, search: Bound | None, paging: Paging
) -> tuple[str, dict[str, Any]]:
    """``render(page_statement(...))``, from the memo when the same shape was rendered before;
    the values of the caller's scoped counts (``Scoped`` terms) are bound like the WHERE's."""
    key, pins = _shape(model, plan, "page", where and where.sql, search and search.sql, plan.start, plan.limit, paging)
    terms = [*(plan.columns[n].term for n in plan.select if n in plan.columns), *(t for t, _ in plan.order)]
    return MEMO.render(
        key, pins, lambda: _page_builder(model, plan, where, search, paging), where, search, *scoped_bounds(terms)
    )


def compiled_total(
    model: TableModel, plan: QueryPlan, where: Bound | None, part: Bound | None = None
) -> tuple[str, dict[str, Any]]:
    key, pins = _shape(model, plan, "total", where and where.sql, part and part.sql)
    return MEMO.render(key, pins, lambda: _total_builder(model, plan, where, part), where, part)
