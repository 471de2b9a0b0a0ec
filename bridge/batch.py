"""``POST /wp-json/batch/v1``: several writes in one request, in WordPress's format, plus ``atomic``.

The body is WordPress's (``WP_REST_Server::serve_batch_request_v1``, reference §8.6 a):
``{"validation": "normal"|"require-all-validate", "requests": [{method, path, body, headers}]}``
with at most 25 requests; ``method`` is POST, PUT, PATCH or DELETE (POST by default) and ``path``
a route without the ``/wp-json`` prefix (``/wp-customer/v1/branches/5``), optionally with a query.
Only the bridge's own write routes may be batched (``rest_batch_not_allowed`` otherwise). A
validation pass checks each request's path, route and body shape first; with
``require-all-validate`` one failure stops them all (207 ``{"failed": "validation", "responses":
[null | error]}``). Then each request runs in order as the caller, through its route's own
permission check and handler, and the answer is 207 ``{"responses": [{body, status, headers}]}``.

``atomic: true`` (the bridge's own addition) runs the whole batch in one transaction
(``bridge/rest/transaction.py`` ``SHARED``): the rows and their outbox rows (one per action)
commit together, the cache is evicted once and the actions fire after the commit; the first
request that fails rolls everything back and the answer is 207 ``{"failed": "atomic",
"responses": [...]}`` with that request's error and ``null`` for the others. Reads by id
(``rest/items.py`` ``fetch_visible``: permission checks, parent rows, answered bodies) run in
the batch's transaction and see its earlier writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson
from sanic import Blueprint, Request
from sanic.compat import Header
from sanic.exceptions import MethodNotAllowed, NotFound
from sanic.response import HTTPResponse

from bridge.context import BridgeRequest
from bridge.error_handler import error_response
from bridge.errors import BridgeError, invalid_params
from bridge.events import Events
from bridge.responses import json_response
from bridge.rest.transaction import SHARED, Shared, after_commit
from bridge.services import caller, request_context, services

bp = Blueprint("batch", url_prefix="/wp-json/batch")

MAX_REQUESTS = 25  # WordPress's rest_get_max_batch_size
METHODS = ("POST", "PUT", "PATCH", "DELETE")
VALIDATIONS = ("normal", "require-all-validate")
WRITE_ROUTES = ("create_", "update_", "delete_")  # the controllers' write route names (bridge/rest/controller.py)
DROPPED_HEADERS = ("content-length", "content-type", "if-match", "if-none-match", "transfer-encoding")


@dataclass(frozen=True)
class Item:
    """One request of the batch, as given."""

    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


class AtomicFailure(Exception):
    """A request of an atomic batch failed: roll the transaction back, answer its error."""

    def __init__(self, index: int, envelope: dict[str, Any]) -> None:
        super().__init__(index)
        self.index, self.envelope = index, envelope


def parse_batch(body: Any) -> tuple[str, bool, list[Any]]:
    """``validation``, ``atomic`` and the raw requests; a 400 naming each bad argument."""
    if not isinstance(body, dict):
        raise BridgeError("rest_invalid_json", "Invalid JSON body passed.", 400)
    problems: dict[str, str] = {}
    validation = body.get("validation", "normal")
    if validation not in VALIDATIONS:
        problems["validation"] = f"validation is not one of {', '.join(VALIDATIONS)}."
    atomic = body.get("atomic", False)
    if not isinstance(atomic, bool):
        problems["atomic"] = "atomic is not of type boolean."
    requests = body.get("requests")
    if not isinstance(requests, list):
        problems["requests"] = "requests is not of type array." if "requests" in body else "requests is required."
    elif not requests:
        problems["requests"] = "requests must contain at least 1 items."
    elif len(requests) > MAX_REQUESTS:
        problems["requests"] = f"requests must contain at most {MAX_REQUESTS} items."
    if problems:
        raise invalid_params(problems)
    return str(validation), bool(atomic), list(requests or [])


def envelope(status: int, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"body": body, "status": status, "headers": headers or {}}


def error_envelope(code: str, message: str, status: int) -> dict[str, Any]:
    return envelope(status, {"code": code, "message": message, "data": {"status": status}})


def validate_item(request: Request, raw: Any) -> tuple[Item | None, dict[str, Any] | None]:
    """The request if it may run (a write route of the bridge, a JSON object body), else its error."""
    if not isinstance(raw, dict):
        return None, error_envelope("rest_invalid_param", "Each request must be an object.", 400)
    method = str(raw.get("method", "POST")).upper()
    path, body, headers = raw.get("path"), raw.get("body", {}), raw.get("headers", {})
    if method not in METHODS:
        return None, error_envelope("rest_invalid_param", f"method is not one of {', '.join(METHODS)}.", 400)
    if not isinstance(path, str) or not path.startswith("/") or len(path) > 2000:
        return None, error_envelope("parse_path_failed", "Could not parse the path.", 400)
    if body is None:
        body = {}
    if not isinstance(body, dict) or not isinstance(headers, dict):
        return None, error_envelope("rest_invalid_param", "body and headers must be objects.", 400)
    try:
        route, _, _ = request.app.router.get("/wp-json" + urlsplit(path).path, method, None)
    except (NotFound, MethodNotAllowed):
        return None, error_envelope("rest_no_route", "No route was found matching the URL and request method.", 404)
    if not route.name.rsplit(".", 1)[-1].startswith(WRITE_ROUTES):
        return None, error_envelope(
            "rest_batch_not_allowed", "The requested route does not support batch requests.", 400
        )
    text = {str(k): ", ".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in headers.items()}
    return Item(method, path, body, text), None


def sub_request(parent: Request, item: Item) -> Request:
    """The item as a request of the same caller: its method, path, query, body and headers."""
    headers = [(k, v) for k, v in parent.headers.items() if k.lower() not in DROPPED_HEADERS]
    headers += [(k, v) for k, v in item.headers.items() if k.lower() not in ("content-length", "authorization")]
    headers.append(("content-type", "application/json"))
    url = ("/wp-json" + item.path).encode("utf-8")
    sub = BridgeRequest(url, Header(headers), parent.version, item.method, parent.transport, parent.app)
    sub.body = orjson.dumps(item.body)
    sub.conn_info = parent.conn_info
    ctx, parent_ctx = request_context(sub), request_context(parent)
    ctx.principal, ctx.request_id, ctx.statements = parent_ctx.principal, parent_ctx.request_id, parent_ctx.statements
    return sub


async def dispatch(parent: Request, item: Item) -> dict[str, Any]:
    """Run one item through its route's handler (permission check included); its envelope."""
    sub = sub_request(parent, item)
    try:
        route, handler, params = parent.app.router.get(sub.path, item.method, None)
        sub.route = route
        answer = await handler(sub, **params)
        if not isinstance(answer, HTTPResponse):
            raise TypeError(f"{route.name} answered no response")
        response = answer
    except Exception as exc:  # the route's error, answered as the app answers it
        response = await error_response(sub, exc)
    body = orjson.loads(response.body) if response.body else None
    kept = {k: v for k, v in response.headers.items() if k.lower() in ("location", "etag", "allow", "retry-after")}
    return envelope(response.status, body, kept)


