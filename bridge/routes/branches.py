"""``/branches``: WordPress REST collection and item routes over the plugin's branches table.

Writes follow BranchController/BranchModel: the first branch is the head office
(``pusat``), at most one active ``pusat`` per customer, names unique within the customer, one
branch per regency; agency and division come from the region; a branch admin
becomes an employee of the branch. Branch writes lock the customer row first, so two of them
for one customer cannot both pass the head-office checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.access import CAN_CREATE_BRANCH, granted_by_filter
from bridge.db import Executor
from bridge.errors import forbidden, invalid_params
from bridge.events import Events, insert_data
from bridge.namespace import API_PREFIX
from bridge.rest import (
    Filter,
    Resource,
    add_read_routes,
    check_if_match,
    check_region,
    check_users,
    created_response,
    fetch_visible,
    item_response,
    transact,
    writable,
    written_item,
)
from bridge.routes.employees import ensure_admin_employee
from bridge.services import Services, require_login, services
from bridge.tables.writes import hard_delete_enabled, province, regency
from bridge.validation import (
    BRANCH_FIELDS,
    BRANCH_READ_ONLY,
    BRANCH_TYPES,
    MSG,
    STATUSES,
    Problems,
    branch_rules,
    conflict,
    read_body,
    read_fields,
)

bp = Blueprint("rest_branches", url_prefix=API_PREFIX)

SPEC = Resource(
    resource="branches",
    entity="branch",
    orderby=tuple(
        "id code name type status customer_name admin_name agency_name division_name regency_name "
        "created_at updated_at".split()
    ),
    filters=(
        Filter("customer_id"),
        Filter("type", "enum", BRANCH_TYPES),
        Filter("status", "enum", STATUSES),
        Filter("agency_id"),
    ),
    item_keys=("customer_name", "admin_name", "agency_name", "division_name"),
)
add_read_routes(bp, SPEC)


async def insert_branch(
    ex: Executor, events: Events, svc: Services, row: Mapping[str, Any], customer: Mapping[str, Any], caller: int
) -> int:
    """Insert one branch as BranchModel::create does: a fresh ``{customer code}-NN`` code, an
    inspector from the division, ``created_by`` = caller; then the admin's employee row."""
    model = svc.models["branches"]
    values = {**model.row_for(row), **model.creation_columns(caller)}
    if model.has("code"):
        code = await model.generate_code(ex, str(customer["code"]))
        if code is None:
            raise conflict("branch", {"code": MSG["branch_code_exhausted"]})
        values["code"] = code
    if model.has("inspector_id") and values.get("inspector_id") is None:
        values["inspector_id"] = await model.inspector_for(ex, values.get("division_id"), values.get("agency_id"))
    branch_id = await model.insert(ex, values)
    inserted = model.own_row(await model.lock(ex, branch_id) or {**values, "id": branch_id})
    events.add("wp_customer_branch_created", "branch", branch_id, branch_id, insert_data(inserted))
    admin = inserted.get("user_id") or row.get("user_id")  # the head office's owner, even without the column
    if admin:
        owner = customer.get("user_id")
        await ensure_admin_employee(ex, events, svc, inserted, int(admin), int(owner) if owner else None, caller)
    return branch_id


async def delete_branches(
    ex: Executor, events: Events, svc: Services, branches: list[dict[str, Any]], hard: bool, caller: int
) -> None:
    """BranchModel::delete + BranchCleanupHandler for each branch: the branch and its employees
    (by direct SQL, so no employee actions, as in the plugin), soft or hard."""
    model, employees = svc.models["branches"], svc.models["employees"]
    ids = [int(b["id"]) for b in branches]
    staff = [int(e["id"]) for e in await employees.lock_of(ex, ids)]
    if hard:
        await employees.delete_ids(ex, staff)
        await model.delete_ids(ex, ids)
    else:
        await employees.set_status(ex, staff, "inactive")
        await model.set_status(ex, ids, "inactive")
    for branch in branches:
        branch_id = int(branch["id"])
        data = {k: branch.get(k) for k in ("id", "customer_id", "name", "type", "code", "user_id")}
        events.add("wp_customer_branch_before_delete", "branch", branch_id, branch_id, data)
        events.add("wp_customer_branch_deletion_logged", "branch", branch_id, branch_id, data, caller)
        events.add("wp_customer_branch_deleted", "branch", branch_id, branch_id, data, hard)
        events.add(
            "wp_customer_branch_cleanup_completed", "branch", branch_id, branch_id, branch.get("customer_id"), hard
        )


