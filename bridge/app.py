"""``create_app(settings)``: the Sanic app, its listeners, and WordPress-shaped errors."""

from __future__ import annotations

import asyncio
import decimal
import logging
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

import orjson
from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, json
from sanic_ext import Extend

from bridge import params, relations
from bridge.access import Access
from bridge.auth import Authenticator, signed_by_shim
from bridge.cache import Cache, open_cache
from bridge.db import Database
from bridge.errors import NO_ROUTE, BridgeError, DatabaseUnavailable, invalid_params
from bridge.hooks import Hooks
from bridge.origin import refuse_cross_origin_writes
from bridge.pipeline import register_access_filters
from bridge.plugins import PluginError, load_plugins
from bridge.principal import Principal, PrincipalLoader
from bridge.schema import SchemaError, SchemaInfo, TableNames, check_required, introspect_query, schema_from_rows
from bridge.settings import WILDCARD_HOSTS, Settings
from bridge.tables.base import TableModel
from bridge.tables.branches import BranchesModel
from bridge.tables.customers import CustomersModel
from bridge.tables.employees import EmployeesModel
from bridge.wp_cookie import configured as wp_cookies

log = logging.getLogger("bridge")


def _default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


dumps = partial(orjson.dumps, default=_default, option=orjson.OPT_NON_STR_KEYS)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> HTTPResponse:
    return json(body, status=status, headers=headers, dumps=dumps)


@dataclass
class Services:
    """Everything a request handler may use; one per worker, built when the server starts."""

    settings: Settings
    db: Database
    cache: Cache
    hooks: Hooks
    names: TableNames
    schema: SchemaInfo
    principals: PrincipalLoader
    auth: Authenticator
    access: Access
    models: dict[str, TableModel]  # by resource name: customers, branches, employees, agencies, …
    access_configs: dict[str, dict[str, Any]] = field(default_factory=dict)  # entity → access config in force
    relations: Any = None  # bridge.relations.EntityRelations, built once the plugins have loaded


def services(request: Request) -> Services:
    return request.app.ctx.services


async def principal_of(request: Request) -> Principal:
    """The caller, authenticated once per request."""
    cached = getattr(request.ctx, "principal", None)
    if cached is None:
        cached = await services(request).auth.authenticate(request)
        request.ctx.principal = cached
    return cached


async def load_schema(db: Database, names: TableNames) -> SchemaInfo:
    sql, tables = introspect_query(names)
    rows = await db.fetch_all(sql, tables)
    return schema_from_rows([(r["TABLE_NAME"], r["COLUMN_NAME"]) for r in rows], names)


async def may_see_database_details(request: Request) -> bool:
    """Administrators and the signed shim, established without the database (which may be the
    thing that is down): a valid signature, the request's principal if it was loaded, or an
    administrator's credentials and principal still in the cache. Anyone else is a stranger."""
    settings: Settings = request.app.ctx.settings
    if signed_by_shim(settings.shared_secret, request):
        return True
    principal = getattr(request.ctx, "principal", None)
    if principal is not None:
        return principal.is_administrator
    svc: Services | None = getattr(request.app.ctx, "services", None)
    if svc is None:
        return False
    try:
        return await svc.auth.known_administrator(request)
    except Exception:  # the cache is down too: a stranger
        return False


async def _outage_response(request: Request, exc: DatabaseUnavailable) -> HTTPResponse:
    """503 with Retry-After (the details only for those allowed), or DataTables' in-band error."""
    if getattr(getattr(request.route, "ctx", None), "inband_errors", False):
        from bridge.datatables import draw_of, error_body, request_params

        try:
            draw = draw_of(request_params(request))
        except Exception:  # a body the route would have refused: still the outage answer
            draw = 0
        return json_response(error_body(draw, exc.message))
    body = exc.body()
    if await may_see_database_details(request):
        body["data"].update(exc.details())
    return json_response(body, exc.status, exc.headers)


