"""``GET``/``POST /wp-json/wp-customer/v1/datatables/<table>``: the DataTables server-side protocol.

Every table model the app knows is served, plugin tables included (``services.models``).
Protocol problems, refused logins (bad credentials or signature, throttled), logged-out
visitors, users who may see nothing and database outages get HTTP 200 with an ``error`` (what
a DataTables client displays; an outage anywhere in the request is answered by the app's error
handler, for this route marked ``ctx_inband_errors``); an unknown table is a 404 naming the known
ones.

``?shape=plugin`` answers the customers, branches and employees tables in the WP Customer
plugin's own row shape (``bridge/plugin_rows.py``): what its screens' JavaScript reads, whether it
asks the bridge directly (the browser fast path) or through the shim's admin-ajax handlers; and the
agencies table as WP Agency 1.0.7's ``get_agencies_datatable`` answers it (``bridge/agency_rows.py``,
the browser fast path only: WP Agency's own handler answers admin-ajax). For
the signed shim that announced PHP permission callbacks, that answer also carries
``wp_bridge_ask``: the rows whose buttons those callbacks decide (``bridge/row_permissions.py``).
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge import agency_rows
from bridge.datatables import engine, memo
from bridge.datatables.protocol import DataTableError, draw_of, error_body, parse_request, request_params
from bridge.errors import BridgeError
from bridge.namespace import API_PREFIX
from bridge.plugin_rows import RENDERERS, plugin_body
from bridge.principal import Principal
from bridge.responses import json_response
from bridge.row_permissions import ASK_KEY, Ask, wire_asks
from bridge.services import caller, services
from bridge.statement_count import counted

bp = Blueprint("datatables", url_prefix=API_PREFIX)
AGENCIES = "agencies"  # WP Agency's list: its own shape (bridge/agency_rows.py)


@counted
async def datatable(request: Request, table: str) -> HTTPResponse:
    """One page of ``table`` for the caller: ``{draw, recordsTotal, recordsFiltered, data}``."""
    svc = services(request)
    model = svc.models.get(table)
    if model is None:
        known = sorted(svc.models)
        raise BridgeError(
            "rest_no_route", f"No DataTable named that; known tables: {', '.join(known)}.", 404, tables=known
        )
    params: dict[str, Any] = {}
    max_rows = svc.settings.datatables_max_rows
    key = memo.repeated(request)
    seen = memo.parsed(table, max_rows, key) if key is not None else None
    try:
        if seen is not None:
            dt, plugin_shape = seen
        else:
            params = request_params(request)
            plugin_shape = _plugin_shape(params, table)
            if plugin_shape and table == AGENCIES:
                return json_response(await agency_rows.answer(svc, request, model, params, await _principal(request)))
            dt = parse_request(params, max_rows)
            if key is not None:
                memo.keep_parsed(table, max_rows, key, dt, plugin_shape)
        principal = await _principal(request)
        asks: list[Ask] | None = [] if plugin_shape and principal.php.hooked else None
        body = await engine.run(svc, model, request, dt, principal, asks, key)
    except DataTableError as exc:
        return json_response(error_body(seen[0].draw if seen is not None else draw_of(params), str(exc)))
    if not plugin_shape:
        return json_response(body)
    wired = await wire_asks(svc.db, svc.names, principal, asks, body.get("data", []), RENDERERS[table]) if asks else []
    shaped = plugin_body(table, body)
    if wired:
        shaped[ASK_KEY] = wired
    return json_response(shaped)


def _plugin_shape(params: dict[str, Any], table: str) -> bool:
    """Whether ``shape=plugin`` asks for the plugin's rows; any other shape, or a table the plugin
    does not draw, is refused in-band."""
    shape = params.pop("shape", None)
    if shape is None:
        return False
    if shape != "plugin":
        raise DataTableError("shape must be plugin (the WP Customer plugin's rows) or absent.")
    if table not in RENDERERS and table != AGENCIES:
        raise DataTableError(f"shape=plugin is for the tables {', '.join(sorted([*RENDERERS, AGENCIES]))} only.")
    return True


# Registered by call, not ``@bp.route``: sanic types route()'s decorator result as an untyped callable.
bp.add_route(
    datatable, "/datatables/<table>", methods=["GET", "POST"], ctx_read_only=True, ctx_inband_errors=True
)  # POST reads: no Origin check


async def _principal(request: Request) -> Principal:
    """The caller; a refused login (401, 429) becomes the in-band error DataTables can show."""
    try:
        return await caller(request)
    except BridgeError as exc:
        raise DataTableError(exc.message) from None