async def _region_codes(
    request: Request, values: Mapping[str, Any], current: Mapping[str, Any] | None, customer: Mapping[str, Any] | None
) -> tuple[str | None, str | None]:
    """Province and regency codes of the branch after the write. Without region columns (the
    documented layout) a new branch takes its customer's region, which that layout stores as codes."""
    svc = services(request)
    if not svc.models["branches"].has("provinsi_id"):
        return (customer or {}).get("provinsi_code"), (customer or {}).get("regency_code")
    merged = {**(current or {}), **values}
    prov = await province(svc.db, svc.names, merged["provinsi_id"]) if merged.get("provinsi_id") else None
    reg = await regency(svc.db, svc.names, merged["regency_id"]) if merged.get("regency_id") else None
    return (prov or {}).get("code"), (reg or {}).get("code")


async def _check_agency(
    request: Request,
    values: dict[str, Any],
    problems: Problems,
    current: Mapping[str, Any] | None,
    customer: Mapping[str, Any] | None = None,
) -> None:
    """Region, agency and division. Agency and division are taken as given (they must exist and
    belong together) or resolved from the region when a branch is created or its region changes;
    a new branch must end up with both, as the plugin's validator demands."""
    svc = services(request)
    model = svc.models["branches"]
    await check_region(request, values, problems, current)
    if "provinsi_id" in problems or "regency_id" in problems:
        return
    region_changed = "provinsi_id" in values or "regency_id" in values
    if "agency_id" not in values and (current is None or region_changed):
        province_code, regency_code = await _region_codes(request, values, current, customer)
        agency_id, division_id = await model.agency_for_region(svc.db, province_code, regency_code)
        values["agency_id"] = agency_id
        values.setdefault("division_id", division_id)
    if values.get("agency_id") is not None and not await model.agency_exists(svc.db, values["agency_id"]):
        problems.add("agency_id", MSG["agency_missing"])
        return
    agency = values.get("agency_id", (current or {}).get("agency_id"))
    if values.get("division_id") is not None and not await model.division_in_agency(
        svc.db, values["division_id"], agency
    ):
        problems.add("division_id", MSG["division_missing"])
    if "agency_id" in values and values["agency_id"] is None and model.has("agency_id"):
        problems.add("agency_id", MSG["agency_required"])
    elif (
        current is None
        and values.get("division_id") is None
        and model.has("division_id")
        and svc.schema.has_table("divisions")
    ):
        problems.add("division_id", MSG["division_required"])


async def _head_office_rules(
    ex: Executor, svc: Services, customer_id: int, row: Mapping[str, Any], before: Mapping[str, Any] | None
) -> None:
    """The plugin's pusat rules: the first branch is pusat; at most one active pusat; the last
    pusat cannot become cabang. Checked under the customer's row lock."""
    model = svc.models["branches"]
    if not model.has("type"):
        return
    exclude = int(before["id"]) if before else None
    if before is None and row.get("type") != "pusat" and await model.count_of(ex, customer_id) == 0:
        raise invalid_params({"type": MSG["branch_first_pusat"]})
    if before is not None and before.get("type") == "pusat" and row.get("type") == "cabang":
        if not await model.has_active(ex, customer_id, "pusat", exclude):
            raise conflict("branch", {"type": MSG["branch_last_pusat"]})
    becomes_active_pusat = row.get("type") == "pusat" and row.get("status", "active") == "active"
    was_active_pusat = before is not None and before.get("type") == "pusat" and before.get("status") == "active"
    if becomes_active_pusat and not was_active_pusat and await model.has_active(ex, customer_id, "pusat", exclude):
        raise conflict("branch", {"type": MSG["branch_pusat_exists"]})


