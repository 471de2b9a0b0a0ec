"""Statistics routes: customer totals, any table's total/active/inactive, and entity tabs.

``GET /statistics/customers[?customer_id=]`` → ``{total_customers, total_branches, total_employees}``;
``GET /statistics/agencies`` (or any other table with an access filter, e.g. a plugin's) →
``{total, active, inactive}``; ``GET /tabs/agency/{id}/statistics`` → the agency info tab's
``{customer_count, branch_count, has_customers, has_branches}``. All in the caller's scope;
401 when logged out, 403 for a user who may see nothing.
"""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge import statistics
from bridge.errors import BridgeError
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
    await require_login(request)
    return json_response(await statistics.tab_statistics(services(request).hooks, request, entity, ident))
