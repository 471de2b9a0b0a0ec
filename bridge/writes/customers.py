"""Customer writes as CustomerModel and AutoEntityCreator do them: a new
customer with an owner and a location gets its head office and the owner's employee row in the
same transaction; a delete cascades to its branches and employees, soft or hard."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bridge.db import Executor
from bridge.events import Events, insert_data
from bridge.writes.branches import delete_branches, insert_branch
from bridge.writes.store import Store


@dataclass(frozen=True)
class HeadOffice:
    """What AutoEntityCreator needs for a new customer's head office, checked before the write."""

    owner: int
    province: Mapping[str, Any]
    regency: Mapping[str, Any]
    agency_id: int | None
    division_id: int | None

    def row(self, customer_id: int, name: str) -> dict[str, Any]:
        """``{name} Cabang {regency}``, pusat, admin = the owner."""
        return {
            "customer_id": customer_id,
            "name": f"{name} Cabang {self.regency['name']}"[:100],
            "type": "pusat",
            "user_id": self.owner,
            "provinsi_id": self.province["id"],
            "regency_id": self.regency["id"],
            "agency_id": self.agency_id,
            "division_id": self.division_id,
            "status": "active",
        }


async def insert_customer(
    ex: Executor, events: Events, store: Store, row: Mapping[str, Any], caller: int, head_office: HeadOffice | None
) -> int:
    """Insert the customer (a generated code when none is given), record ``wp_customer_created``,
    then its head office (and so the owner's employee row)."""
    model = store.customers
    insert = {**model.creation_columns(caller, row["name"]), **row}
    if "code" not in insert:
        insert["code"] = await model.generate_code(ex)
    customer_id = await model.insert(ex, insert)
    events.touched_customer(customer_id)  # with its head office and owner employee
    customer = await model.lock(ex, customer_id) or {**insert, "id": customer_id}
    events.add("wp_customer_created", "customer", customer_id, customer_id, insert_data(model.own_row(customer)))
    if head_office is not None:
        branch = head_office.row(customer_id, row["name"])
        await insert_branch(ex, events, store, branch, customer, caller)
    return customer_id


async def delete_customer(
    ex: Executor, events: Events, store: Store, locked: Mapping[str, Any], hard: bool, caller: int
) -> None:
    """The customer with its branches and employees (none left orphaned), soft or hard, with
    the plugin's actions in its order."""
    model, branches_model, employees = store.customers, store.branches, store.employees
    row_id = int(locked["id"])
    data = model.own_row(locked)
    events.add("wp_customer_before_delete", "customer", row_id, row_id, data)
    events.add("wp_customer_deletion_logged", "customer", row_id, row_id, data, caller)
    branches = await branches_model.lock_where(ex, branches_model.plain.customer_id == row_id)
    orphans = [int(e["id"]) for e in await employees.lock_of(ex, [], row_id)]
    owner = locked.get("user_id")
    scope = {"id": row_id, "customer_id": row_id, "owner": owner, "user": owner, "employee_ids": orphans}
    events.add("wp_customer_deleted", "customer", row_id, row_id, data, hard, scope=scope)
    await delete_branches(ex, events, store, branches, hard, caller, owner)
    if hard:
        await employees.delete_ids(ex, orphans)
        await model.delete_ids(ex, [row_id])
    else:
        await employees.set_status(ex, orphans, "inactive")
        await model.set_status(ex, [row_id], "inactive")
    events.add("wp_customer_cleanup_completed", "customer", row_id, row_id, len(branches), hard)
