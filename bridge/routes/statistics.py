"""Statistics routes: customer totals, any table's total/active/inactive, and entity tabs.

``GET /statistics/customers[?customer_id=]`` → ``{total_customers, total_branches, total_employees}``;
``GET /statistics/agencies`` (or any other table with an access filter, e.g. a plugin's) →
``{total, active, inactive}``; ``GET /tabs/agency/{id}/statistics`` → the agency info tab's
``{customer_count, branch_count, has_customers, has_branches}``, with ``?shape=plugin`` (the
browser's fast path) also ``html``: the shim's "Statistik Customer" block for those numbers. All in
the caller's scope; 401 when logged out, 403 for a user who may see nothing.
"""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge import statistics
from bridge.agency_tab_block import agency_statistics_html
from bridge.errors import BridgeError, invalid_params
from bridge.namespace import API_PREFIX
from bridge.params import path_integer_or_400
from bridge.responses import json_response
from bridge.services import require_login, services
from bridge.statement_count import counted

bp = Blueprint("statistics", url_prefix=API_PREFIX)


@bp.get("/statistics/customers")
@counted
async def customer_statistics(request: Request) -> HTTPResponse:
    """Customers, branches and employees the caller may see (of one customer with ``customer_id``)."""
    principal = await require_login(request)
    customer_id = statistics.optional_id(request, "customer_id")
    return json_response(await statistics.customer_statistics(services(request), request, principal, customer_id))


@bp.get("/statistics/<resource>")
@counted
async def table_statistics(request: Request, resource: str) -> HTTPResponse:
    """``{total, active, inactive}`` of a table (agencies, a plugin's table…) in the caller's scope."""
    svc = services(request)
    model = svc.models.get(resource)
    if model is None:
        known = sorted(svc.models)
        raise BridgeError("rest_no_route", f"No table named that; known tables: {', '.join(known)}.", 404, tables=known)
    principal = await require_login(request)
    return json_response(await statistics.table_statistics(svc, request, principal, model))


@bp.get("/tabs/<entity>/<entity_id>/statistics")
@counted
async def tab_statistics(request: Request, entity: str, entity_id: str) -> HTTPResponse:
    """The numbers a plugin shows on an entity's tab (hooks/agency.py: the agency info tab)."""
    ident = path_integer_or_400(entity_id, "id", low=1)
    plugin_shape = _plugin_shape(request, entity)
    await require_login(request)
    numbers = await statistics.tab_statistics(services(request).hooks, request, entity, ident)
    if plugin_shape:
        html = agency_statistics_html(_count(numbers, "customer_count"), _count(numbers, "branch_count"))
        return json_response({**numbers, "html": html})
    return json_response(numbers)


def _count(numbers: statistics.TabNumbers, key: str) -> int:
    """A number as the shim's ``(int)`` cast reads it: the whole part of a number, 0 for anything
    else (the Python filters of ``wp_customer_agency_statistics_data`` may leave other values)."""
    value = numbers.get(key)
    return int(value) if isinstance(value, int | float) and value == value and abs(value) < 2**63 else 0


def _plugin_shape(request: Request, entity: str) -> bool:
    """Whether ``shape=plugin`` asks for the agency block too; another shape or entity is a 400."""
    shape = request.args.get("shape")
    if shape is None:
        return False
    if shape != "plugin" or entity != "agency":
        raise invalid_params(
            {"shape": "shape=plugin (the shim's block) is for the agency tab only; otherwise leave it out."}
        )
    return True
