"""``GET /deleted?entity=customer|branch|employee&after=<cursor>``: the feed of deletions, read
from the outbox, so that a sync client mirrors its scope with two calls a round (the changes
through ``modified_after``, the deletions here).

Every deleted action records the row's scope columns as they were (``bridge/events.py``
``scope``: its customer, branch, agency, region, division, inspector, the customer's owner and
the row's own user). The caller's scope rules (``bridge/access.py``) run in SQL over those
recorded columns, so the feed lists only rows the caller could see when they went; the owner
and the row's own user keep seeing a deletion that ended their relation with it. A branch's
and a customer's deletion take their employees with them (the plugin fires no employee action
then): the employee feed lists those from the ids the branch and customer actions recorded.

The cursor is the outbox row id: ``after`` is the ``next`` of the previous page (0 at first).
A soft delete (``status='inactive'``) is listed too, with ``hard: false``.
"""

from __future__ import annotations

import json
from typing import Any, cast

from pypika import Table
from pypika.terms import Criterion, EmptyCriterion
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.errors import BridgeError, invalid_params
from bridge.namespace import API_PREFIX
from bridge.params import MAX_INT, ParamError, integer
from bridge.responses import format_datetime, json_response
from bridge.services import require_login, services
from bridge.statement_count import counted
from bridge.statements import bind

bp = Blueprint("rest_deleted", url_prefix=API_PREFIX)

RESOURCE = {"customer": "customers", "branch": "branches", "employee": "employees"}
# the deleted actions whose rows an entity's feed reads: its own, and the cascades that take it along
ACTIONS = {
    "customer": ("wp_customer_deleted",),
    "branch": ("wp_customer_branch_deleted",),
    "employee": ("wp_customer_employee_deleted", "wp_customer_branch_deleted", "wp_customer_deleted"),
}
SCOPE = ("customer_id", "branch_id", "agency_id", "regency_id", "division_id", "inspector_id", "owner", "user")
DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def feed_statement(entity: str, where: str, values: dict[str, Any], outbox: str) -> tuple[str, dict[str, Any]]:
    """The outbox rows of ``entity``'s deletions after the cursor whose recorded scope passes
    ``where`` (rendered over the derived table ``d``); every value bound."""
    columns = ", ".join(
        f"CAST(JSON_VALUE(o.payload, '$.scope.{name}') AS SIGNED) AS `{name}`" for name in SCOPE
    )  # names from the constant list above
    actions = {f"action_{i}": action for i, action in enumerate(ACTIONS[entity])}
    inner = (
        f"SELECT o.id AS `seq`, o.entity, o.entity_id AS id, o.created_at AS deleted_at, "
        f"JSON_VALUE(o.payload, '$.args[2]') AS hard, JSON_QUERY(o.payload, '$.scope.employee_ids') AS employee_ids, "
        f"{columns} FROM `{outbox}` o "
        f"WHERE o.action IN ({', '.join(f'%({k})s' for k in actions)}) AND o.id > %(after)s"
    )
    sql = f"SELECT d.* FROM ({inner}) d WHERE {where} ORDER BY d.`seq` LIMIT %(limit)s"
    return sql, {**values, **actions}


def parse_feed(request: Request) -> tuple[str, int, int]:
    """``entity`` (required), ``after`` (a cursor, 0 at first) and ``per_page``; one 400 naming each bad one."""
    problems: dict[str, str] = {}
    entity = request.args.get("entity", "")
    if entity not in RESOURCE:
        problems["entity"] = f"entity is not one of {', '.join(RESOURCE)}."
    after = limit = 0
    try:
        after = integer(request.args.get("after"), "after", low=0, high=MAX_INT, default=0) or 0
    except ParamError as exc:
        problems["after"] = exc.message
    try:
        limit = integer(request.args.get("per_page"), "per_page", low=1, high=MAX_LIMIT, default=DEFAULT_LIMIT) or 0
    except ParamError as exc:
        problems["per_page"] = exc.message
    if problems:
        raise invalid_params(problems)
    return entity, after, limit


def items_of(entity: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One item per deleted row: the row itself, or for employees also those its cascade took."""
    items: list[dict[str, Any]] = []
    seen: set[int] = set()
    for row in rows:
        hard = str(row.get("hard")).lower() in ("true", "1")
        when = format_datetime(row["deleted_at"])
        ids = [int(row["id"])] if row["entity"] == entity else json.loads(row["employee_ids"] or "[]")
        for row_id in ids:
            if int(row_id) not in seen:
                seen.add(int(row_id))
                items.append({"id": int(row_id), "deleted_at": when, "hard": hard, "cursor": int(row["seq"])})
    return items


@bp.get("/deleted")
@counted
async def deleted(request: Request) -> HTTPResponse:
    """The rows of ``entity`` deleted after the cursor ``after`` that the caller could see then:
    ``{"items": [{id, deleted_at, hard, cursor}], "next": <cursor>}``."""
    principal = await require_login(request)
    entity, after, limit = parse_feed(request)
    svc = services(request)
    if not svc.schema.has_table("outbox"):
        raise BridgeError("wpbridge_outbox_missing", "The bridge's outbox table does not exist.", 503)
    d = Table("d")
    scope = svc.access.scope(RESOURCE[entity], principal, d)
    bound = None
    if not isinstance(scope, EmptyCriterion):  # everything visible: no WHERE at all
        visible = Criterion.any([scope, d.owner == principal.user_id, d.user == principal.user_id])
        bound = bind([cast(Criterion, visible)], "s")  # pypika types it as a Term
    where, values = (bound.sql, bound.values) if bound is not None else ("1=1", {})
    sql, params = feed_statement(entity, where, {**values, "after": after, "limit": limit}, svc.names.outbox)
    rows = await svc.db.fetch_all(sql, params)
    items = items_of(entity, rows)
    cursor = int(rows[-1]["seq"]) if rows else after
    return json_response({"items": items, "next": cursor})
