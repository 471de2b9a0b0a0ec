"""What a DataTables answer selects, filters and orders: the ``QueryPlan``.

Built from the table model and the filter pipeline, for a table with hook base ``t``, in the
order of WP App Core (facts §2.6): ``wpapp_datatable_{t}_columns`` (columns, model, request),
``_joins`` (joins, request, model), ``_where`` (where, request, model — the access filter is
one of its callbacks), then ``_query_builder`` (the ``QueryPlan``, request, model).
Client strings only pick model columns by name; a search travels as a bound LIKE pattern
(bridge/criteria.py) or a checked regular expression. The SQL is built in ``statement.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

from pypika import Order
from pypika.terms import Criterion, Field, Term

from bridge import smart_search
from bridge.criteria import contains_pattern
from bridge.datatables.extensions import extensions
from bridge.datatables.protocol import ColumnRequest, DataTableError, DataTableRequest, Search, check_regex, whole
from bridge.pipeline import denies, scoped_columns, where_for
from bridge.tables.base import Column, Join, RequestFilter, TableModel

if TYPE_CHECKING:
    from sanic import Request

    from bridge.services import Services

# plan.extra keys: the request's extensions, and the search without the pane selections
# (a pane's counts leave its own selections out: bridge/datatables/panes.py)
EXTENSIONS = "extensions"
CORE_SEARCH = "core_search"
# ... and, when the search index narrowed the global search, the search without it (below)
UNNARROWED = "unnarrowed"
# Rows MariaDB may walk along a unique order's index, testing the LIKEs on each, before the
# search index's candidates are the cheaper way to a page. Measured at 100,000 customers (warm,
# page 1 by code): LIKE alone 3.5-6.7 ms for 100-650 rows walked, 72-117 ms for 14,000-15,000
# (~5 µs a row); with the index 15-40 ms whatever the term, common terms the slowest.
LIKE_WALK_ROWS = 2000
# Row fields the permission rules read (bridge/access.py), selected even when not shown.
PERMISSION_FIELDS = ("customer_id", "branch_id", "created_by")
CORE_REQUEST_FILTERS: dict[str, tuple[RequestFilter, ...]] = {
    "branches": (RequestFilter("customer_id", "customer_id", required=True),),
    "employees": (RequestFilter("customer_id", "customer_id", required=True), RequestFilter("branch_id", "branch_id")),
}


@dataclass(frozen=True)
class Unnarrowed:
    """The plan's search as built (with the search index's candidates) and the same search
    with LIKEs alone: the engine may page with the latter once the count is known."""

    narrowed: tuple[Criterion, ...]
    plain: list[Criterion]


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


NarrowFor = Callable[[list[Column]], smart_search.Narrow | None]


def search_criteria(
    dt: DataTableRequest,
    mapped: Mapped,
    columns: dict[str, Column],
    smart: bool = True,
    narrow_for: NarrowFor | None = None,
) -> list[Criterion]:
    """Global search (each word in some column searchable on both sides, as DataTables' smart
    search finds rows; a regex: OR over those columns) AND each per-column search.

    ``narrow_for`` (the search index) may narrow the global search's words; the LIKEs stay."""
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
        if dt.search.regex:
            criteria.append(cast(Criterion, Criterion.any(_match(c, dt.search, "search") for c in targets)))
        else:
            narrow = narrow_for(targets) if narrow_for is not None else None
            criteria += _smart(dt.search.value, [c.term for c in targets], smart, "search[value]", narrow)
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
        if req.search.regex:
            criteria.append(_match(column, req.search, name))
        else:
            criteria += _smart(req.search.value, [column.term], smart, f"{name}[value]")
    return criteria


