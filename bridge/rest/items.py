"""One item of a resource: scoped reads of a row, its body (JSON-typed columns, joined names,
permissions, ``_links``, ``_fields``), its ETag and ``If-Match``.

Every read goes through the WHERE-filter pipeline, so no handler can forget the access scope:
a row outside the caller's scope is answered exactly like a missing one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pypika.terms import Criterion, EmptyCriterion
from sanic import Request
from sanic.response import HTTPResponse

from bridge.access import CAN_VIEW_EMPLOYEE, granted_by_filter
from bridge.context import authenticated
from bridge.errors import BridgeError
from bridge.links import links_under
from bridge.namespace import API_PREFIX
from bridge.pipeline import combine, scoped_columns, where_for
from bridge.resources.schema import ResourceSchema
from bridge.responses import json_response
from bridge.rest.transaction import SHARED
from bridge.row_permissions import settle
from bridge.services import services
from bridge.tables.base import Column, TableModel
from bridge.writes.rows import WritableModel

_FIELD_SEPARATORS = re.compile(r"[\s,]+")


def model_of(request: Request, schema: ResourceSchema) -> WritableModel:
    """The resource's model (every REST resource is written as well as read)."""
    model = services(request).models[schema.resource]
    if not isinstance(model, WritableModel):
        raise TypeError(f"{schema.resource} is not a writable model")
    return model


def invalid_id(schema: ResourceSchema) -> BridgeError:
    return BridgeError(f"rest_{schema.entity}_invalid_id", f"Invalid {schema.entity} ID.", 404)


# ---- scoped reads ---------------------------------------------------------------------------


async def shown_columns(request: Request, model: TableModel) -> list[Column]:
    """The columns of an item body, per-row counts narrowed to the caller's scope of the counted
    table (``pipeline.scoped_columns``): a customer's ``branch_count`` is what ``/branches`` shows."""
    svc = services(request)
    columns = await scoped_columns(svc.hooks, svc.models, model, request)
    return [c for c in columns.values() if not c.internal]


async def fetch_visible(request: Request, model: TableModel, row_id: int) -> dict[str, Any] | None:
    """The row with ``row_id`` if the caller may see it (pipeline + access scope), else None."""
    if row_id < 1:
        return None
    svc = services(request)
    where = await where_for(svc.hooks, model, request)
    columns = await shown_columns(request, model)
    shared = SHARED.get()  # inside an atomic batch: read what the batch wrote so far
    reader = shared.ex if shared is not None else svc.db
    row = await reader.fetch_one(model.select_query(columns).where(combine([*where, model.id_field == row_id])))
    if row is None and model.resource == "employees" and svc.hooks.has_filter(CAN_VIEW_EMPLOYEE):
        return await employee_granted(request, model, columns, row_id)
    return row


async def employee_granted(
    request: Request, model: TableModel, columns: list[Column], row_id: int
) -> dict[str, Any] | None:
    """An employee the rules refuse, when ``wp_customer_can_view_customer_employee`` (False,
    employee, customer, user_id) grants it: only an employee of a customer the caller may see
    (what they may otherwise reach), as the plugin's validator asks it last."""
    svc = services(request)
    principal = authenticated(request)
    customers = svc.access.customer_subquery(principal)
    if customers is None:
        return None
    where: list[Criterion] = [model.id_field == row_id]
    if not isinstance(customers, EmptyCriterion):
        where.append(model.table.customer_id.isin(customers))
    row = await svc.db.fetch_one(model.select_query(columns).where(combine(where)))
    if row is None:
        return None
    customer = {"id": row.get("customer_id"), "name": row.get("customer_name")}
    return (
        row if await granted_by_filter(svc.hooks, CAN_VIEW_EMPLOYEE, dict(row), customer, principal.user_id) else None
    )