async def run_atomic(request: Request, items: list[Item]) -> list[dict[str, Any]]:
    """Every item in one transaction; the first failure rolls them all back (``AtomicFailure``)."""
    svc = services(request)
    principal = await caller(request)
    done: list[Shared] = []

    async def attempt(ex: Any) -> list[dict[str, Any]]:
        shared = Shared(ex, Events(principal.user_id))
        token = SHARED.set(shared)
        try:
            out = []
            for index, item in enumerate(items):
                result = await dispatch(request, item)
                if result["status"] >= 400:
                    raise AtomicFailure(index, result)
                out.append(result)
        finally:
            SHARED.reset(token)
        await shared.events.record(ex, svc.names.outbox)
        done[:] = [shared]
        return out

    out: list[dict[str, Any]] = await svc.db.run_transaction(attempt)
    shared = done[0]
    groups = [g for entity in dict.fromkeys(shared.entities) for g in svc.invalidation.groups_for(entity)]
    await after_commit(request, groups, shared.events, principal.user_id)
    return out


@bp.post("/v1")
async def batch(request: Request) -> HTTPResponse:
    """Several writes in WordPress's batch format (at most 25); ``atomic: true`` for all or nothing."""
    await caller(request)  # bad credentials are the batch's 401, not each request's
    try:
        body = orjson.loads(request.body or b"null")
    except orjson.JSONDecodeError:
        raise BridgeError("rest_invalid_json", "Invalid JSON body passed.", 400) from None
    validation, atomic, raw = parse_batch(body)
    checked = [validate_item(request, item) for item in raw]
    failed = any(error is not None for _, error in checked)
    if failed and (validation == "require-all-validate" or atomic):
        return json_response({"failed": "validation", "responses": [error for _, error in checked]}, 207)
    items = [item for item, _ in checked if item is not None]
    if atomic:
        try:
            return json_response({"responses": await run_atomic(request, items)}, 207)
        except AtomicFailure as failure:
            responses: list[Any] = [None] * len(items)
            responses[failure.index] = failure.envelope
            return json_response({"failed": "atomic", "responses": responses}, 207)
    responses = []
    for item, error in checked:
        responses.append(error if item is None else await dispatch(request, item))
    return json_response({"responses": responses}, 207)
