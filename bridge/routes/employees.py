"""``/employees``: WordPress REST collection and item routes over the plugin's employees table.

Writes follow CustomerEmployeeController/Model: the WordPress user must exist
(the bridge never creates one), the branch must belong to the employee's customer, email is
unique, at least one department is chosen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.access import CAN_CREATE_EMPLOYEE, granted_by_filter
from bridge.db import Executor
from bridge.errors import forbidden, invalid_params
from bridge.events import Events
from bridge.namespace import API_PREFIX
from bridge.principal import Principal
from bridge.rest import (
    Filter,
    Resource,
    add_read_routes,
    check_if_match,
    check_users,
    created_response,
    fetch_visible,
    item_response,
    transact,
    writable,
    written_item,
)
from bridge.services import Services, require_login, services
from bridge.tables.writes import hard_delete_enabled, wp_user
from bridge.validation import (
    DEPARTMENTS,
    EMPLOYEE_FIELDS,
    EMPLOYEE_READ_ONLY,
    MSG,
    STATUSES,
    Problems,
    conflict,
    departments_chosen,
    employee_rules,
    read_body,
    read_fields,
)

bp = Blueprint("rest_employees", url_prefix=API_PREFIX)

SPEC = Resource(
    resource="employees",
    entity="employee",
    orderby=tuple("id name position email status branch_name customer_name created_at updated_at".split()),
    filters=(Filter("customer_id"), Filter("branch_id"), Filter("status", "enum", STATUSES)),
    item_keys=("customer_name", "branch_name"),
)
add_read_routes(bp, SPEC)

AUTO_NOTE = "Auto-created from branch"


async def ensure_admin_employee(
    ex: Executor,
    events: Events,
    svc: Services,
    branch: Mapping[str, Any],
    user_id: int,
    owner_id: int | None,
    caller: int,
) -> None:
    """AutoEntityCreator::handleBranchCreated: the branch admin becomes an employee of the branch.

    Skipped when that row exists already, or when the user's email (or, in the documented
    layout, the user) is already taken by another employee row: the unique key would refuse it.
    """
    model = svc.models["employees"]
    customer_id, branch_id = int(branch["customer_id"]), int(branch["id"])
    if await model.has_row(ex, customer_id, branch_id, user_id) or await model.user_taken(ex, user_id):
        return
    user = await wp_user(ex, svc.names, user_id)
    email = (user or {}).get("user_email") or ""
    if user is None or (model.has("email") and (not email or await model.email_taken(ex, email))):
        return
    row = model.row_for(
        {
            "customer_id": customer_id,
            "branch_id": branch_id,
            "user_id": user_id,
            "name": (user["display_name"] or user["user_login"])[:100],
            "position": "Admin" if owner_id == user_id else "Branch Manager",
            **{d: True for d in DEPARTMENTS},
            "keterangan": AUTO_NOTE,
            "email": email[:100],
            "phone": "-",
            "status": "active",
        }
    )
    row.update(model.creation_columns(caller))
    employee_id = await model.insert(ex, row)
    events.add("wp_customer_employee_created", "employee", employee_id, employee_id, row)


async def _check_branch(
    request: Request, customer_id: int | None, branch_id: int | None, problems: Problems
) -> dict[str, Any] | None:
    """The branch exists for the caller and belongs to the employee's customer (the plugin never checked)."""
    if branch_id is None:
        return None
    branch = await fetch_visible(request, services(request).models["branches"], branch_id)
    if branch is None:
        problems.add("branch_id", MSG["branch_missing"])
    elif customer_id is not None and int(branch["customer_id"]) != int(customer_id):
        problems.add("branch_id", MSG["branch_outside"])
    return branch


async def may_add_employee(svc: Services, principal: Principal, customer_id: int, branch_id: int) -> bool:
    """The plugin's rule for adding an employee there, or its filter when the rule says no."""
    if svc.access.can_create_employee(principal, customer_id, branch_id):
        return True
    return await granted_by_filter(svc.hooks, CAN_CREATE_EMPLOYEE, customer_id, branch_id, principal.user_id)


async def _move_allowed(
    request: Request, principal: Principal, customer_id: int, branch_id: int, problems: Problems
) -> None:
    """Moving an employee adds them to the other branch of the same customer: the caller must
    be allowed to add employees there (stricter than the plugin, which checks nothing)."""
    branch = await _check_branch(request, customer_id, branch_id, problems)
    placed = branch is not None and "branch_id" not in problems
    if placed and not await may_add_employee(services(request), principal, customer_id, branch_id):
        raise forbidden()


async def _unique(ex: Executor, svc: Services, row: Mapping[str, Any], changed: set[str], exclude: int | None) -> None:
    model = svc.models["employees"]
    found: dict[str, str] = {}
    if "email" in changed and row.get("email") and await model.email_taken(ex, row["email"], exclude):
        found["email"] = MSG["email_exists"]
    if "user_id" in changed and await model.user_taken(ex, row["user_id"], exclude):
        found["user_id"] = MSG["user_taken"]
    if found:
        raise conflict("employee", found)