async def _error_response(request: Request, exc: Exception) -> HTTPResponse:
    if isinstance(exc, DatabaseUnavailable):
        return await _outage_response(request, exc)
    if isinstance(exc, BridgeError):
        return json_response(exc.body(), exc.status, exc.headers)
    if isinstance(exc, SanicException):
        status = getattr(exc, "status_code", 500) or 500
        if status in (404, 405):
            return json_response(NO_ROUTE.body(), 404)
        if status == 413:
            message = str(exc) or "The request is too large."
            hint = (
                " Wide DataTables should POST their parameters."
                if "header" in message.lower() or "url" in message.lower()
                else ""
            )
            return json_response(BridgeError("rest_request_too_large", message + hint, 413).body(), 413)
        if status < 500:
            return json_response(BridgeError("rest_invalid_request", str(exc) or "Bad request.", status).body(), status)
    log.exception("unhandled error on %s %s", request.method, request.path, exc_info=exc)
    error = BridgeError("rest_internal_error", "The bridge could not complete this request; see its log.", 500)
    return json_response(error.body(), 500)


async def read_unique_columns(db: Database, models: dict[str, TableModel]) -> None:
    """Each model's NOT NULL columns that a one-column UNIQUE index covers (``unique_columns``)."""
    tables = sorted({m.real_name for m in models.values()})
    if not tables:
        return
    rows = await db.fetch_all(
        "SELECT TABLE_NAME AS t, MIN(COLUMN_NAME) AS c FROM INFORMATION_SCHEMA.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
        f"AND NON_UNIQUE = 0 AND TABLE_NAME IN ({', '.join(['%s'] * len(tables))}) "
        "GROUP BY TABLE_NAME, INDEX_NAME HAVING COUNT(*) = 1 AND MAX(NULLABLE) = ''",
        tables,
    )
    unique: dict[str, set[str]] = {}
    for row in rows:
        unique.setdefault(row["t"], set()).add(row["c"])
    for model in models.values():
        model.unique_columns = frozenset(unique.get(model.real_name, ()))


async def build_services(settings: Settings) -> Services:
    """Open the pool, read the live schema (refusing to start on missing columns), wire everything.

    On any failure (the database going away half-way included) the pool is closed again, so
    the next request's attempt never leaves a second one behind."""
    names = TableNames.for_prefix(settings.table_prefix, settings.base_prefix)
    db = Database(settings.database_url, maxsize=settings.pool_size, timeout=settings.database_timeout)
    try:
        return await _wire_services(settings, names, db)
    except BaseException:
        await db.close()
        raise


async def _wire_services(settings: Settings, names: TableNames, db: Database) -> Services:
    await db.open()
    schema = await load_schema(db, names)
    try:
        check_required(schema)
    except SchemaError as exc:
        print(f"wpbridge: refusing to start: {exc}", file=sys.stderr)
        raise
    namespace = f"{settings.database_url.database}:{settings.table_prefix}"
    cache = open_cache(settings.cache_dir, settings.cache_url, namespace)
    hooks = Hooks()
    loader = PrincipalLoader(db, cache, names, schema)
    cookies = wp_cookies(settings.wp_config, settings.wp_site_url, settings.own_origin, db, names)
    auth = Authenticator(db, cache, names, loader, settings.shared_secret, cookies)
    models: dict[str, TableModel] = {
        m.resource: m
        for m in (CustomersModel(names, schema), BranchesModel(names, schema), EmployeesModel(names, schema))
    }
    access = Access(names, schema)
    svc = Services(settings, db, cache, hooks, names, schema, loader, auth, access, models)
    try:
        await load_plugins(svc, settings.hooks_path)
        links = await relations.load_configs(hooks, settings.config, names.prefix)
        await relations.check_tables(db, links)
    except (PluginError, relations.RelationConfigError) as exc:
        print(f"wpbridge: refusing to start: {exc}", file=sys.stderr)
        raise
    await read_unique_columns(db, svc.models)
    svc.access_configs = await register_access_filters(hooks, access, models, links)
    svc.relations = relations.EntityRelations(svc, links, svc.access_configs)
    return svc


