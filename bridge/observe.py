"""Every request measured once, whatever answers it (a route, an error, no route at all).

At the start (the app's first request middleware) the request gets its id
(``bridge/request_id.py``) and a list that ``bridge/db.py`` appends each statement it runs to;
at the response (the app's response middleware, which Sanic runs for error answers and
``rest_no_route`` too) the id is echoed as ``X-Request-Id``, the request is counted in the
metrics (``bridge/metrics.py``) and, with ``BRIDGE_ACCESS_LOG``, logged (``bridge/access_log.py``).
"""

from __future__ import annotations

from time import perf_counter

from sanic import Request
from sanic.response import BaseHTTPResponse

from bridge.access_log import log_request
from bridge.cache import read_generations_once
from bridge.context import AnyApp, authenticated
from bridge.db import query_counter
from bridge.metrics import UNMATCHED, observe_request, process_stopped
from bridge.request_id import HEADER, request_id
from bridge.settings import Settings


def route_label(request: Request) -> str:
    """The route template that answered (``/wp-json/wp-customer/v1/customers/<row_id:id>``), never
    the path, or ``unmatched``."""
    route = request.route
    return "/" + route.path.lstrip("/") if route is not None else UNMATCHED


async def start_request(request: Request) -> None:
    """Give the request its id, its start time and its statement list (a fresh one: the context
    of a kept-alive connection's task outlives each request)."""
    request_id(request)
    request.ctx.started = perf_counter()
    request.ctx.statements = []
    query_counter.set(request.ctx.statements)
    read_generations_once(request.method in ("GET", "HEAD"))


def attach_observation(app: AnyApp, settings: Settings) -> None:
    """Measure every request of ``app``: register this before any other request middleware."""
    access = settings.access_log

    async def finish_request(request: Request, response: BaseHTTPResponse) -> None:
        response.headers[HEADER] = request_id(request)
        # from the moment the request's head was read (Sanic's own clock), else from start_request
        started = getattr(request.stream, "perft0", None) or getattr(request.ctx, "started", None)
        seconds = perf_counter() - started if started else 0.0
        statements = len(getattr(request.ctx, "statements", None) or ())
        route = route_label(request)
        observe_request(route, request.method, response.status, seconds, statements)
        if access:
            user_id = authenticated(request).user_id
            log_request(
                request, route=route, status=response.status, seconds=seconds, statements=statements, user_id=user_id
            )

    async def stop_counting(app: AnyApp) -> None:
        process_stopped()

    app.on_request(start_request)
    app.on_response(finish_request)  # type: ignore[no-untyped-call]  # Sanic leaves it unannotated
    app.after_server_stop(stop_counting)
