"""``OPTIONS`` on every route, as WordPress's ``rest_handle_options_request`` answers it: the
route's data in the ``help`` context (namespace, methods, endpoints with args, schema), and an
``Allow`` header listing only the methods whose permission check passes for this caller
(``rest_send_allow_header``). A CORS preflight (``Origin`` and
``Access-Control-Request-Method``) is answered 204 with the CORS headers instead.

A route's permission check is its controller's (``ctx_permission``, the same check the route
runs before its handler); a route without one allows reads to anyone logged in (the public
ones to everyone) and writes to administrators and the signed shim.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sanic import Request
from sanic.response import HTTPResponse, empty

from bridge.conventions import cors_headers
from bridge.discovery import RouteGroup, match, route_data
from bridge.errors import BridgeError
from bridge.openapi.operations import DOCUMENTED_METHODS, PUBLIC_PATHS
from bridge.params import ParamError, path_id
from bridge.principal import Principal
from bridge.responses import json_response
from bridge.services import caller, services
from bridge.signing import SIGNATURE_HEADERS

Permission = Callable[..., Awaitable[Any]]
READS = ("GET", "HEAD")


async def _principal(request: Request) -> Principal | None:
    try:
        return await caller(request)
    except BridgeError:  # refused credentials: no method is allowed
        return None


async def default_allowed(request: Request, group: RouteGroup, method: str, read_only: bool) -> bool:
    if group.template in PUBLIC_PATHS and method in READS:
        return True
    principal = await _principal(request)
    if principal is None or not principal.logged_in:
        return False
    if method in READS or read_only:
        return True
    return principal.is_administrator or any(h in request.headers for h in SIGNATURE_HEADERS)


async def allowed_methods(request: Request, group: RouteGroup, params: dict[str, str]) -> list[str]:
    """The methods of ``group`` this caller may use, each by its route's own permission check."""
    kwargs: dict[str, Any] = {}
    for name, value in params.items():
        try:
            kwargs[name] = path_id(value) if value.isdigit() else value
        except ParamError:
            return []
    allowed: list[str] = []
    for route in group.routes:
        permission: Permission | None = getattr(route.ctx, "permission", None)
        for method in sorted(route.methods):
            if method in ("OPTIONS", "HEAD") or method in allowed:
                continue
            if permission is not None:
                try:
                    names = {p.name for p in route.params.values()}
                    args = {k: v for k, v in kwargs.items() if k in names}
                    await permission(request, **args)
                    ok = True
                except BridgeError:
                    ok = False
            else:
                ok = await default_allowed(request, group, method, bool(getattr(route.ctx, "read_only", False)))
            if ok:
                allowed.append(method)
    return [m for m in DOCUMENTED_METHODS if m in allowed]


async def answer_options(request: Request) -> HTTPResponse | None:
    """Request middleware: OPTIONS answered before any route handler runs, as WordPress does."""
    if request.method != "OPTIONS":
        return None
    if "origin" in request.headers and "access-control-request-method" in request.headers:
        return empty(204, headers=cors_headers(request, preflight=True))
    found = match(request.app, request.path)
    if found is None:
        return None
    group, params = found
    allowed = await allowed_methods(request, group, params)
    headers = {"Allow": ", ".join(allowed)} if allowed else {}
    return json_response(route_data(services(request), group, help_context=True), 200, headers)