def _smart(
    text: str, terms: list[Term], smart: bool, name: str, narrow: smart_search.Narrow | None = None
) -> list[Criterion]:
    """DataTables' smart search of ``text`` (bridge/smart_search.py) over ``terms``."""
    try:
        found = smart_search.criterion(smart_search.split(text, smart), terms, narrow)
    except smart_search.SearchError as exc:
        raise DataTableError(f"{name}: {exc}") from None
    return [] if found is None else [found]


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
        for name, way in model.default_order:
            if name in columns:
                chosen.append((name, columns[name].term, Order.desc if way == "desc" else Order.asc))
    seen: set[str] = set()
    terms: list[tuple[Term, Order]] = []
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


async def _search_index(svc: Services, model: TableModel, joins: dict[str, Join]) -> NarrowFor | None:
    """The search index (bridge/search_index/) for this request's global search, when it serves
    this table and may be used right now; it covers a column only as the model defines it (its
    term, and for the owner's name the model's own join)."""
    if svc.search_index is None or model.resource != "customers" or joins.get("owner") is not model.joins.get("owner"):
        return None
    narrower = await svc.search_index.narrower(svc.db)
    if narrower is None:
        return None
    own = model.columns

    def narrow_for(targets: list[Column]) -> smart_search.Narrow | None:
        if any(own.get(c.name) is None or own[c.name].term is not c.term for c in targets):
            return None
        return narrower.for_columns([(c.name, c.term) for c in targets], model.id_field, model.table.user_id)

    return narrow_for


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
    narrow_for = await _search_index(svc, model, joins) if dt.search.value and not dt.search.regex else None
    searched = search_criteria(dt, mapped, columns, model.smart_search, narrow_for)
    ext = extensions(model, dt.params, mapped, columns)
    search = [*searched, *ext.criteria, *ext.pane_criteria()]
    extra: dict[str, Any] = {EXTENSIONS: ext, CORE_SEARCH: [*searched, *ext.criteria]}
    if narrow_for is not None:
        plain = search_criteria(dt, mapped, columns, model.smart_search)
        extra[UNNARROWED] = Unnarrowed(tuple(search), [*plain, *ext.criteria, *ext.pane_criteria()])
    plan = QueryPlan(
        columns=columns,
        joins=joins,
        where=where,
        search=search,
        order=order_terms(dt, mapped, model, columns),
        select=select,
        output=output,
        start=dt.start,
        limit=limit,
        extra=extra,
    )
    plan = await hooks.apply_filters(f"wpapp_datatable_{t}_query_builder", plan, request, model)
    if not isinstance(plan, QueryPlan):
        raise TypeError(f"wpapp_datatable_{t}_query_builder must return the QueryPlan")
    return plan


def narrowed(plan: QueryPlan) -> Unnarrowed | None:
    """The search index's part in the plan's search (None: it took none, or a query_builder
    callback replaced the search, whose rows the engine then cannot reason about)."""
    unnarrowed = plan.extra.get(UNNARROWED)
    if not isinstance(unnarrowed, Unnarrowed) or len(plan.search) != len(unnarrowed.narrowed):
        return None
    return unnarrowed if all(a is b for a, b in zip(plan.search, unnarrowed.narrowed, strict=True)) else None


def walking_plan(model: TableModel, plan: QueryPlan, rows: int, total: int, filtered: int) -> QueryPlan | None:
    """The plan with LIKEs alone, for a page of a search whose count is known, when walking the
    order's unique index finds it within ``LIKE_WALK_ROWS`` rows (about ``rows`` × total ÷
    filtered: a common term). The search index's candidates suit a rare term, whose page the walk
    would look for through the whole table; for a common one MariaDB must read every candidate
    and sort them. None when the index took no part, a query_builder callback changed the search,
    or the order is not a unique column of the table (MariaDB would sort every row in scope)."""
    unnarrowed = narrowed(plan)
    if unnarrowed is None or filtered <= 0 or not plan.order:
        return None
    if not _unique(model, plan.order[0][0]) or rows * total > LIKE_WALK_ROWS * filtered:
        return None  # (the primary key is among the unique columns read at start)
    return replace(plan, search=unnarrowed.plain)
