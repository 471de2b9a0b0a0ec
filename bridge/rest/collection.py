"""A resource's collection: its query parameters as WordPress validates them,
one page of the rows the caller may see, the cached total, and the pagination headers
(``X-WP-Total``, ``X-WP-TotalPages``, ``Link`` with the original query kept).

Each SQL shape is rendered once (bridge/statements.py), the page's LIMIT and OFFSET bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from pypika import Order
from pypika import functions as fn
from pypika.queries import QueryBuilder
from pypika.terms import Criterion, EmptyCriterion, Field
from sanic import Request
from sanic.response import HTTPResponse

from bridge import smart_search
from bridge.cache import digest, remember
from bridge.caller_memo import CallerMemo, Derived
from bridge.context import authenticated
from bridge.errors import BridgeError, invalid_params
from bridge.params import MAX_INT, ParamError, integer
from bridge.pipeline import fixed_reads, where_for
from bridge.resources.schema import ResourceSchema
from bridge.responses import json_response
from bridge.rest.csv_page import csv_response, wants_csv
from bridge.rest.items import base_url, requested_fields, shown_columns, trim_fields
from bridge.rest.sync import filter_term, parse_sync
from bridge.services import services
from bridge.statements import MEMO, Bound, Scoped, bind, scoped_bounds, term_key
from bridge.tables.base import Column, TableModel
from bridge.totals import DATA_GROUPS, TOTAL_TTL, split_total, with_part

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
MAX_PAGE = 10**9
MAX_OFFSET = 10**12
MAX_SEARCH = 500


@dataclass(frozen=True)
class CollectionParams:
    page: int
    per_page: int
    offset: int | None
    search: str
    orderby: str
    order: str
    filters: dict[str, Any]

    @property
    def start(self) -> int:
        return self.offset if self.offset is not None else (self.page - 1) * self.per_page


# ---- query parameters -----------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """Query values by name with blanks kept; ``name[]`` / ``name[x]`` keys mark ``name`` as an array."""

    values: dict[str, list[str]]
    arrays: frozenset[str]

    @classmethod
    def of(cls, request: Request) -> Query:
        values: dict[str, list[str]] = {}
        arrays: set[str] = set()
        for key, value in request.get_query_args(keep_blank_values=True):
            base = key.split("[", 1)[0] if key.endswith("]") and "[" in key else key
            if base != key:
                arrays.add(base)
            values.setdefault(base, []).append(value)
        return cls(values, frozenset(arrays))

    def scalar(self, name: str, problems: dict[str, str]) -> str | None:
        values = self.values.get(name)
        if values is None:
            return None
        if name in self.arrays or len(values) != 1:
            problems[name] = f"{name} must be a single value, not an array."
            return None
        return values[0]

    def integer(self, name: str, low: int, high: int, problems: dict[str, str]) -> int | None:
        try:
            return integer(self.scalar(name, problems), name, low=low, high=high)
        except ParamError as exc:
            problems[name] = exc.message
            return None


def orderable(schema: ResourceSchema, model: TableModel) -> list[str]:
    """The schema's ``orderby`` names this layout can order by."""
    return [n for n in schema.orderby if n in model.columns and model.columns[n].orderable]


def parse_collection(request: Request, schema: ResourceSchema, model: TableModel) -> CollectionParams:
    """``page``, ``per_page``, ``offset``, ``search``, ``orderby``, ``order`` and the filters; one 400
    naming every bad parameter. Unknown parameters are ignored, as WordPress ignores them."""
    query = Query.of(request)
    problems: dict[str, str] = {}
    page = query.integer("page", 1, MAX_PAGE, problems) or 1
    per_page = query.integer("per_page", 1, MAX_PER_PAGE, problems) or DEFAULT_PER_PAGE
    offset = query.integer("offset", 0, MAX_OFFSET, problems)
    search = query.scalar("search", problems) or ""
    if len(search) > MAX_SEARCH:
        problems["search"] = f"search must be at most {MAX_SEARCH} characters long."
    else:
        try:
            smart_search.split(search, model.smart_search)
        except smart_search.SearchError as exc:
            problems["search"] = str(exc)
    allowed = orderable(schema, model)
    orderby = query.scalar("orderby", problems) or "id"
    if orderby not in allowed and "orderby" not in problems:
        problems["orderby"] = f"orderby is not one of {', '.join(allowed)}."
    order = (query.scalar("order", problems) or "asc").lower()
    if order not in ("asc", "desc") and "order" not in problems:
        problems["order"] = "order is not one of asc, desc."
    filters: dict[str, Any] = {}
    for flt in schema.filters:
        value: Any
        if flt.kind == "id":
            value = query.integer(flt.name, 1, MAX_INT, problems)
        elif flt.name in query.values:
            value = parse_sync(flt, query.values[flt.name], problems)  # enum and sync filters
        else:
            continue
        if value is None:
            continue
        if filter_term(model, flt, value) is None:
            problems[flt.name] = f"{flt.name} is not available in this site's database layout."
            continue
        filters[flt.name] = value
    if problems:
        raise invalid_params(problems)
    return CollectionParams(page, per_page, offset, search, orderby, order, filters)