@bp.post("/branches")
async def create_branch(request: Request) -> HTTPResponse:
    """Create a branch of a customer the caller may see and add branches to; 201 + Location."""
    principal = await require_login(request)
    svc = services(request)
    model = svc.models["branches"]
    values, problems = read_fields(
        read_body(request), BRANCH_FIELDS, svc.schema, creating=True, read_only=BRANCH_READ_ONLY
    )
    branch_rules(values, problems, creating=True, typed=model.has("type"))
    customer_id = values.get("customer_id")
    customer = None
    if customer_id is not None:
        customer = await fetch_visible(request, svc.models["customers"], customer_id)
        if customer is None:
            problems.add("customer_id", MSG["customer_missing"])
        elif not svc.access.can_create_branch(principal, customer_id) and not await granted_by_filter(
            svc.hooks, CAN_CREATE_BRANCH, customer_id, principal.user_id
        ):
            raise forbidden()
    await _check_agency(request, values, problems, None, customer)
    await check_users(request, values, problems, "user_id", "inspector_id")
    problems.raise_invalid()
    row = {"status": "active", **values}

    async def work(ex: Executor, events: Events) -> int:
        customer = await svc.models["customers"].lock(ex, customer_id)
        if customer is None:
            raise conflict("branch", {"customer_id": MSG["customer_missing"]})
        await _head_office_rules(ex, svc, customer_id, row, None)
        duplicates = await model.duplicates(ex, row, set(row))
        if duplicates:
            raise conflict("branch", duplicates)
        return await insert_branch(ex, events, svc, row, customer, principal.user_id)

    branch_id = await transact(request, "branch", work)
    return await created_response(request, SPEC, branch_id)


@bp.route("/branches/<row_id:id>", methods=["PUT", "PATCH", "POST"])
async def update_branch(request: Request, row_id: int) -> HTTPResponse:
    """Update the given fields (PUT and PATCH alike); If-Match guards against lost updates."""
    target = await writable(request, SPEC, row_id, "edit")
    principal, svc, model, current = target.principal, target.svc, target.model, target.current
    values, problems = read_fields(
        read_body(request), BRANCH_FIELDS, svc.schema, creating=False, read_only=BRANCH_READ_ONLY
    )
    branch_rules(values, problems, creating=False, typed=model.has("type"))
    await _check_agency(request, values, problems, current)
    await check_users(request, values, problems, "user_id", "inspector_id")
    problems.raise_invalid()
    changes = model.row_for(values)
    customer_id = int(current["customer_id"])

    async def work(ex: Executor, events: Events) -> dict[str, Any]:
        customer = await svc.models["customers"].lock(ex, customer_id)
        locked = await model.lock(ex, row_id)
        if locked is None or customer is None:
            raise SPEC.invalid_id()
        check_if_match(request, model.etag(locked))
        changed = {k for k, v in changes.items() if locked.get(k) != v}
        merged = {**locked, **changes}
        if not changed:
            return merged
        await _head_office_rules(ex, svc, customer_id, merged, locked)
        duplicates = await model.duplicates(ex, merged, changed, row_id)
        if duplicates:
            raise conflict("branch", duplicates)
        await model.update(ex, row_id, {k: changes[k] for k in changed})
        after = model.own_row(await model.lock(ex, row_id) or merged)
        events.add("wp_customer_branch_updated", "branch", row_id, row_id, model.own_row(locked), after)
        if "user_id" in changed and after.get("user_id"):
            owner = customer.get("user_id")
            await ensure_admin_employee(
                ex, events, svc, after, int(after["user_id"]), int(owner) if owner else None, principal.user_id
            )
        return merged

    merged = await transact(request, "branch", work)
    body, etag = await written_item(request, SPEC, row_id, merged)
    return item_response(request, body, etag)


@bp.delete("/branches/<row_id:id>")
async def delete_branch(request: Request, row_id: int) -> HTTPResponse:
    """Soft or hard delete with its employees; a head office with active branches is refused (409),
    a soft delete of a branch soft-deleted already is 410."""
    target = await writable(request, SPEC, row_id, "delete")
    principal, svc, model, current, previous = (
        target.principal,
        target.svc,
        target.model,
        target.current,
        target.previous,
    )
    customer_id = int(current["customer_id"])

    async def work(ex: Executor, events: Events) -> None:
        await svc.models["customers"].lock(ex, customer_id)
        locked = await model.lock(ex, row_id)
        if locked is None:
            raise SPEC.invalid_id()
        hard = await hard_delete_enabled(ex, svc.names)
        SPEC.refuse_soft_deleted(locked, hard)
        check_if_match(request, model.etag(locked))
        if locked.get("type") == "pusat" and await model.has_active(ex, customer_id, "cabang", row_id):
            raise conflict("branch", {"type": MSG["branch_pusat_delete"]})
        await delete_branches(ex, events, svc, [locked], hard, principal.user_id)

    await transact(request, "branch", work)
    return item_response(request, {"deleted": True, "previous": previous})
