"""One row of a DataTables answer, in the plugin's shape.

The plan's output columns cast to their kinds, ``DT_RowId``/``DT_RowData``, the caller's
``permissions`` on the row (bridge/access.py, with the plugin's permission filters for what the
rules refuse: bridge/row_permissions.py), then ``wpapp_datatable_{t}_row_data`` (row, raw, model,
request).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bridge.datatables.plan import QueryPlan
from bridge.principal import Principal
from bridge.row_permissions import Ask, settle
from bridge.tables.base import TableModel, cast

if TYPE_CHECKING:
    from sanic import Request

    from bridge.services import Services


async def shape_row(
    svc: Services,
    model: TableModel,
    request: Request,
    principal: Principal,
    plan: QueryPlan,
    raw: dict[str, Any],
    asks: list[Ask] | None = None,
) -> dict[str, Any]:
    """``raw`` (a row of the page statement) as the plugin's DataTables row; ``asks`` collects the
    rows to put to the PHP permission callbacks the signed shim announced."""
    ident = int(raw["__id"])
    raw.setdefault("id", ident)
    row: dict[str, Any] = {name: cast(plan.columns[name].kind, raw.get(name)) for name in plan.output}
    row["DT_RowId"] = f"{model.entity}-{ident}"
    row["DT_RowData"] = {"id": ident, "entity": model.entity}
    permissions = svc.access.permissions(model.resource, principal, raw)
    row["permissions"] = await settle(svc.hooks, model.resource, principal, raw, permissions, asks)
    if not svc.hooks.has_filter(f"wpapp_datatable_{model.hook_base}_row_data"):
        return row  # apply_filters' answer, without a coroutine per row
    return await svc.hooks.apply_filters(f"wpapp_datatable_{model.hook_base}_row_data", row, raw, model, request)
