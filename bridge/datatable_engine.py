"""The generic DataTables engine: one table model, the filter pipeline, one SQL round trip.

For a table with hook base ``t`` it applies, in the order of WP App Core (facts §2.6):
``wpapp_datatable_{t}_columns`` (columns, model, request), ``_joins`` (joins, request, model),
``_where`` (where, request, model — the access filter is one of its callbacks),
``_query_builder`` (the ``QueryPlan``, request, model), ``_row_data`` (row, raw, model, request)
and ``_response`` (response, model, request).

Speed (DESIGN §11): a DataTables request is ONE statement::

    SELECT cnt.n, [tot.n,] page.__id, <row columns>
    FROM (SELECT COUNT(*) n FROM t … WHERE <filtered>) cnt
    [LEFT JOIN (SELECT COUNT(*) n FROM t … WHERE <scope>) tot ON 1=1]
    LEFT JOIN (SELECT t.id __id, <order keys> FROM t … WHERE <filtered> ORDER BY … LIMIT o, n) page ON 1=1
    LEFT JOIN t ON t.id = page.__id  LEFT JOIN <joins the row columns need>
    ORDER BY <order keys>

The page is a deferred join (only ids are sorted and skipped; joined names and subquery
counts are computed for the rows returned), and the LEFT JOINs keep the counts when a page
is past the end. ``recordsTotal`` (the where list without the search) is cached per table,
user scope and exact SQL; it is only counted (``tot``) on a cache miss with a search, since
without a search it equals the filtered count — and when it is cached and there is no
search, the statement has no COUNT at all, just the page (read from the end past the
middle). The customers' ``recordsTotal`` is cached in two parts so that new customers do not
make the old ones be counted again (bridge/totals.py). Statements are rendered once per shape
(bridge/statements.py).
Client strings only pick model columns by name and travel as bound values (LIKE patterns
built here, escaped); LIMIT and OFFSET are ints. Joins must be to-one (the models' are).
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pypika import MySQLQuery, Order
from pypika import functions as fn
from pypika.queries import QueryBuilder
from pypika.terms import Criterion, Field, Term

from bridge.cache import MISSING, digest
from bridge.datatables import (
    ColumnRequest,
    DataTableError,
    DataTableRequest,
    Search,
    check_regex,
    contains_pattern,
    whole,
)
from bridge.pipeline import denies, scoped_columns, where_for
from bridge.principal import Principal
from bridge.statements import MEMO, Bound, Scoped, bind, scoped_bounds, term_key
from bridge.tables.base import Column, Join, RequestFilter, TableModel, cast
from bridge.totals import DATA_GROUPS, TOTAL_TTL, split_total, with_part

if TYPE_CHECKING:
    from sanic import Request

    from bridge.services import Services

# Row fields the permission rules read (bridge/access.py), selected even when not shown.
PERMISSION_FIELDS = ("customer_id", "branch_id", "created_by")
CORE_REQUEST_FILTERS: dict[str, tuple[RequestFilter, ...]] = {
    "branches": (RequestFilter("customer_id", "customer_id", required=True),),
    "employees": (RequestFilter("customer_id", "customer_id", required=True), RequestFilter("branch_id", "branch_id")),
}


class Always(Criterion):
    """``1=1``: the ON of the page join, so a page past the end still yields the count row."""

    def get_sql(self, **kwargs: Any) -> str:
        return "1=1"


@dataclass
class QueryPlan:
    """What the statement is built from; ``wpapp_datatable_{t}_query_builder`` may change it.

    ``where`` is the table's base scope (it decides ``recordsTotal``); ``search`` narrows it
    further (``recordsFiltered``). ``limit`` None means no LIMIT.
    """

    columns: dict[str, Column]
    joins: dict[str, Join]
    where: list[Criterion]
    search: list[Criterion]
    order: list[tuple[Term, Order]]
    select: list[str]
    output: list[str]
    start: int
    limit: int | None
    extra: dict[str, Any] = field(default_factory=dict)


def request_filters(model: TableModel) -> tuple[RequestFilter, ...]:
    return model.request_filters or CORE_REQUEST_FILTERS.get(model.resource, ())


def filter_values(model: TableModel, params: dict[str, Any] | Any) -> dict[str, int]:
    """The table's narrowing parameters (``customer_id``…) as positive ints; required ones enforced."""
    values: dict[str, int] = {}
    for spec in request_filters(model):
        value = whole(params.get(spec.param), spec.param, low=1)
        if value is None:
            if spec.required:
                raise DataTableError(f"{spec.param} is required for the {model.resource} table.")
            continue
        values[spec.column] = value
    return values