async def visible_or_404(request: Request, schema: ResourceSchema, row_id: int) -> dict[str, Any]:
    """A row outside the caller's scope is answered exactly like a missing one (404)."""
    row = await fetch_visible(request, model_of(request, schema), row_id)
    if row is None:
        raise invalid_id(schema)
    return row


# ---- bodies ---------------------------------------------------------------------------------


def base_url(request: Request) -> str:
    """``BRIDGE_PUBLIC_URL`` or the listening address: a forged Host header never reaches a link."""
    return services(request).settings.base_url


def item_url(request: Request, schema: ResourceSchema, row_id: int) -> str:
    return f"{base_url(request)}{API_PREFIX}/{schema.resource}/{row_id}"


class Presenter:
    """What every item of one answer shares (its model, the caller, the access rules, the hooks,
    the link bases), looked up once for a page instead of once per row."""

    __slots__ = ("access", "collection", "hooks", "model", "principal", "resource", "schema", "settings")

    def __init__(self, request: Request, schema: ResourceSchema) -> None:
        svc = services(request)
        self.schema, self.resource = schema, schema.resource
        self.model = model_of(request, schema)
        self.principal = authenticated(request)
        self.access, self.hooks, self.settings = svc.access, svc.hooks, svc.settings
        self.collection = f"{svc.settings.base_url}{API_PREFIX}/{schema.resource}"  # item_url's prefix

    def present(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The item body: JSON-typed columns, joined names (null when absent), permissions, links."""
        body = self.model.shape(raw)
        for key in self.schema.item_keys:
            body.setdefault(key, None)
        body["permissions"] = self.access.permissions(self.resource, self.principal, body)
        body["_links"] = {
            "self": [{"href": f"{self.collection}/{body['id']}"}],
            "collection": [{"href": self.collection}],
            **links_under(self.settings, self.resource, body),  # embeddable (bridge/links.py)
        }
        return body

    async def presented(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """:meth:`present`, with the plugin's permission filters for what the rules refuse
        (``bridge/row_permissions.py``), as DataTables rows get them."""
        body = self.present(raw)
        body["permissions"] = await settle(self.hooks, self.resource, self.principal, raw, body["permissions"])
        return body


def present(request: Request, schema: ResourceSchema, raw: Mapping[str, Any]) -> dict[str, Any]:
    """One item's body (:meth:`Presenter.present`)."""
    return Presenter(request, schema).present(raw)


async def presented(request: Request, schema: ResourceSchema, raw: Mapping[str, Any]) -> dict[str, Any]:
    """One item's body with the plugin's permission filters (:meth:`Presenter.presented`)."""
    return await Presenter(request, schema).presented(raw)


def requested_fields(request: Request, exact: bool = False) -> list[list[str]] | None:
    """``_fields=a,b.c`` as paths; None (all fields) when absent or when it names nothing
    (``_fields=``, ``_fields=,``), as WordPress's ``wp_parse_list`` (``[\\s,]+``) leaves it.
    Unless ``exact``, ``_embedded`` keeps ``_links`` until the embedding is done (bridge/conventions.py)."""
    values = [v for k, v in request.get_query_args(keep_blank_values=True) if k in ("_fields", "_fields[]")]
    names = [n for v in values for n in _FIELD_SEPARATORS.split(v) if n]
    paths = [n.split(".") for n in names]
    if not exact and any(p[0] == "_embedded" for p in paths):
        paths.append(["_links"])
    return paths or None


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


async def written_item(
    request: Request, schema: ResourceSchema, row_id: int, fallback: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], str]:
    """The body and ETag of a row just written, read back through the scope like any read.

    If the write took the row out of the caller's scope, the body is built from ``fallback``
    (the caller's own write, already known to them) instead of a second, unscoped read.
    """
    model = model_of(request, schema)
    raw = await fetch_visible(request, model, row_id)
    if raw is None:
        raw = dict(fallback or {"id": row_id})
    return await presented(request, schema, raw), model.etag(raw)


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
