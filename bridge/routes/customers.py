"""``/customers``: WordPress REST collection and item routes over the plugin's customers table.

Writes follow CustomerController/CustomerModel without creating WordPress users:
the owner (``user_id``) must exist. A customer created with an owner and a location gets its
head office and the owner's employee row in the same transaction (AutoEntityCreator). Deletes
cascade to branches and employees, soft or hard per the plugin's option.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.db import Executor
from bridge.errors import forbidden
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
    item_response,
    transact,
    writable,
    written_item,
)
from bridge.routes.branches import delete_branches, insert_branch
from bridge.services import require_login, services
from bridge.tables.writes import hard_delete_enabled
from bridge.validation import (
    CUSTOMER_FIELDS,
    CUSTOMER_READ_ONLY,
    MSG,
    STATUSES,
    conflict,
    customer_rules,
    read_body,
    read_fields,
)

bp = Blueprint("rest_customers", url_prefix=API_PREFIX)

SPEC = Resource(
    resource="customers",
    entity="customer",
    orderby=tuple(
        "id code name npwp nib status owner_name province_name regency_name branch_count created_at updated_at".split()
    ),
    filters=(Filter("status", "enum", STATUSES), Filter("provinsi_id"), Filter("regency_id"), Filter("user_id")),
    item_keys=("owner_name", "branch_count", "employee_count", "province_name", "regency_name"),
)
add_read_routes(bp, SPEC)


def _head_office(
    customer_id: int, name: str, owner: int, prov: dict, reg: dict, agency: tuple[int | None, int | None]
) -> dict[str, Any]:
    """AutoEntityCreator's head office: ``{name} Cabang {regency}``, pusat, admin = the owner."""
    return {
        "customer_id": customer_id,
        "name": f"{name} Cabang {reg['name']}"[:100],
        "type": "pusat",
        "user_id": owner,
        "provinsi_id": prov["id"],
        "regency_id": reg["id"],
        "agency_id": agency[0],
        "division_id": agency[1],
        "status": "active",
    }


@bp.post("/customers")
async def create_customer(request: Request) -> HTTPResponse:
    """Create a customer (``add_customer``); with owner and location also its head office; 201."""
    principal = await require_login(request)
    svc = services(request)
    model = svc.models["customers"]
    if not svc.access.can_create_customer(principal):
        raise forbidden()
    values, problems = read_fields(
        read_body(request), CUSTOMER_FIELDS, svc.schema, creating=True, read_only=CUSTOMER_READ_ONLY
    )
    customer_rules(values, problems, creating=True)
    prov, reg = await check_region(request, values, problems)
    users = await check_users(request, values, problems, "user_id")
    head_office = None
    if users.get("user_id") and prov and reg and not problems:
        head_office = await svc.models["branches"].agency_for_region(svc.db, prov["code"], reg["code"])
        if head_office[0] is None:
            problems.add("provinsi_id", MSG["agency_required"])
    problems.raise_invalid()
    row = {"status": "active", **model.row_for(values, prov, reg)}

    async def work(ex: Executor, events: Events) -> int:
        duplicates = await model.duplicates(ex, row, set(row))
        if duplicates:
            raise conflict("customer", duplicates)
        insert = {**model.creation_columns(principal.user_id, row["name"]), **row}
        if "code" not in insert:
            insert["code"] = await model.generate_code(ex)
        customer_id = await model.insert(ex, insert)
        events.touched_customer(customer_id)  # with its head office and owner employee
        customer = await model.lock(ex, customer_id) or {**insert, "id": customer_id}
        events.add("wp_customer_created", "customer", customer_id, customer_id, insert_data(model.own_row(customer)))
        if head_office is not None:
            branch = _head_office(customer_id, row["name"], values["user_id"], prov, reg, head_office)
            await insert_branch(ex, events, svc, branch, customer, principal.user_id)
        return customer_id

    customer_id = await transact(request, "customer", work)
    return await created_response(request, SPEC, customer_id)


@bp.route("/customers/<row_id:id>", methods=["PUT", "PATCH", "POST"])
async def update_customer(request: Request, row_id: int) -> HTTPResponse:
    """Update the given fields (PUT and PATCH alike); changing the owner needs ``edit_all_customers``."""
    target = await writable(request, SPEC, row_id, "edit")
    principal, svc, model, current = target.principal, target.svc, target.model, target.current
    values, problems = read_fields(
        read_body(request), CUSTOMER_FIELDS, svc.schema, creating=False, read_only=CUSTOMER_READ_ONLY
    )
    if "user_id" in values and not svc.access.can_change_customer_owner(principal):
        raise forbidden("Sorry, you are not allowed to change the owner of this customer.")
    customer_rules(values, problems, creating=False)
    prov, reg = await check_region(request, values, problems, current)
    await check_users(request, values, problems, "user_id")
    problems.raise_invalid()
    changes = model.row_for(values, prov, reg)

    async def work(ex: Executor, events: Events) -> dict[str, Any]:
        events.touched_customer(row_id)
        locked = await model.lock(ex, row_id)
        if locked is None:
            raise SPEC.invalid_id()
        check_if_match(request, model.etag(locked))
        changed = {k for k, v in changes.items() if locked.get(k) != v}
        merged = {**locked, **changes}
        if not changed:
            return merged
        duplicates = await model.duplicates(ex, merged, changed, row_id)
        if duplicates:
            raise conflict("customer", duplicates)
        await model.update(ex, row_id, {k: changes[k] for k in changed})
        after = model.own_row(await model.lock(ex, row_id) or merged)
        events.add("wp_customer_updated", "customer", row_id, row_id, model.own_row(locked), after)
        return merged

    merged = await transact(request, "customer", work)
    body, etag = await written_item(request, SPEC, row_id, merged)
    return item_response(request, body, etag)


@bp.delete("/customers/<row_id:id>")
async def delete_customer(request: Request, row_id: int) -> HTTPResponse:
    """Delete with its branches and employees in one transaction, soft or hard per the option;
    a soft delete of a customer soft-deleted already is 410 and changes nothing."""
    target = await writable(request, SPEC, row_id, "delete")
    principal, svc, model, previous = target.principal, target.svc, target.model, target.previous
    branches_model = svc.models["branches"]

    async def work(ex: Executor, events: Events) -> None:
        events.touched_customer(row_id)  # with its own branches and employees
        locked = await model.lock(ex, row_id)
        if locked is None:
            raise SPEC.invalid_id()
        hard = await hard_delete_enabled(ex, svc.names)
        SPEC.refuse_soft_deleted(locked, hard)
        check_if_match(request, model.etag(locked))
        data = model.own_row(locked)
        events.add("wp_customer_before_delete", "customer", row_id, row_id, data)
        events.add("wp_customer_deletion_logged", "customer", row_id, row_id, data, principal.user_id)
        branches = await branches_model.lock_where(ex, branches_model.plain.customer_id == row_id)
        employees = svc.models["employees"]
        orphans = [int(e["id"]) for e in await employees.lock_of(ex, [], row_id)]
        events.add("wp_customer_deleted", "customer", row_id, row_id, data, hard)
        await delete_branches(ex, events, svc, branches, hard, principal.user_id)
        if hard:
            await employees.delete_ids(ex, orphans)
            await model.delete_ids(ex, [row_id])
        else:
            await employees.set_status(ex, orphans, "inactive")
            await model.set_status(ex, [row_id], "inactive")
        events.add("wp_customer_cleanup_completed", "customer", row_id, row_id, len(branches), hard)

    await transact(request, "customer", work)
    return item_response(request, {"deleted": True, "previous": previous})