# ---- joins a set of terms needs -----------------------------------------------------------------


def _tables_of(terms: Iterable[Any]) -> set[str]:
    names: set[str] = set()
    for term in terms:
        if term is None:
            continue
        for f in term.fields_() if hasattr(term, "fields_") else ():
            if isinstance(f, Field) and f.table is not None:
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


# ---- building the plan ----------------------------------------------------------------------------


def _mapped(dt: DataTableRequest, columns: dict[str, Column]) -> list[tuple[ColumnRequest, Column | None]]:
    """Each requested column with the model column it names (``data``, else ``name``), or None."""
    if not dt.columns:
        return []
    out = []
    for col in dt.columns:
        target = columns.get(col.data) if col.data else None
        if target is None and col.name:
            target = columns.get(col.name)
        out.append((col, target))
    return out


def _match(column: Column, search: Search, name: str) -> Criterion:
    if search.regex:
        if not column.regex:
            raise DataTableError(f"{name}[regex] is true, but column {column.name} allows no regular expressions.")
        return column.term.regexp(check_regex(search.value, f"{name}[value]"))
    return column.term.like(contains_pattern(search.value))


Mapped = list[tuple[ColumnRequest, Column | None]]


def search_criteria(dt: DataTableRequest, mapped: Mapped, columns: dict[str, Column]) -> list[Criterion]:
    """Global search (OR over columns searchable on both sides) AND each per-column search."""
    criteria: list[Criterion] = []
    if dt.search.value:
        if mapped:
            targets = [c for req, c in mapped if c is not None and c.searchable and req.searchable]
        else:
            targets = [c for c in columns.values() if c.searchable]
        targets = list({c.name: c for c in targets}.values())
        if not targets:
            raise DataTableError("search[value] is set, but none of the columns sent is searchable.")
        if dt.search.regex:
            blocked = [c.name for c in targets if not c.regex]
            if blocked:
                raise DataTableError(
                    f"search[regex] is true, but these columns allow no regular expressions: {', '.join(blocked)}."
                )
        criteria.append(Criterion.any(_match(c, dt.search, "search") for c in targets))
    elif dt.search.regex:
        targets = [c for req, c in mapped if c is not None and c.searchable and req.searchable] or list(
            columns.values()
        )
        if any(not c.regex for c in targets):
            raise DataTableError("search[regex] is true, but the columns of this table allow no regular expressions.")
    for req, column in mapped:
        name = f"columns[{req.index}][search]"
        if column is not None and req.search.regex and not column.regex:
            raise DataTableError(f"{name}[regex] is true, but column {column.name} allows no regular expressions.")
        if not req.search.value:
            continue
        if column is None or not column.searchable or not req.searchable:
            raise DataTableError(f"{name}[value] is set, but column {req.index} is not searchable.")
        criteria.append(_match(column, req.search, name))
    return criteria


def order_terms(
    dt: DataTableRequest, mapped: Mapped, model: TableModel, columns: dict[str, Column]
) -> list[tuple[Term, Order]]:
    """The client's ordering (whitelisted), else the model's default; then the id as tie-breaker
    (unless a unique column already orders every row: MariaDB then walks that column's index
    instead of sorting the whole table)."""
    chosen: list[tuple[str, Term, Order]] = []
    for index, item in enumerate(dt.order):
        req, column = mapped[item.column]
        if column is None or not column.orderable or not req.orderable:
            raise DataTableError(f"order[{index}] asks to order by column {item.column}, which cannot be ordered.")
        chosen.append((column.name, column.term, Order.desc if item.dir == "desc" else Order.asc))
    if not chosen:
        for name, direction in model.default_order:
            if name in columns:
                chosen.append((name, columns[name].term, Order.desc if direction == "desc" else Order.asc))
    seen: set[str] = set()
    terms = []
    for name, term, direction in chosen:
        if name not in seen:
            seen.add(name)
            terms.append((term, direction))
    if not any(name in (model.id_column, "id") for name in seen) and not any(_unique(model, t) for t, _ in terms):
        terms.append((model.id_field, Order.asc))
    return terms


def _unique(model: TableModel, term: Term) -> bool:
    """A NOT NULL UNIQUE column of the model's own table: an order by it is total already."""
    return isinstance(term, Field) and term.table is model.table and term.name in model.unique_columns


