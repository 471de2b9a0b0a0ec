"""Every exception a request raises, answered as WordPress would: ``{"code", "message", "data"}``.

Routes raise ``BridgeError`` (bridge/errors.py); Sanic's own errors (no route, too large, bad
request) get WordPress's codes; anything unexpected is logged and answered with a 500 that
shows no trace. A database outage is a 503 with ``Retry-After`` whose details (which database,
what the driver said) only administrators and the signed shim see, and DataTables routes
(``ctx_inband_errors``) get it in-band, as every DataTables failure. Every WordPress error body
carries the request's id in ``data.request_id`` (bridge/request_id.py), to find it in the log.
"""

from __future__ import annotations

import logging

from sanic import Request
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse

from bridge.auth import signed_by_shim
from bridge.context import authenticated
from bridge.datatables.protocol import draw_of, error_body, request_params
from bridge.errors import NO_ROUTE, BridgeError, DatabaseUnavailable, ErrorBody
from bridge.request_id import request_id
from bridge.responses import json_response
from bridge.services import app_context

log = logging.getLogger("bridge")


async def may_see_database_details(request: Request) -> bool:
    """Administrators and the signed shim, established without the database (which may be the
    thing that is down): a valid signature, the request's principal if it was loaded, or an
    administrator's credentials and principal still in the cache. Anyone else is a stranger."""
    ctx = app_context(request.app)
    if signed_by_shim(ctx.settings.shared_secret, request):
        return True
    if getattr(request.ctx, "principal", None) is not None:
        return authenticated(request).is_administrator
    if ctx.services is None:
        return False
    try:
        return await ctx.services.auth.known_administrator(request)
    except Exception:  # the cache is down too: a stranger
        return False


def wordpress_error(
    request: Request, body: ErrorBody, status: int, headers: dict[str, str] | None = None
) -> HTTPResponse:
    """A WordPress error body, with the request's id in ``data.request_id``."""
    body["data"]["request_id"] = request_id(request)
    return json_response(body, status, headers)


async def _outage_response(request: Request, exc: DatabaseUnavailable) -> HTTPResponse:
    """503 with Retry-After (the details only for those allowed), or DataTables' in-band error."""
    if getattr(getattr(request.route, "ctx", None), "inband_errors", False):
        try:
            draw = draw_of(request_params(request))
        except Exception:  # a body the route would have refused: still the outage answer
            draw = 0
        return json_response(error_body(draw, exc.message))
    body = exc.body()
    if await may_see_database_details(request):
        body["data"].update(exc.details())
    return wordpress_error(request, body, exc.status, exc.headers)


def _too_large(request: Request, exc: SanicException) -> HTTPResponse:
    message = str(exc) or "The request is too large."
    hint = (
        " Wide DataTables should POST their parameters."
        if "header" in message.lower() or "url" in message.lower()
        else ""
    )
    return wordpress_error(request, BridgeError("rest_request_too_large", message + hint, 413).body(), 413)


async def error_response(request: Request, exc: Exception) -> HTTPResponse:
    """The app's one error handler (``create_app`` registers it for ``Exception``)."""
    if isinstance(exc, DatabaseUnavailable):
        return await _outage_response(request, exc)
    if isinstance(exc, BridgeError):
        return wordpress_error(request, exc.body(), exc.status, exc.headers)
    if isinstance(exc, SanicException):
        status = getattr(exc, "status_code", 500) or 500
        if status in (404, 405):
            return wordpress_error(request, NO_ROUTE.body(), 404)
        if status == 413:
            return _too_large(request, exc)
        if status < 500:
            error = BridgeError("rest_invalid_request", str(exc) or "Bad request.", status)
            return wordpress_error(request, error.body(), status)
    log.exception(
        "unhandled error on %s %s (request %s)", request.method, request.path, request_id(request), exc_info=exc
    )
    error = BridgeError("rest_internal_error", "The bridge could not complete this request; see its log.", 500)
    return wordpress_error(request, error.body(), 500)