# ---- the page and its total ---------------------------------------------------------------------


def search_criterion(model: TableModel, text: str) -> Criterion | None:
    """Every word of ``text`` in some searchable column, as DataTables' smart search finds rows
    (bridge/smart_search.py); the text's wildcards are literal."""
    return smart_search.criterion(smart_search.split(text, model.smart_search), [c.term for c in model.searchable()])


async def count_rows(request: Request, model: TableModel, plan: ListPlan) -> int:
    """``X-WP-Total``: counted once per ``TOTAL_TTL`` for this exact statement and caller scope,
    and stale as soon as a write evicts any table the count reads; the customers'
    in two parts, so that new customers do not make the old ones be counted again (bridge/totals.py)."""
    svc = services(request)

    def counting() -> tuple[str, dict[str, Any], str]:
        scope = svc.access.scope_key(authenticated(request), model.resource)
        sql, params = count_statement(model, plan.bound, plan.joins)
        return sql, params, f"rest:total:{model.resource}:{scope}:{digest(sql, params or None)}"

    sql, params, key = plan.derived.get("count", counting)
    if model.settled_total:
        return await split_total(svc, model, key, plan.where, lambda w, p: count_statement(model, w, plan.joins, p))

    async def compute() -> int:
        return int(await svc.db.fetch_val(sql, params or None) or 0)

    total: int = await remember(svc.cache, key, compute, ttl=TOTAL_TTL, group=model.resource, depends=DATA_GROUPS)
    return total


def count_statement(
    model: TableModel, where: Bound | None, joins: tuple[str, ...], part: Bound | None = None
) -> tuple[str, dict[str, Any]]:
    """``COUNT(id) n`` over the joins a search needs (with ``part``, also ``p``: how many of those
    rows match it, in one statement), rendered once per shape (bridge/statements.py)."""

    def count() -> QueryBuilder:
        return model.base_query(set(joins)).select(fn.Count(model.id_field).as_("n")).where(where or EmptyCriterion())

    key = (id(model), "rest:count", where and where.sql, joins, part and part.sql)
    return MEMO.render(key, [model], lambda: with_part(count, part), where, part)


def page_statement(
    model: TableModel, where: Bound | None, columns: list[Column], orderby: str, order: Order, params: CollectionParams
) -> tuple[str, dict[str, Any]]:
    """The page's SELECT, rendered once per shape; LIMIT and OFFSET travel as bound values, and
    so do the scopes of the caller's counts."""

    def build() -> QueryBuilder:
        column = model.columns[orderby]
        key = column.term if isinstance(column.term, Field) else Field(column.name)
        return (
            model.select_query(columns)
            .where(where or EmptyCriterion())
            .orderby(key, order=order)
            .orderby(model.id_field, order=order)
        )

    pins: list[Any] = [model]
    scoped = tuple(term_key(c.term, pins) for c in columns if isinstance(c.term, Scoped))
    key = (id(model), "rest:page", where and where.sql, scoped, orderby, order.value)
    sql, values = MEMO.render(key, pins, build, where, *scoped_bounds(c.term for c in columns))
    values["param_limit"], values["param_offset"] = params.per_page, params.start
    return f"{sql} LIMIT %(param_limit)s OFFSET %(param_offset)s", values


