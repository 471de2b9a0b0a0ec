"""``GET``/``POST /wp-json/wp-customer/v1/datatables/<table>/export?format=csv|xlsx``.

Takes the parameters of the table's DataTables request (search, column searches, SearchPanes,
SearchBuilder, ColumnControl, order, columns; ``draw``, ``start`` and ``length`` are ignored)
and streams every row the caller may see that they select, in that order, a keyset chunk at a
time (bridge/export/keyset.py), so memory stays flat. Up to ``BRIDGE_EXPORT_MAX_ROWS`` rows:
the count is checked before the first byte, so a refused export is a clear 400, not a cut
file. Columns are the ones the client listed that name a column of the table, labelled by
their ``name`` (else ``data``). WordPress's ``wp_customer_enable_export`` filter (true, table,
principal) may refuse an export per table and user. Errors are WordPress error bodies: this is
a file download, not a DataTables draw.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.datatables.plan import QueryPlan, build_plan
from bridge.datatables.protocol import DataTableError, parse_request, request_params
from bridge.datatables.statement import compiled_total
from bridge.errors import BridgeError, invalid_params
from bridge.export import keyset
from bridge.export.formats import FORMATS, MEDIA_TYPES, CsvFile, Format, XlsxFile
from bridge.namespace import API_PREFIX
from bridge.services import Services, require_login, services
from bridge.statements import bind
from bridge.tables.base import TableModel, cast

bp = Blueprint("export", url_prefix=API_PREFIX)


def _format(request: Request, params: dict[str, object]) -> Format:
    value = request.args.get("format") or params.get("format") or "csv"
    if value not in FORMATS:
        raise invalid_params({"format": "format must be csv or xlsx."})
    return value


def _columns(plan: QueryPlan, params_columns: list[tuple[str | None, str]]) -> list[tuple[str, str]]:
    """(column, label) for each listed column that names a public column of the table."""
    chosen = [(data, label) for data, label in params_columns if data and data in plan.columns]
    chosen = [(d, lbl) for d, lbl in chosen if not plan.columns[d].internal]
    return chosen or [(name, name) for name in plan.output]


async def _count(svc: Services, model: TableModel, plan: QueryPlan) -> int:
    """How many rows the export would stream (scope, search and filters together)."""
    whole = replace(plan, where=[*plan.where, *plan.search], search=[])
    sql, params = compiled_total(model, whole, bind(whole.where, "x"))
    return int(await svc.db.fetch_val(sql, params or None) or 0)


async def export(request: Request, table: str) -> HTTPResponse | None:
    """The whole filtered set of ``table`` as a CSV or XLSX download."""
    svc = services(request)
    model = svc.models.get(table)
    if model is None:
        raise BridgeError("rest_no_route", "No DataTable named that.", 404, tables=sorted(svc.models))
    principal = await require_login(request)
    try:
        params = dict(request_params(request))
        fmt = _format(request, params)
        params.update(draw="0", start="0", length="-1")
        dt = parse_request(params, svc.settings.datatables_max_rows)
        plan = await build_plan(svc, model, request, dt)
    except DataTableError as exc:
        raise BridgeError("rest_invalid_param", str(exc), 400) from None
    if not await svc.hooks.apply_filters("wp_customer_enable_export", True, model.resource, principal):
        raise BridgeError("wpbridge_export_refused", "Sorry, you are not allowed to export this table.", 403)
    rows = await _count(svc, model, plan)
    limit = svc.settings.export_max_rows
    if rows > limit:
        raise BridgeError(
            "wpbridge_export_too_large",
            f"The export would hold {rows} rows, more than the {limit} this bridge exports at once "
            "(BRIDGE_EXPORT_MAX_ROWS); narrow the search first.",
            400,
            rows=rows,
            max_rows=limit,
        )
    columns = _columns(plan, [(c.data, c.name or c.data or "") for c in dt.columns])
    name = f"{model.resource}-{datetime.now(UTC):%Y-%m-%d}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    response = await request.respond(content_type=MEDIA_TYPES[fmt], headers=headers)
    kinds = [plan.columns[c].kind for c, _ in columns]

    def values(raw_rows: list[dict[str, object]]) -> list[list[object]]:
        return [[cast(k, raw.get(c)) for k, (c, _) in zip(kinds, columns, strict=True)] for raw in raw_rows]

    labels = [label for _, label in columns]
    if fmt == "csv":
        out = CsvFile()
        await response.send(out.head(labels))
        async for chunk in keyset.chunks(svc, model, plan):
            await response.send(out.lines(values(chunk)))
    else:
        book = XlsxFile(labels, sheet=model.resource)
        try:
            async for chunk in keyset.chunks(svc, model, plan):
                await asyncio.to_thread(book.add_all, values(chunk))
            await asyncio.to_thread(book.close)
            while data := await asyncio.to_thread(book.read):
                await response.send(data)
        finally:
            book.discard()
    await response.eof()
    return None


# By call, as bridge/routes/datatables.py does (sanic types route()'s decorator as untyped); POST reads.
bp.add_route(export, "/datatables/<table>/export", methods=["GET", "POST"], ctx_read_only=True)
