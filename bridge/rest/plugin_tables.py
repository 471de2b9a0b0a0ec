"""REST reads of the tables plugins register (``registry.add_table``: the agencies of
``hooks/agency.py``): ``GET /{resource}`` and ``GET /{resource}/{id}``, with the collection
conventions of the core resources (page, per_page, offset, search, orderby, order, ``_fields``,
the sync filters, ``X-WP-Total``/``X-WP-TotalPages``/``Link``) and the same scope as the table's
DataTable: every read goes through its ``wpapp_datatable_{t}_where`` pipeline, access filter
included, and each row's ``permissions`` through ``wpapp_datatable_{t}_permissions``.

Plugins register their tables when the services are built, after the routes exist, so the
routes take the resource as a path parameter and answer ``rest_no_route`` for a name no plugin
registered. A plugin table's schema is derived from its model's columns (``plugin_schema``), so
the generated documents describe it like any other resource. Plugins supply no writes today;
the routes are read-only.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.access import SCOPED_RESOURCES
from bridge.context import authenticated
from bridge.errors import BridgeError
from bridge.namespace import API_PREFIX
from bridge.resources.schema import SYNC_FILTERS, FieldSpec, Format, ResourceSchema, read_only
from bridge.rest.collection import collection_response, list_rows, planned_list
from bridge.rest.items import base_url, fetch_visible, item_response
from bridge.services import require_login, services
from bridge.statement_count import counted
from bridge.tables.base import ColumnKind, TableModel

bp = Blueprint("rest_plugin_tables", url_prefix=API_PREFIX)

_TYPES: dict[ColumnKind, tuple[Any, Format | None]] = {
    "int": ("integer", None),
    "bool": ("boolean", None),
    "float": ("number", None),
    "datetime": ("string", "date-time"),
    "str": ("string", None),
}
_SCHEMAS: dict[int, ResourceSchema] = {}


def plugin_schema(model: TableModel) -> ResourceSchema:
    """The read-only schema of a plugin's table: its shown columns, its orderable ones, and the
    sync filters its layout has (``include``/``exclude`` always, dates when it keeps them)."""
    schema = _SCHEMAS.get(id(model))
    if schema is None:
        shown = [c for c in model.columns.values() if not c.internal]
        fields: list[FieldSpec] = [read_only(c.name, *_TYPES[c.kind]) for c in shown]
        fields += [read_only("permissions", "object"), read_only("_links", "object")]
        filters = tuple(f for f in SYNC_FILTERS if f.kind == "ids" or model.has(f.column))
        schema = ResourceSchema(
            resource=model.resource,
            entity=model.entity,
            table=model.table_key,
            fields=tuple(fields),
            orderby=tuple(c.name for c in shown if c.orderable),
            filters=filters,
            item_keys=(),
        )
        _SCHEMAS[id(model)] = schema
    return schema


def plugin_model(request: Request, resource: str) -> TableModel:
    """The plugin table served as ``resource``; ``rest_no_route`` for any other name."""
    model = services(request).models.get(resource)
    if model is None or resource in SCOPED_RESOURCES:
        raise BridgeError("rest_no_route", "No route was found matching the URL and request method.", 404)
    return model


async def present(request: Request, model: TableModel, raw: dict[str, Any]) -> dict[str, Any]:
    """The item: its columns, its permissions as the table's DataTable gives them, its links."""
    svc, principal = services(request), authenticated(request)
    body: dict[str, Any] = model.shape(raw)
    permissions = svc.access.permissions(model.resource, principal, body)
    name = f"wpapp_datatable_{model.hook_base}_permissions"
    granted = await svc.hooks.apply_filters(name, dict(permissions), raw, principal, model, request)
    body["permissions"] = {key: bool(value) for key, value in dict(granted).items()}
    collection = f"{base_url(request)}{API_PREFIX}/{model.resource}"
    body["_links"] = {"self": [{"href": f"{collection}/{body.get('id')}"}], "collection": [{"href": collection}]}
    return body


@bp.get("/<resource:slug>")
@counted
async def list_plugin_rows(request: Request, resource: str) -> HTTPResponse:
    """The rows of a plugin's table the caller may see, as its DataTable scopes them."""
    model = plugin_model(request, resource)  # an unknown route is 404 for everyone, as in WordPress
    await require_login(request)
    schema = plugin_schema(model)
    params, plan = await planned_list(request, schema, model)
    rows, total = await list_rows(request, schema, model, params, plan)
    items = [await present(request, model, row) for row in rows]
    return collection_response(request, items, total, params)


@bp.get("/<resource:slug>/<row_id:id>")
@counted
async def get_plugin_row(request: Request, resource: str, row_id: int) -> HTTPResponse:
    """One row of a plugin's table; 404 when it is missing or outside the caller's scope."""
    model = plugin_model(request, resource)
    await require_login(request)
    raw = await fetch_visible(request, model, row_id)
    if raw is None:
        raise BridgeError(f"rest_{model.entity}_invalid_id", f"Invalid {model.entity} ID.", 404)
    return item_response(request, await present(request, model, raw))