def output_columns(model: TableModel, mapped: Mapped, columns: dict[str, Column]) -> list[str]:
    """The plugin's row keys (DESIGN §7) plus any other model column the client asked for."""
    names = [k for k in model.datatable_keys if k in columns]
    names += [c.name for _, c in mapped if c is not None]
    return list(dict.fromkeys(names))


async def build_plan(svc: Services, model: TableModel, request: Request, dt: DataTableRequest) -> QueryPlan:
    hooks, t = svc.hooks, model.hook_base
    columns = await hooks.apply_filters(f"wpapp_datatable_{t}_columns", dict(model.columns), model, request)
    columns = {name: c for name, c in columns.items() if isinstance(c, Column)}
    # per-row counts narrowed to the caller's scope of the counted table, for the columns this
    # statement can use: the plugin's keys, the ones the client names, the default order
    used = [*model.datatable_keys, *(n for col in dt.columns for n in (col.data, col.name) if n)]
    columns = await scoped_columns(
        hooks, svc.models, model, request, columns, [*used, *(n for n, _ in model.default_order)]
    )
    joins = await hooks.apply_filters(f"wpapp_datatable_{t}_joins", dict(model.joins), request, model)
    joins = {name: j for name, j in joins.items() if isinstance(j, Join)}
    narrow = filter_values(model, dt.params)
    where = await where_for(hooks, model, request)
    if denies(where):
        principal = getattr(request.ctx, "principal", None)
        if principal is None or not principal.logged_in:
            raise DataTableError("You must be logged in to see this table.")
        raise DataTableError(f"Sorry, you are not allowed to see {model.resource}.")
    where += [model.table.field(column) == value for column, value in narrow.items()]
    mapped = _mapped(dt, columns)
    output = output_columns(model, mapped, columns)
    internal = [name for name, column in columns.items() if column.internal]
    select = list(
        dict.fromkeys([*output, *(f for f in (model.id_column, *PERMISSION_FIELDS) if f in columns), *internal])
    )
    limit = dt.length if dt.length != -1 else svc.settings.datatables_max_rows + 1
    plan = QueryPlan(
        columns=columns,
        joins=joins,
        where=where,
        search=search_criteria(dt, mapped, columns),
        order=order_terms(dt, mapped, model, columns),
        select=select,
        output=output,
        start=dt.start,
        limit=limit,
    )
    plan = await hooks.apply_filters(f"wpapp_datatable_{t}_query_builder", plan, request, model)
    if not isinstance(plan, QueryPlan):
        raise TypeError(f"wpapp_datatable_{t}_query_builder must return the QueryPlan")
    return plan


# ---- SQL ----------------------------------------------------------------------------------------


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
    inner = _where(_where(inner, where), search)
    for i, (_, direction) in enumerate(plan.order):  # by alias: MySQL needs a subquery key in parentheses
        inner = inner.orderby(Field(f"__o{i}"), order=_flip(direction) if paging.tail else direction)
    offset, limit = paging.tail if paging.tail else (plan.start, plan.limit)
    if limit is not None:
        inner = inner.limit(int(limit))
    if offset:
        inner = inner.offset(int(offset))
    page = inner.as_("__page")
    shown = [plan.columns[name] for name in plan.select if name in plan.columns]
    counts = []
    if paging.count:
        count = _where(_where(_from(model, needed_joins(plan.joins, filtered)), where), search)
        count = count.select(fn.Count("*").as_("n")).as_("__cnt")
        outer = MySQLQuery.from_(count, immutable=False)
        counts.append(count.field("n").as_("__filtered"))
        if paging.total:
            total = _total_builder(model, plan, where).as_("__tot")
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


# recordsTotal being counted right now, per cache and key: concurrent requests of one worker
# that miss the same total (after a write evicted it) wait for that count instead of repeating it.
_COUNTING: dict[tuple[int, str], asyncio.Future[Any]] = {}


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


# ---- running ----------------------------------------------------------------------------------


def _tail(plan: QueryPlan, filtered: int) -> tuple[int, int] | None:
    """Past the middle of a known count, page from the end (fewer index entries skipped)."""
    if plan.limit is None or plan.start <= filtered // 2 or plan.start >= filtered:
        return None
    rows = min(int(plan.limit), filtered - plan.start)
    return max(0, filtered - plan.start - int(plan.limit)), rows


