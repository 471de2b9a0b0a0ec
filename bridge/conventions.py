"""WordPress's response conventions, applied after the handler to every REST answer:

* ``context=view|embed|edit`` on the resources (embed: the compact set; edit: only for
  callers who may edit what they are shown, else 403 ``rest_forbidden_context``);
* ``_embed[=rel,…]``: the embeddable links resolved in the caller's scope (bridge/links.py),
  then ``_fields`` applied once more, as ``rest_filter_response_fields`` runs last;
* ``If-None-Match`` → 304 on items (the row's ETag) and collections (an ETag of the page);
* ``_envelope``: ``{body, status, headers}`` with HTTP 200;
* CORS for the bridge's own origin and ``BRIDGE_CORS_ORIGINS`` (preflights: bridge/options.py).

The body is parsed again only when one of those parameters asks for it.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from sanic import Request
from sanic.response import HTTPResponse

from bridge.context import authenticated
from bridge.error_handler import wordpress_error
from bridge.errors import BridgeError, invalid_params
from bridge.links import Embedder, compact, embed_rels
from bridge.origin import origin_allowed
from bridge.responses import json_response
from bridge.rest.items import requested_fields, trim_fields

CONTEXTS = ("view", "embed", "edit")
EXPOSED = "X-WP-Total, X-WP-TotalPages, Link, ETag"
ALLOWED_HEADERS = "Authorization, Content-Type, If-Match, If-None-Match, X-WP-Nonce"
ALLOWED_METHODS = "OPTIONS, GET, POST, PUT, PATCH, DELETE"
PREFLIGHT_MAX_AGE = "86400"
BODY_OPERATIONS = ("list", "get", "create", "update")


def _query(request: Request, name: str) -> list[str]:
    return [v for k, v in request.get_query_args(keep_blank_values=True) if k == name]


def requested_context(request: Request) -> str:
    """``context`` (default view); checked before the handler runs (``check_context``)."""
    values = _query(request, "context")
    return values[0] if values else "view"


async def check_context(request: Request) -> None:
    """Request middleware: 400 for a ``context`` outside view, embed, edit on a resource route."""
    route = request.route
    if route is None or getattr(route.ctx, "schema", None) is None:
        return
    values = _query(request, "context")
    if values and values[0] not in CONTEXTS:
        raise invalid_params({"context": f"context is not one of {', '.join(CONTEXTS)}."})


def cors_headers(request: Request, preflight: bool) -> dict[str, str]:
    """The CORS headers for an allowed ``Origin`` (none for another or no origin)."""
    origin = request.headers.get("origin")
    if origin is None or not origin_allowed(request.app.ctx.settings, origin):
        return {}
    headers = {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": EXPOSED,
        "Vary": "Origin",
    }
    if preflight:
        headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return headers


def _parse(response: HTTPResponse) -> Any:
    try:
        return orjson.loads(response.body or b"null")
    except orjson.JSONDecodeError:
        return None


async def shape_resource(request: Request, response: HTTPResponse, resource: str, operation: str) -> HTTPResponse:
    """``context`` and ``_embed`` on a resource's item or page."""
    context, wanted = requested_context(request), embed_rels(request)
    if context == "view" and wanted is None:
        return response
    body = _parse(response)
    items = body if isinstance(body, list) else [body]
    if not all(isinstance(i, dict) for i in items):
        return response
    if context == "edit" and request.method == "GET":
        if not all(i.get("permissions", {}).get("edit") for i in items):
            status = 403 if authenticated(request).logged_in else 401
            error = BridgeError("rest_forbidden_context", "Sorry, you are not allowed to edit this item.", status)
            return wordpress_error(request, error.body(), status)
    if wanted is not None:
        embedder = Embedder(request)
        for item in items:
            await embedder.embed(resource, item, wanted)
    fields = requested_fields(request, exact=True)
    if fields is not None and wanted is not None:
        fields.append(["_embedded"])  # embedded only when _links or _embedded was kept
    shaped = [trim_fields(compact(i) if context == "embed" else i, fields) for i in items]
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
    return json_response(shaped if isinstance(body, list) else shaped[0], response.status, headers)


def not_modified(request: Request, response: HTTPResponse) -> HTTPResponse | None:
    """304 when ``If-None-Match`` names the answer's ETag (a page gets one from its body)."""
    etag = response.headers.get("etag")
    if etag is None:
        etag = 'W/"' + hashlib.sha256(response.body or b"").hexdigest()[:32] + '"'
        response.headers["ETag"] = etag
    header = request.headers.get("if-none-match")
    if header is None:
        return None
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    if "*" in tags or etag.removeprefix("W/") in tags:
        return HTTPResponse(b"", status=304, headers={"ETag": etag})
    return None


def envelope(request: Request, response: HTTPResponse) -> HTTPResponse:
    """``_envelope``: the answer as ``{body, status, headers}`` with HTTP 200."""
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
    body = {"body": _parse(response), "status": response.status, "headers": headers}
    return json_response(body, 200)


def replace(response: HTTPResponse, new: HTTPResponse) -> None:
    """Make ``response`` the ``new`` one in place: a response middleware that returned a new
    response would stop the others (the request id and the access log, bridge/observe.py)."""
    if new is response:
        return
    response.body, response.status, response.content_type = new.body, new.status, new.content_type
    if new.status >= 400:
        for name in ("ETag", "X-WP-Total", "X-WP-TotalPages", "Link", "Location"):
            response.headers.pop(name, None)
    for name, value in new.headers.items():
        if name.lower() != "content-length":
            response.headers[name] = value


async def apply_conventions(request: Request, response: HTTPResponse) -> None:
    """Response middleware: the conventions above, in WordPress's order."""
    route = request.route
    ctx = getattr(route, "ctx", None)
    schema, operation = getattr(ctx, "schema", None), getattr(ctx, "operation", None)
    if schema is not None and operation in BODY_OPERATIONS and response.status in (200, 201):
        replace(response, await shape_resource(request, response, schema.resource, operation))
        if request.method == "GET" and response.status == 200:
            replace(response, not_modified(request, response) or response)
    if _query(request, "_envelope") and request.path.startswith("/wp-json"):
        replace(response, envelope(request, response))
    for name, value in cors_headers(request, preflight=False).items():
        response.headers[name] = value
