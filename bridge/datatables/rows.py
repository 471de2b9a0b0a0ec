"""One row of a DataTables answer, in the plugin's shape.

The plan's output columns cast to their kinds, ``DT_RowId``/``DT_RowData``, the caller's
``permissions`` on the row (bridge/access.py), then ``wpapp_datatable_{t}_row_data``
(row, raw, model, request).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bridge.datatables.plan import QueryPlan
from bridge.principal import Principal
from bridge.tables.base import TableModel, cast

if TYPE_CHECKING:
    from sanic import Request

    from bridge.services import Services


async def shape_row(
    svc: Services, model: TableModel, request: Request, principal: Principal, plan: QueryPlan, raw: dict[str, Any]
) -> dict[str, Any]:
    """``raw`` (a row of the page statement) as the plugin's DataTables row."""
    ident = int(raw["__id"])
    raw.setdefault("id", ident)
    row: dict[str, Any] = {name: cast(plan.columns[name].kind, raw.get(name)) for name in plan.output}
    row["DT_RowId"] = f"{model.entity}-{ident}"
    row["DT_RowData"] = {"id": ident, "entity": model.entity}
    row["permissions"] = svc.access.permissions(model.resource, principal, raw)
    return await svc.hooks.apply_filters(f"wpapp_datatable_{model.hook_base}_row_data", row, raw, model, request)