async def run(
    svc: Services, model: TableModel, request: Request, dt: DataTableRequest, principal: Principal
) -> dict[str, Any]:
    """The DataTables answer for ``dt`` on ``model`` as ``principal`` sees it.

    Without a search the filtered count is ``recordsTotal``; when that is cached the
    statement carries no COUNT at all (the count, not the page, is what grows with the
    table), and a page past the middle is read from the end. A search's count is cached the
    same way (per scope and search, evicted by the same writes), so paging through a search
    or repeating it costs the page only; a new search term costs the full count.
    """
    plan = await build_plan(svc, model, request, dt)
    where, search = bind(plan.where, "w"), bind(plan.search, "s")
    total_sql, total_params = compiled_total(model, plan, where)
    key = f"dt:total:{model.resource}:{svc.access.scope_key(principal, model.resource)}:{digest(total_sql, total_params or None)}"
    groups = [model.resource, *DATA_GROUPS]
    full_key = f"{key}@{await svc.cache.generations(groups)}"
    total: Any
    if model.settled_total:
        total = await split_total(svc, model, key, plan.where, lambda w, p: compiled_total(model, plan, w, p))
    else:
        total = await svc.cache.get(full_key, MISSING)
    counting = (id(svc.cache), full_key)
    if total is MISSING and not plan.search and counting in _COUNTING:
        total = await asyncio.shield(_COUNTING[counting])  # another request of this worker is counting it
    filtered_key = ""
    known: Any = total if not plan.search else MISSING
    if plan.search:  # the same search paged through, or sent again: its count is cached like the total
        filtered_key = f"dt:filtered:{key}:{digest(search.sql if search else '', search.values if search else None)}@{full_key.rsplit('@', 1)[1]}"
        if total is not MISSING:
            known = await svc.cache.get(filtered_key, MISSING)

    if known is not MISSING:
        filtered = int(known)
        _check_all_rows(svc, dt, filtered)
        rows: list[dict[str, Any]] = []
        if plan.start < filtered:
            paging = Paging(count=False, tail=_tail(plan, filtered))
            rows = await svc.db.fetch_all(*compiled_page(model, plan, where, search, paging))
    else:
        with_total = total is MISSING and bool(plan.search)  # without a search, total == filtered
        leader = total is MISSING and not plan.search and counting not in _COUNTING
        if leader:
            _COUNTING[counting] = asyncio.get_running_loop().create_future()
        counted: Any = MISSING
        try:
            rows = await svc.db.fetch_all(*compiled_page(model, plan, where, search, Paging(total=with_total)))
            filtered = int(rows[0]["__filtered"])
            if total is MISSING:
                total = int(rows[0]["__total"]) if with_total else filtered
                await svc.cache.set(full_key, total, TOTAL_TTL, model.resource)
                counted = total
            if filtered_key:
                await svc.cache.set(filtered_key, filtered, TOTAL_TTL, model.resource)
        finally:
            if leader:
                _COUNTING.pop(counting).set_result(counted)  # MISSING after an error: waiters count for themselves
        _check_all_rows(svc, dt, filtered)
    data = [await _row(svc, model, request, principal, plan, raw) for raw in rows if raw["__id"] is not None]
    response = {"draw": dt.draw, "recordsTotal": int(total), "recordsFiltered": filtered, "data": data}
    response = await svc.hooks.apply_filters(f"wpapp_datatable_{model.hook_base}_response", response, model, request)
    for key, default in (("draw", dt.draw), ("recordsTotal", total), ("recordsFiltered", filtered)):
        response[key] = int(response.get(key, default))  # the protocol's numbers stay ints whatever a filter did
    return response


def _check_all_rows(svc: Services, dt: DataTableRequest, filtered: int) -> None:
    if dt.length == -1 and filtered > svc.settings.datatables_max_rows:
        raise DataTableError(
            f"length=-1 asks for all {filtered} rows, more than the {svc.settings.datatables_max_rows} "
            "this bridge returns at once (BRIDGE_DATATABLES_MAX_ROWS); page the table instead."
        )


async def _row(
    svc: Services, model: TableModel, request: Request, principal: Principal, plan: QueryPlan, raw: dict[str, Any]
) -> dict[str, Any]:
    ident = int(raw["__id"])
    raw.setdefault("id", ident)
    row: dict[str, Any] = {name: cast(plan.columns[name].kind, raw.get(name)) for name in plan.output}
    row["DT_RowId"] = f"{model.entity}-{ident}"
    row["DT_RowData"] = {"id": ident, "entity": model.entity}
    row["permissions"] = svc.access.permissions(model.resource, principal, raw)
    return await svc.hooks.apply_filters(f"wpapp_datatable_{model.hook_base}_row_data", row, raw, model, request)