@bp.post("/employees")
async def create_employee(request: Request) -> HTTPResponse:
    """Create an employee row for an existing WordPress user; 201 + Location."""
    principal = await require_login(request)
    svc = services(request)
    model = svc.models["employees"]
    values, problems = read_fields(
        read_body(request), EMPLOYEE_FIELDS, svc.schema, creating=True, read_only=EMPLOYEE_READ_ONLY
    )
    employee_rules(values, problems, creating=True, schema=svc.schema)
    customer_id, branch_id = values.get("customer_id"), values.get("branch_id")
    if customer_id is not None and await fetch_visible(request, svc.models["customers"], customer_id) is None:
        problems.add("customer_id", MSG["customer_missing"])
    branch = await _check_branch(request, customer_id, branch_id, problems)
    placed = branch is not None and "customer_id" not in problems and "branch_id" not in problems
    if placed and not await may_add_employee(svc, principal, customer_id, branch_id):
        raise forbidden()
    await check_users(request, values, problems, "user_id")
    row = {**{d: False for d in DEPARTMENTS}, "status": "active", **model.row_for(values)}
    if not departments_chosen(row, svc.schema):
        problems.add("departments", MSG["department_required"])
    problems.raise_invalid()

    insert = {**model.row_for(row), **model.creation_columns(principal.user_id)}

    async def work(ex: Executor, events: Events) -> int:
        if await svc.models["branches"].lock(ex, branch_id) is None:
            raise conflict("employee", {"branch_id": MSG["branch_missing"]})
        await _unique(ex, svc, insert, set(insert), None)
        employee_id = await model.insert(ex, insert)
        events.add("wp_customer_employee_created", "employee", employee_id, employee_id, insert)
        return employee_id

    employee_id = await transact(request, "employee", work)
    return await created_response(request, SPEC, employee_id)


@bp.route("/employees/<row_id:id>", methods=["PUT", "PATCH", "POST"])
async def update_employee(request: Request, row_id: int) -> HTTPResponse:
    """Update the given fields (PUT and PATCH alike); If-Match guards against lost updates."""
    target = await writable(request, SPEC, row_id, "edit")
    principal, svc, model, current = target.principal, target.svc, target.model, target.current
    values, problems = read_fields(
        read_body(request), EMPLOYEE_FIELDS, svc.schema, creating=False, read_only=EMPLOYEE_READ_ONLY
    )
    employee_rules(values, problems, creating=False, schema=svc.schema)
    moved_to = values.get("branch_id")
    if moved_to is not None and moved_to != current.get("branch_id"):
        await _move_allowed(request, principal, int(current["customer_id"]), moved_to, problems)
    await check_users(request, values, problems, "user_id")
    problems.raise_invalid()
    changes = model.row_for(values)

    async def work(ex: Executor, events: Events) -> dict[str, Any]:
        locked = await model.lock(ex, row_id)
        if locked is None:
            raise SPEC.invalid_id()
        check_if_match(request, model.etag(locked))
        merged = {**locked, **changes}
        if set(DEPARTMENTS) & set(changes) and not departments_chosen(merged, svc.schema):
            raise invalid_params({"departments": MSG["department_required"]})
        changed = {k for k, v in changes.items() if locked.get(k) != v}
        await _unique(ex, svc, merged, changed, row_id)
        if changed:
            await model.update(ex, row_id, {k: changes[k] for k in changed})
            after = model.own_row(await model.lock(ex, row_id) or merged)
            events.add("wp_customer_employee_updated", "employee", row_id, row_id, values, after)
        return merged

    merged = await transact(request, "employee", work)
    body, etag = await written_item(request, SPEC, row_id, merged)
    return item_response(request, body, etag)


@bp.delete("/employees/<row_id:id>")
async def delete_employee(request: Request, row_id: int) -> HTTPResponse:
    """Soft (``status='inactive'``) or hard delete per the plugin's option; ``{deleted, previous}``;
    a soft delete of an employee soft-deleted already is 410."""
    target = await writable(request, SPEC, row_id, "delete")
    svc, model, previous = target.svc, target.model, target.previous

    async def work(ex: Executor, events: Events) -> None:
        locked = await model.lock(ex, row_id)
        if locked is None:
            raise SPEC.invalid_id()
        hard = await hard_delete_enabled(ex, svc.names)
        SPEC.refuse_soft_deleted(locked, hard)
        check_if_match(request, model.etag(locked))
        data = model.own_row(locked)
        events.add("wp_customer_employee_before_delete", "employee", row_id, row_id, data)
        events.add("wp_customer_employee_before_delete_processing", "employee", row_id, row_id, data)
        if hard:
            await model.delete_ids(ex, [row_id])
        else:
            await model.set_status(ex, [row_id], "inactive")
        events.add("wp_customer_employee_deleted", "employee", row_id, row_id, data, hard)
        events.add("wp_customer_employee_cleanup_completed", "employee", row_id, row_id, data, hard)

    await transact(request, "employee", work)
    return item_response(request, {"deleted": True, "previous": previous})
