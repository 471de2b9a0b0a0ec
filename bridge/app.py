"""``create_app(settings)``: the Sanic app, its listeners and middleware, and its blueprints.

The app only assembles: the services are built by ``bridge/wiring.py``, handlers reach them
through ``bridge/services.py``, errors are shaped by ``bridge/error_handler.py``. Nothing in the
package imports this module except ``bridge/cli.py``, which serves it.
"""

from __future__ import annotations

import logging

from sanic import Request
from sanic_ext import Extend
from sanic_ext.extensions.http.extension import HTTPExtension

from bridge import batch, params
from bridge.access_log import log_config
from bridge.context import AnyApp, BridgeRequest
from bridge.conventions import apply_conventions, check_context
from bridge.error_handler import error_response
from bridge.errors import DatabaseUnavailable, invalid_params
from bridge.observe import attach_observation
from bridge.options import answer_options
from bridge.origin import refuse_cross_origin_writes
from bridge.outbox import attach_sender
from bridge.override import MethodOverrideApp
from bridge.responses import dumps
from bridge.rest import deleted, plugin_tables, regions
from bridge.routes import (
    cache,
    datatables,
    docs,
    export,
    index,
    metrics,
    ops,
    relations,
    resources,
    statistics,
    users,
)
from bridge.search_index.worker import attach_refresh
from bridge.services import AppContext, BridgeApp, app_context
from bridge.settings import WILDCARD_HOSTS, Settings
from bridge.wiring import build_services, ensure_services

log = logging.getLogger("bridge")

BLUEPRINTS = (
    ops,
    docs,
    index,
    metrics,
    users,
    resources,
    deleted,
    batch,
    regions,
    datatables,
    export,
    statistics,
    relations,
    cache,
    plugin_tables,
)
# Answer without the database: health checks, and metrics for a loopback client (bridge/routes/metrics.py).
WITHOUT_DATABASE = ("/healthz", "/readyz", "/metrics")


async def open_services(app: AnyApp) -> None:
    """Build the services before serving; if the database is down, serve anyway and retry per request."""
    ctx = app_context(app)
    try:
        ctx.services = await build_services(ctx.settings)
    except DatabaseUnavailable as exc:
        log.error("database unavailable at start (%s: %s); will retry on each request", exc.database, exc.detail)


async def close_services(app: AnyApp) -> None:
    svc = app_context(app).services
    if svc is not None:
        await svc.close()


async def require_services(request: Request) -> None:
    """Reconnect lazily when the database was down at start; 503 until it answers."""
    if app_context(request.app).services is None and request.path not in WITHOUT_DATABASE:
        await ensure_services(request.app)


async def one_value_per_query_key(request: Request) -> None:
    """A query key sent twice is refused (400) before any handler reads either value; routes
    that answer errors in-band (DataTables, ``ctx_inband_errors``) apply the rule themselves."""
    if not request.query_string:
        return
    route = request.route
    if route is None or getattr(route.ctx, "inband_errors", False):
        return
    key = params.repeated_key(k for k, _ in request.get_query_args(keep_blank_values=True))
    if key is not None:
        raise invalid_params({params.safe(key): params.repeated_message(key)})


def create_app(settings: Settings, name: str = "wp_customer_bridge") -> BridgeApp:
    app: BridgeApp = MethodOverrideApp(  # ?_method= / X-HTTP-Method-Override on POST, before routing
        name,
        dumps=dumps,
        ctx=AppContext(settings),
        request_class=BridgeRequest,
        log_config=log_config(settings.log_format),
    )
    app.config.ACCESS_LOG = False  # the bridge writes its own request lines (BRIDGE_ACCESS_LOG, bridge/access_log.py)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.OAS = False  # /openapi.json and /docs are the bridge's own (bridge/openapi/, bridge/routes/docs.py)
    app.config.CORS = False
    if settings.public_url is None and settings.host in WILDCARD_HOSTS:
        log.warning("BRIDGE_PUBLIC_URL is unset: links point at %s; set it to the URL clients use", settings.base_url)
    # Only the automatic HEAD and OPTIONS routes: the built-in set would add dependency injection,
    # an ``http.routing.after`` signal Sanic dispatches on every request for handlers that inject nothing.
    Extend(app, extensions=[HTTPExtension], built_in_extensions=False)
    app.error_handler.add(Exception, error_response)
    # ``<row_id:id>``: ASCII digits in 0..2^63-1 through bridge/params.py (Sanic's ``int`` takes
    # "１" and "1_0"); anything else is no route (404), as WordPress's ``[\d]+`` routes answer.
    app.router.register_pattern("id", params.path_id, params.PATH_ID_PATTERN)
    app.before_server_start(open_services)
    app.after_server_stop(close_services)
    attach_observation(app, settings)  # first: every request gets its id, clock and statement count
    app.on_request(refuse_cross_origin_writes)  # then: a foreign page's write costs nothing more
    app.on_request(require_services)
    app.on_request(one_value_per_query_key)
    app.on_request(check_context)
    app.on_request(answer_options)  # OPTIONS and CORS preflights, before any handler
    app.on_response(apply_conventions)  # type: ignore[no-untyped-call]  # context, _embed, If-None-Match, _envelope, CORS; Sanic leaves it unannotated
    for module in BLUEPRINTS:
        app.blueprint(module.bp)
    attach_sender(app, settings)  # delivers lifecycle events to WordPress when BRIDGE_EVENTS_URL is set
    attach_refresh(app, settings)  # keeps the search index current, when one was built (bridge/search_index/)
    return app
