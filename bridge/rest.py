"""WordPress REST plumbing shared by the customers, branches and employees routes.

Collection parameters as WordPress validates them, scoped reads through the
WHERE-filter pipeline (so no route can forget the access scope), pagination headers with the
original query kept, ``_fields``, ETag / If-Match, and the write transaction that records the
outbox, evicts caches and fires the lifecycle actions after commit.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

import pymysql
from pypika import Order
from pypika import functions as fn
from pypika.queries import QueryBuilder
from pypika.terms import Criterion, EmptyCriterion, Field
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.access import granted_on_row
from bridge.cache import digest, remember
from bridge.context import authenticated
from bridge.db import RETRYABLE, Executor
from bridge.errors import BridgeError, forbidden, invalid_params
from bridge.events import Events
from bridge.namespace import API_PREFIX
from bridge.params import MAX_INT, ParamError, integer
from bridge.pipeline import combine, scoped_columns, where_for
from bridge.principal import Principal
from bridge.responses import json_response
from bridge.services import Services, app_context, require_login, services
from bridge.statement_count import counted
from bridge.statements import MEMO, Bound, Scoped, bind, scoped_bounds, term_key
from bridge.tables.base import Column, TableModel
from bridge.tables.writes import like_escape, province, regency, wp_user
from bridge.totals import DATA_GROUPS, TOTAL_TTL, split_total, stale_groups, with_part
from bridge.validation import MSG, Problems

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
MAX_PAGE = 10**9
MAX_OFFSET = 10**12
MAX_SEARCH = 500
SOFT_DELETED = "inactive"  # the plugin's soft delete: status='inactive' on customers, branches and employees
_FIELD_SEPARATORS = re.compile(r"[\s,]+")

T = TypeVar("T")
log = logging.getLogger("bridge.rest")


@dataclass(frozen=True)
class Filter:
    """A collection filter: an id (``?customer_id=3``) or one of fixed values (``?status=active``)."""

    name: str
    kind: str = "id"  # id | enum
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resource:
    """What the REST layer needs to know about one resource beyond its table model."""

    resource: str  # customers
    entity: str  # customer
    orderby: tuple[str, ...]  # whitelist; intersected with the model's orderable columns
    filters: tuple[Filter, ...]
    item_keys: tuple[str, ...]  # joined names every body carries (null when the layout lacks them)

    def model(self, request: Request) -> TableModel:
        return services(request).models[self.resource]

    def invalid_id(self) -> BridgeError:
        return BridgeError(f"rest_{self.entity}_invalid_id", f"Invalid {self.entity} ID.", 404)

    def refuse_soft_deleted(self, locked: Mapping[str, Any], hard: bool) -> None:
        """410 ``rest_already_trashed`` for a soft delete of a row soft-deleted already, as
        WordPress answers for a trashed post: deleting it again would run the
        cascade again and queue its lifecycle events a second time. A hard delete (the site's
        option: WordPress's ``force=true``) still removes such a row for good. Called before
        If-Match: a request that fails anyway ignores its preconditions (RFC 9110 §13.2.1)."""
        if not hard and locked.get("status") == SOFT_DELETED:
            raise BridgeError("rest_already_trashed", f"The {self.entity} has already been deleted.", 410)

    def orderable(self, model: TableModel) -> list[str]:
        return [n for n in self.orderby if n in model.columns and model.columns[n].orderable]


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


def parse_collection(request: Request, spec: Resource, model: TableModel) -> CollectionParams:
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
    allowed = spec.orderable(model)
    orderby = query.scalar("orderby", problems) or "id"
    if orderby not in allowed and "orderby" not in problems:
        problems["orderby"] = f"orderby is not one of {', '.join(allowed)}."
    order = (query.scalar("order", problems) or "asc").lower()
    if order not in ("asc", "desc") and "order" not in problems:
        problems["order"] = "order is not one of asc, desc."
    filters: dict[str, Any] = {}
    for flt in spec.filters:
        if flt.kind == "id":
            value = query.integer(flt.name, 1, MAX_INT, problems)
            if value is None:
                continue
        else:
            raw = query.scalar(flt.name, problems)
            if raw is None or raw == "":
                continue
            value = raw
            if value not in flt.choices:
                problems[flt.name] = f"{flt.name} is not one of {', '.join(flt.choices)}."
                continue
        if model.filter_criterion(flt.name, value) is None:
            problems[flt.name] = f"{flt.name} is not available in this site's database layout."
            continue
        filters[flt.name] = value
    if problems:
        raise invalid_params(problems)
    return CollectionParams(page, per_page, offset, search, orderby, order, filters)


# ---- scoped reads ---------------------------------------------------------------------------


def search_criterion(model: TableModel, text: str) -> Criterion | None:
    """``LIKE '%text%'`` over the searchable columns; the text's wildcards are literal."""
    columns = model.searchable()
    if not text or not columns:
        return None
    pattern = "%" + like_escape(text) + "%"
    return Criterion.any(c.term.like(pattern) for c in columns)


async def count_rows(
    request: Request, model: TableModel, where: list[Criterion], bound: Bound | None, joins: tuple[str, ...]
) -> int:
    """``X-WP-Total``: counted once per ``TOTAL_TTL`` for this exact statement and caller scope,
    and stale as soon as a write evicts any table the count reads; the customers'
    in two parts, so that new customers do not make the old ones be counted again (bridge/totals.py)."""
    svc = services(request)
    scope = svc.access.scope_key(authenticated(request), model.resource)
    sql, params = count_statement(model, bound, joins)
    key = f"rest:total:{model.resource}:{scope}:{digest(sql, params or None)}"

    if model.settled_total:
        return await split_total(svc, model, key, where, lambda w, p: count_statement(model, w, joins, p))

    async def compute() -> int:
        return int(await svc.db.fetch_val(sql, params or None) or 0)

    return await remember(svc.cache, key, compute, ttl=TOTAL_TTL, group=model.resource, depends=DATA_GROUPS)


def count_statement(
    model: TableModel, where: Bound | None, joins: tuple[str, ...], part: Bound | None = None
) -> tuple[str, dict[str, Any]]:
    """``COUNT(id) n`` over the joins a search needs (with ``part``, also ``p``: how many of those
    rows match it, in one statement), rendered once per shape (bridge/statements.py)."""

    def count() -> QueryBuilder:
        return model.base_query(set(joins)).select(fn.Count(model.id_field).as_("n")).where(where or EmptyCriterion())

    key = (id(model), "rest:count", where and where.sql, joins, part and part.sql)
    return MEMO.render(key, [model], lambda: with_part(count, part), where, part)


async def shown_columns(request: Request, model: TableModel) -> list[Column]:
    """The columns of an item body, per-row counts narrowed to the caller's scope of the counted
    table (``pipeline.scoped_columns``): a customer's ``branch_count`` is what ``/branches`` shows."""
    svc = services(request)
    columns = await scoped_columns(svc.hooks, svc.models, model, request)
    return [c for c in columns.values() if not c.internal]


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


async def list_rows(
    request: Request, spec: Resource, model: TableModel, params: CollectionParams
) -> tuple[list[dict], int]:
    """One page of rows the caller may see, and how many match in all."""
    svc = services(request)
    where = await where_for(svc.hooks, model, request)
    where += [model.filter_criterion(name, value) for name, value in params.filters.items()]
    needed: set[str] = set()
    found = search_criterion(model, params.search)
    if found is not None:
        where.append(found)
        needed = model.joins_for(model.searchable())
    where = [c for c in where if c is not None]
    bound = bind(where, "w")
    total = await count_rows(request, model, where, bound, tuple(sorted(needed)))
    max_pages = math.ceil(total / params.per_page)
    if params.offset is None and total > 0 and params.page > max_pages:
        raise BridgeError(
            f"rest_{spec.entity}_invalid_page_number",
            "The page number requested is larger than the number of pages available.",
            400,
        )
    if total == 0 or params.start >= total:
        return [], total
    order = Order.desc if params.order == "desc" else Order.asc
    columns = await shown_columns(request, model)
    return await svc.db.fetch_all(*page_statement(model, bound, columns, params.orderby, order, params)), total


async def fetch_visible(request: Request, model: TableModel, row_id: int) -> dict[str, Any] | None:
    """The row with ``row_id`` if the caller may see it (pipeline + access scope), else None."""
    if row_id < 1:
        return None
    where = await where_for(services(request).hooks, model, request)
    query = model.select_query(await shown_columns(request, model)).where(combine([*where, model.id_field == row_id]))
    return await services(request).db.fetch_one(query)


async def visible_or_404(request: Request, spec: Resource, row_id: int) -> dict[str, Any]:
    """A row outside the caller's scope is answered exactly like a missing one (404)."""
    row = await fetch_visible(request, spec.model(request), row_id)
    if row is None:
        raise spec.invalid_id()
    return row


# ---- responses ------------------------------------------------------------------------------


def _base_url(request: Request) -> str:
    """``BRIDGE_PUBLIC_URL`` or the listening address: a forged Host header never reaches a link."""
    return services(request).settings.base_url


def item_url(request: Request, spec: Resource, row_id: int) -> str:
    return f"{_base_url(request)}{API_PREFIX}/{spec.resource}/{row_id}"


def present(request: Request, spec: Resource, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The item body: JSON-typed columns, joined names (null when absent), permissions, links."""
    model = spec.model(request)
    body = model.shape(raw)
    for key in spec.item_keys:
        body.setdefault(key, None)
    principal = authenticated(request)
    body["permissions"] = services(request).access.permissions(spec.resource, principal, body)
    body["_links"] = {
        "self": [{"href": item_url(request, spec, body["id"])}],
        "collection": [{"href": f"{_base_url(request)}{API_PREFIX}/{spec.resource}"}],
    }
    return body


def requested_fields(request: Request) -> list[list[str]] | None:
    """``_fields=a,b.c`` as paths; None (all fields) when absent or when it names nothing
    (``_fields=``, ``_fields=,``), as WordPress's ``wp_parse_list`` (``[\\s,]+``) leaves it."""
    values = [v for k, v in request.get_query_args(keep_blank_values=True) if k in ("_fields", "_fields[]")]
    names = [n for v in values for n in _FIELD_SEPARATORS.split(v) if n]
    return [n.split(".") for n in names] or None


def trim_fields(body: Any, paths: list[list[str]] | None) -> Any:
    """Keep only the requested (possibly nested) fields, as rest_filter_response_fields does."""
    if paths is None or not isinstance(body, dict):
        return body
    out: dict[str, Any] = {}
    for key, value in body.items():
        nested = [p[1:] for p in paths if p[0] == key]
        if not nested:
            continue
        if any(not rest for rest in nested) or not isinstance(value, dict):
            out[key] = value
        else:
            out[key] = trim_fields(value, nested)
    return out


def item_response(
    request: Request,
    body: dict[str, Any],
    etag: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTTPResponse:
    all_headers = dict(headers or {})
    if etag:
        all_headers["ETag"] = etag
    return json_response(trim_fields(body, requested_fields(request)), status, all_headers)


def collection_response(
    request: Request, items: list[dict[str, Any]], total: int, params: CollectionParams
) -> HTTPResponse:
    """The list with X-WP-Total, X-WP-TotalPages and Link (prev/next, the original query kept)."""
    max_pages = math.ceil(total / params.per_page)
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(max_pages)}
    base = f"{_base_url(request)}{request.path}"
    kept = [(k, v) for k, v in request.get_query_args(keep_blank_values=True) if k != "page"]
    links = []
    if params.page > 1 and max_pages > 0:
        links.append(f'<{base}?{urlencode([*kept, ("page", str(min(params.page - 1, max_pages)))])}>; rel="prev"')
    if max_pages > params.page:
        links.append(f'<{base}?{urlencode([*kept, ("page", str(params.page + 1))])}>; rel="next"')
    if links:
        headers["Link"] = ", ".join(links)
    fields = requested_fields(request)
    return json_response([trim_fields(item, fields) for item in items], 200, headers)


# ---- concurrency ----------------------------------------------------------------------------


def if_match(request: Request) -> list[str] | None:
    """The ETags of ``If-Match`` (``*`` kept), or None when the header is absent."""
    header = request.headers.get("if-match")
    if header is None:
        return None
    return [t.strip() for t in header.split(",") if t.strip()]


def check_if_match(request: Request, current: str) -> None:
    """412 ``rest_precondition_failed`` when the client's copy is stale (called under the row lock)."""
    tags = if_match(request)
    if tags is None or "*" in tags:
        return
    plain = [t[2:] if t.startswith("W/") else t for t in tags]
    if current not in plain:
        raise BridgeError(
            "rest_precondition_failed",
            "The resource has changed since it was read (If-Match does not match its ETag).",
            412,
            etag=current,
        )


# ---- writes ---------------------------------------------------------------------------------

_DUP_KEY = re.compile(r"for key '(?:[^']*\.)?([^']+)'")
_COLUMN = re.compile(r"column '([^']+)'")
DUPLICATE_KEYS = {
    "code": ("code", "Kode sudah digunakan."),
    "npwp": ("npwp", MSG["npwp_exists"]),
    "nib": ("nib", MSG["nib_exists"]),
    "name_region": ("name", MSG["customer_name_exists"]),
    "customer_name": ("name", MSG["branch_name_exists"]),
    "customer_regency": ("regency_id", MSG["branch_regency_exists"]),
    "email": ("email", MSG["email_exists"]),
    "unique_user": ("user_id", MSG["user_taken"]),
}


def _database_error(entity: str, exc: pymysql.MySQLError) -> BridgeError | None:
    """A clear 4xx for what the database itself refused (the last guard behind validation)."""
    number = exc.args[0] if exc.args else 0
    message = str(exc.args[1]) if len(exc.args) > 1 else ""
    if number == 1062:
        match = _DUP_KEY.search(message)
        field, text = DUPLICATE_KEYS.get(match.group(1) if match else "", ("id", "Nilai sudah digunakan."))
        return BridgeError(f"rest_{entity}_conflict", f"Conflicting value(s): {field}", 409, params={field: text})
    if number in (1048, 1406, 1264, 1265, 1366, 1292, 1452):
        match = _COLUMN.search(message)
        field = match.group(1) if match else "body"
        return invalid_params({field: f"{field} has a value the database cannot store."})
    if number in RETRYABLE:
        return BridgeError(
            "rest_database_busy", "The database is busy; please retry.", 503, headers={"Retry-After": "1"}
        )
    return None


async def transact(request: Request, entity: str, work: Callable[[Executor, Events], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction (deadlocks retried) with its outbox rows; then evict the
    cache groups a change to ``entity`` makes stale (bridge/invalidation.py), wake the outbox
    sender and fire the actions. On any error nothing of the write survives."""
    svc = services(request)
    if not svc.schema.has_table("outbox"):
        raise BridgeError(
            "wpbridge_outbox_missing",
            f"The bridge's table {svc.names.outbox} does not exist; run `wpbridge migrate` before writing.",
            503,
        )
    principal = authenticated(request)
    groups = svc.invalidation.groups_for(entity)
    done: list[Events] = []

    async def attempt(ex: Executor) -> T:
        events = Events(principal.user_id)
        result = await work(ex, events)
        await events.record(ex, svc.names.outbox)
        done[:] = [events]
        return result

    try:
        result = await svc.db.run_transaction(attempt)
    except pymysql.MySQLError as exc:
        error = _database_error(entity, exc)
        if error is None:
            raise
        raise error from None
    try:
        await svc.cache.evict(*await stale_groups(svc, groups, done[0].customers))
    except Exception:  # committed already: a cache outage must not turn the write into an error
        log.exception("could not evict cache groups %s after a %s write", groups, entity)
    sender = app_context(request.app).outbox_sender
    if sender is not None and done[0].items:
        sender.wake()  # deliver now, not at the next poll
    await done[0].fire(svc.hooks)
    return result


# ---- routes every resource has the same way ---------------------------------------------------


def add_read_routes(bp: Blueprint, spec: Resource) -> None:
    """``GET /{resource}`` (scoped, paged, filtered) and ``GET /{resource}/{id}`` (404 outside scope)."""

    async def list_items(request: Request) -> HTTPResponse:
        await require_login(request)
        model = spec.model(request)
        params = parse_collection(request, spec, model)
        rows, total = await list_rows(request, spec, model, params)
        return collection_response(request, [present(request, spec, r) for r in rows], total, params)

    async def get_item(request: Request, row_id: int) -> HTTPResponse:
        await require_login(request)
        raw = await visible_or_404(request, spec, row_id)
        return item_response(request, present(request, spec, raw), spec.model(request).etag(raw))

    list_items.__doc__ = f"List the {spec.resource} the caller may see (WordPress collection parameters)."
    get_item.__doc__ = f"One {spec.entity}; 404 when it does not exist or is outside the caller's scope."
    bp.add_route(counted(list_items), f"/{spec.resource}", methods=["GET"], name=f"list_{spec.resource}")
    bp.add_route(counted(get_item), f"/{spec.resource}/<row_id:id>", methods=["GET"], name=f"get_{spec.resource}")


async def written_item(
    request: Request, spec: Resource, row_id: int, fallback: Any = None
) -> tuple[dict[str, Any], str]:
    """The body and ETag of a row just written, read back through the scope like any read.

    If the write took the row out of the caller's scope, the body is built from ``fallback``
    (the caller's own write, already known to them) instead of a second, unscoped read.
    """
    raw = await fetch_visible(request, spec.model(request), row_id)
    if raw is None:
        raw = dict(fallback or {"id": row_id})
    return present(request, spec, raw), spec.model(request).etag(raw)


@dataclass(frozen=True)
class Target:
    """A row the caller is about to change: who they are, the services, the model, the row."""

    principal: Principal
    svc: Services
    model: TableModel
    current: dict[str, Any]
    previous: dict[str, Any]  # the row as the caller sees it (the ``previous`` of a delete)


async def writable(request: Request, spec: Resource, row_id: int, action: str) -> Target:
    """The visible row ``row_id`` once the caller may ``action`` (``edit`` | ``delete``) it.

    404 when the row is missing or outside the caller's scope, 403 when it is visible but the
    caller lacks the capability and no plugin permission filter grants it: the same order of
    checks for every resource.
    """
    principal = await require_login(request)
    current = await visible_or_404(request, spec, row_id)
    previous = present(request, spec, current)
    svc = services(request)
    if not previous["permissions"][action]:
        if not await granted_on_row(svc.hooks, spec.resource, action, principal, previous):
            raise forbidden()
        previous["permissions"][action] = True
    return Target(principal, svc, svc.models[spec.resource], current, previous)


async def created_response(request: Request, spec: Resource, row_id: int) -> HTTPResponse:
    """201 with the new row as the caller sees it, its ETag and ``Location``."""
    body, etag = await written_item(request, spec, row_id)
    return item_response(request, body, etag, 201, {"Location": item_url(request, spec, row_id)})


# ---- references every write checks -----------------------------------------------------------


async def check_region(
    request: Request, values: dict[str, Any], problems: Problems, current: Mapping[str, Any] | None = None
) -> tuple[dict | None, dict | None]:
    """``provinsi_id`` / ``regency_id`` name real rows and the regency lies in the province (the
    row's current regency too, when only the province changes); a regency given alone brings its
    province. Returns the province and regency rows (with the codes the documented layout stores)."""
    db, names = services(request).db, services(request).names
    prov = reg = None
    if values.get("regency_id") is not None:
        reg = await regency(db, names, values["regency_id"])
        if reg is None:
            problems.add("regency_id", MSG["regency_missing"])
        elif values.get("provinsi_id") is None:
            values["provinsi_id"] = int(reg["province_id"])
    if values.get("provinsi_id") is not None:
        prov = await province(db, names, values["provinsi_id"])
        if prov is None:
            problems.add("provinsi_id", MSG["province_missing"])
            return prov, reg
        kept = None
        if reg is None and "regency_id" not in values and (current or {}).get("regency_id"):
            kept = await regency(db, names, current["regency_id"])
        inside = reg or kept
        if inside is not None and int(inside["province_id"]) != int(prov["id"]):
            problems.add("regency_id", MSG["regency_outside"])
    return prov, reg


async def check_users(request: Request, values: Mapping[str, Any], problems: Problems, *fields: str) -> dict[str, dict]:
    """Each of ``fields`` present names an existing WordPress user (the bridge never creates one)."""
    found: dict[str, dict] = {}
    for field in fields:
        if values.get(field) is not None:
            user = await wp_user(services(request).db, services(request).names, values[field])
            if user is None:
                problems.add(field, MSG["user_missing"])
            else:
                found[field] = user
    return found
