"""Employee writes as CustomerEmployeeModel and AutoEntityCreator do them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bridge.db import Executor
from bridge.events import Events
from bridge.tables.employees import DEPARTMENTS
from bridge.tables.lookups import wp_user
from bridge.writes.store import Store

AUTO_NOTE = "Auto-created from branch"


async def insert_employee(ex: Executor, events: Events, store: Store, row: Mapping[str, Any]) -> int:
    """Insert the row (creation columns included) and record ``wp_customer_employee_created``."""
    employee_id = await store.employees.insert(ex, row)
    events.add("wp_customer_employee_created", "employee", employee_id, employee_id, dict(row))
    return employee_id


async def ensure_admin_employee(
    ex: Executor,
    events: Events,
    store: Store,
    branch: Mapping[str, Any],
    user_id: int,
    owner_id: int | None,
    caller: int,
) -> None:
    """AutoEntityCreator::handleBranchCreated: the branch admin becomes an employee of the branch.

    Skipped when that row exists already, or when the user's email (or, in the documented
    layout, the user) is already taken by another employee row: the unique key would refuse it.
    """
    model = store.employees
    customer_id, branch_id = int(branch["customer_id"]), int(branch["id"])
    if await model.has_row(ex, customer_id, branch_id, user_id) or await model.user_taken(ex, user_id):
        return
    user = await wp_user(ex, store.names, user_id)
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
    await insert_employee(ex, events, store, row)


async def delete_employee(ex: Executor, events: Events, store: Store, locked: Mapping[str, Any], hard: bool) -> None:
    """The row soft (``status='inactive'``) or hard deleted, with the plugin's four actions."""
    model = store.employees
    row_id = int(locked["id"])
    data = model.own_row(locked)
    events.add("wp_customer_employee_before_delete", "employee", row_id, row_id, data)
    events.add("wp_customer_employee_before_delete_processing", "employee", row_id, row_id, data)
    if hard:
        await model.delete_ids(ex, [row_id])
    else:
        await model.set_status(ex, [row_id], "inactive")
    scope = {"id": row_id, **{k: locked.get(k) for k in ("customer_id", "branch_id")}, "user": locked.get("user_id")}
    events.add("wp_customer_employee_deleted", "employee", row_id, row_id, data, hard, scope=scope)
    events.add("wp_customer_employee_cleanup_completed", "employee", row_id, row_id, data, hard)
