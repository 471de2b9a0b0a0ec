"""Branch writes as BranchModel, BranchCleanupHandler and BranchValidator do them:
``{customer code}-NN`` codes, an inspector from the division, the admin's employee row, the
head-office rules, and the cascade to the branch's employees."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bridge.db import Executor
from bridge.errors import invalid_params
from bridge.events import Events, insert_data
from bridge.messages import MSG
from bridge.validation import conflict
from bridge.writes.employees import ensure_admin_employee
from bridge.writes.store import Store


async def insert_branch(
    ex: Executor, events: Events, store: Store, row: Mapping[str, Any], customer: Mapping[str, Any], caller: int
) -> int:
    """Insert one branch as BranchModel::create does: a fresh ``{customer code}-NN`` code, an
    inspector from the division, ``created_by`` = caller; then the admin's employee row."""
    model = store.branches
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
        await admin_employee(ex, events, store, inserted, int(admin), customer, caller)
    return branch_id


async def admin_employee(
    ex: Executor,
    events: Events,
    store: Store,
    branch: Mapping[str, Any],
    admin: int,
    customer: Mapping[str, Any],
    caller: int,
) -> None:
    """The branch admin's employee row (position Admin when they own the customer)."""
    owner = customer.get("user_id")
    await ensure_admin_employee(ex, events, store, branch, admin, int(owner) if owner else None, caller)


# a branch's columns the scope rules read (bridge/access.py), kept in its deleted action's scope
SCOPE_COLUMNS = ("customer_id", "agency_id", "regency_id", "division_id", "inspector_id")


async def delete_branches(
    ex: Executor,
    events: Events,
    store: Store,
    branches: list[dict[str, Any]],
    hard: bool,
    caller: int,
    owner: object = None,
) -> None:
    """BranchModel::delete + BranchCleanupHandler for each branch: the branch and its employees
    (by direct SQL, so no employee actions, as in the plugin), soft or hard. Each deleted action
    records the branch's scope columns, its employees and ``owner`` (the customer's, when the
    customer goes with it) for the feed of deletions."""
    model, employees = store.branches, store.employees
    ids = [int(b["id"]) for b in branches]
    locked_staff = await employees.lock_of(ex, ids)
    staff = [int(e["id"]) for e in locked_staff]
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
        scope = {k: branch.get(k) for k in SCOPE_COLUMNS}
        scope.update(
            id=branch_id,
            branch_id=branch_id,
            owner=owner,
            user=branch.get("user_id"),
            employee_ids=[int(e["id"]) for e in locked_staff if int(e.get("branch_id") or 0) == branch_id],
        )
        events.add("wp_customer_branch_deleted", "branch", branch_id, branch_id, data, hard, scope=scope)
        events.add(
            "wp_customer_branch_cleanup_completed", "branch", branch_id, branch_id, branch.get("customer_id"), hard
        )


async def head_office_rules(
    ex: Executor, store: Store, customer_id: int, row: Mapping[str, Any], before: Mapping[str, Any] | None
) -> None:
    """The plugin's pusat rules: the first branch is pusat; at most one active pusat; the last
    pusat cannot become cabang. Checked under the customer's row lock."""
    model = store.branches
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


async def refuse_head_office_delete(ex: Executor, store: Store, locked: Mapping[str, Any]) -> None:
    """A head office with active branches cannot be deleted (409), as the plugin refuses it."""
    customer_id, row_id = int(locked["customer_id"]), int(locked["id"])
    if locked.get("type") == "pusat" and await store.branches.has_active(ex, customer_id, "cabang", row_id):
        raise conflict("branch", {"type": MSG["branch_pusat_delete"]})