async def ensure_services(app: Sanic) -> Services:
    """The app's services, built now if the database was unavailable until this moment."""
    if app.ctx.services is not None:
        return app.ctx.services
    async with app.ctx.services_lock:
        if app.ctx.services is None:
            app.ctx.services = await build_services(app.ctx.settings)
    return app.ctx.services


def create_app(settings: Settings, name: str = "wp_customer_bridge") -> Sanic:
    app = Sanic(name, dumps=dumps)
    app.config.ACCESS_LOG = settings.access_log
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.OAS_UI_DEFAULT = "swagger"
    app.config.OAS_URL_PREFIX = "/docs"
    app.config.OAS_UI_REDOC = False
    app.config.CORS = False
    app.ctx.settings = settings
    if settings.public_url is None and settings.host in WILDCARD_HOSTS:
        log.warning("BRIDGE_PUBLIC_URL is unset: links point at %s; set it to the URL clients use", settings.base_url)
    Extend(app)
    app.ext.openapi.describe(
        "wp-customer-bridge",
        version="1",
        description="WordPress-compatible REST and DataTables API over the WP Customer plugin's tables.",
    )
    app.error_handler.add(Exception, _error_response)
    # ``<row_id:id>``: ASCII digits in 0..2^63-1 through bridge/params.py (Sanic's ``int`` takes
    # "１" and "1_0"); anything else is no route (404), as WordPress's ``[\d]+`` routes answer.
    app.router.register_pattern("id", params.path_id, params.PATH_ID_PATTERN)

    @app.before_server_start
    async def open_services(app: Sanic) -> None:
        app.ctx.services = None
        app.ctx.services_lock = asyncio.Lock()
        try:
            app.ctx.services = await build_services(settings)
        except DatabaseUnavailable as exc:
            log.error("database unavailable at start (%s: %s); will retry on each request", exc.database, exc.detail)

    app.on_request(refuse_cross_origin_writes)  # first: a foreign page's write costs nothing more

    @app.on_request
    async def require_services(request: Request) -> None:
        """Reconnect lazily when the database was down at start; 503 until it answers."""
        if request.app.ctx.services is None and request.path not in ("/healthz", "/readyz"):
            await ensure_services(request.app)

    @app.on_request
    async def one_value_per_query_key(request: Request) -> None:
        """A query key sent twice is refused (400) before any handler reads either value; routes
        that answer errors in-band (DataTables, ``ctx_inband_errors``) apply the rule themselves."""
        route = request.route
        if route is None or getattr(route.ctx, "inband_errors", False):
            return
        key = params.repeated_key(k for k, _ in request.get_query_args(keep_blank_values=True))
        if key is not None:
            raise invalid_params({params.safe(key): params.repeated_message(key)})

    @app.after_server_stop
    async def close_services(app: Sanic) -> None:
        svc: Services | None = getattr(app.ctx, "services", None)
        if svc is not None:
            await svc.db.close()
            await svc.cache.close()

    from bridge.routes import cache as cache_routes
    from bridge.routes import datatables, ops, users
    from bridge.routes import relations as relation_routes
    from bridge.routes import statistics as statistics_routes

    app.blueprint(ops.bp)
    app.blueprint(users.bp)
    from bridge.routes import branches as rest_branches
    from bridge.routes import customers as rest_customers
    from bridge.routes import employees as rest_employees

    app.blueprint(rest_customers.bp)
    app.blueprint(rest_branches.bp)
    app.blueprint(rest_employees.bp)
    app.blueprint(datatables.bp)
    app.blueprint(statistics_routes.bp)
    app.blueprint(relation_routes.bp)
    app.blueprint(cache_routes.bp)

    from bridge.outbox import attach_sender
    from bridge.override import attach_method_override

    attach_method_override(app)  # ?_method= / X-HTTP-Method-Override on POST, before any route is chosen

    attach_sender(app, settings)  # delivers lifecycle events to WordPress when BRIDGE_EVENTS_URL is set
    return app