@dataclass(frozen=True)
class ListPlan:
    """What a collection's page reads, from its parameters and the caller alone: the WHERE (the
    caller's scope, the filters, the search), bound, the joins the search needs, and the columns."""

    where: list[Criterion]
    bound: Bound | None
    joins: tuple[str, ...]
    columns: list[Column]
    derived: Derived  # its count's and page's statements, kept with the plan when it is kept


# A repeated GET of a collection (the same query by the same principal object), parsed and
# planned once per worker while the table's reads have only the core's access filters
# (``pipeline.fixed_reads``; bridge/caller_memo.py has why a principal object is a safe key).
_LISTS: CallerMemo[tuple[TableModel, ResourceSchema, CollectionParams, ListPlan]] = CallerMemo()


async def planned_list(
    request: Request, schema: ResourceSchema, model: TableModel
) -> tuple[CollectionParams, ListPlan]:
    """The request's collection parameters (400 naming every bad one) and its ``ListPlan``."""
    svc = services(request)

    kept = request.method == "GET" and fixed_reads(svc.hooks, svc.models, model)

    async def make() -> tuple[TableModel, ResourceSchema, CollectionParams, ListPlan]:
        params = parse_collection(request, schema, model)
        return model, schema, params, await list_plan(request, schema, model, params, kept)

    if kept:
        slot = (id(model), id(schema), request.query_string)
        _, _, params, plan = await _LISTS.through(svc.hooks, authenticated(request), slot, make)
    else:
        _, _, params, plan = await make()
    return params, plan


async def list_plan(
    request: Request, schema: ResourceSchema, model: TableModel, params: CollectionParams, kept: bool
) -> ListPlan:
    svc = services(request)
    where = await where_for(svc.hooks, model, request)
    for name, value in params.filters.items():
        spec = schema.filter(name)
        criterion = filter_term(model, spec, value) if spec is not None else None
        if criterion is not None:
            where.append(criterion)
    needed: set[str] = set()
    found = search_criterion(model, params.search)
    if found is not None:
        where.append(found)
        needed = model.joins_for(model.searchable())
    where = [c for c in where if c is not None]
    columns = await shown_columns(request, model)
    return ListPlan(where, bind(where, "w"), tuple(sorted(needed)), columns, Derived(kept))


async def list_rows(
    request: Request, schema: ResourceSchema, model: TableModel, params: CollectionParams, plan: ListPlan
) -> tuple[list[dict[str, Any]], int]:
    """One page of rows the caller may see, and how many match in all."""
    svc = services(request)
    total = await count_rows(request, model, plan)
    max_pages = math.ceil(total / params.per_page)
    if params.offset is None and total > 0 and params.page > max_pages:
        raise BridgeError(
            f"rest_{schema.entity}_invalid_page_number",
            "The page number requested is larger than the number of pages available.",
            400,
        )
    if total == 0 or params.start >= total:
        return [], total
    order = Order.desc if params.order == "desc" else Order.asc
    statement = plan.derived.get(
        ("page", params.orderby, order, params.per_page, params.start),
        lambda: page_statement(model, plan.bound, plan.columns, params.orderby, order, params),
    )
    return await svc.db.fetch_all(*statement), total


def collection_response(
    request: Request, items: list[dict[str, Any]], total: int, params: CollectionParams
) -> HTTPResponse:
    """The list with X-WP-Total, X-WP-TotalPages and Link (prev/next, the original query kept)."""
    max_pages = math.ceil(total / params.per_page)
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(max_pages)}
    base = f"{base_url(request)}{request.path}"
    kept = [(k, v) for k, v in request.get_query_args(keep_blank_values=True) if k != "page"]
    links = []
    if params.page > 1 and max_pages > 0:
        links.append(f'<{base}?{urlencode([*kept, ("page", str(min(params.page - 1, max_pages)))])}>; rel="prev"')
    if max_pages > params.page:
        links.append(f'<{base}?{urlencode([*kept, ("page", str(params.page + 1))])}>; rel="next"')
    if links:
        headers["Link"] = ", ".join(links)
    fields = requested_fields(request)
    trimmed = [trim_fields(item, fields) for item in items]
    if wants_csv(request):
        return csv_response(request.path.rstrip("/").rsplit("/", 1)[-1], trimmed, headers)
    return json_response(trimmed, 200, headers)
