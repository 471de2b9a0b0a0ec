"""``/employees``: the employees resource's rules (CustomerEmployeeController/Model).

The WordPress user must exist (the bridge never creates one), the branch must belong to the
employee's customer, email is unique, at least one department is chosen. Adding an employee to
a branch, or moving one there, needs the plugin's right to add employees to that branch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sanic import Request

from bridge.access import CAN_CREATE_EMPLOYEE, granted_by_filter
from bridge.db import Executor
from bridge.errors import forbidden, invalid_params
from bridge.events import Events
from bridge.messages import MSG
from bridge.principal import Principal
from bridge.resources.employees import SCHEMA, departments_chosen
from bridge.rest.controller import Controller, Draft, Target
from bridge.rest.items import fetch_visible
from bridge.rest.references import check_users
from bridge.services import Services, services
from bridge.tables.employees import DEPARTMENTS
from bridge.validation import Problems, conflict
from bridge.writes.employees import delete_employee, insert_employee
from bridge.writes.store import Store


async def may_add_employee(svc: Services, principal: Principal, customer_id: int, branch_id: int) -> bool:
    """The plugin's rule for adding an employee there, or its filter when the rule says no."""
    if svc.access.can_create_employee(principal, customer_id, branch_id):
        return True
    return await granted_by_filter(svc.hooks, CAN_CREATE_EMPLOYEE, customer_id, branch_id, principal.user_id)


async def check_branch(
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


class EmployeesController(Controller[Draft]):
    """The employees resource: placed in a branch the caller may add employees to."""

    schema = SCHEMA
    updated_action = "wp_customer_employee_updated"
    updated_action_gets_submitted = True  # the plugin's ($id, $data, $employee)

    async def prepare_create(
        self, request: Request, principal: Principal, values: dict[str, Any], problems: Problems
    ) -> Draft:
        svc = services(request)
        model = Store.of(svc.models, svc.names).employees
        customer_id, branch_id = values.get("customer_id"), values.get("branch_id")
        if customer_id is not None and await fetch_visible(request, svc.models["customers"], customer_id) is None:
            problems.add("customer_id", MSG["customer_missing"])
        branch = await check_branch(request, customer_id, branch_id, problems)
        placed = branch is not None and "customer_id" not in problems and "branch_id" not in problems
        if placed and not await may_add_employee(svc, principal, int(customer_id or 0), int(branch_id or 0)):
            raise forbidden()
        await check_users(request, values, problems, "user_id")
        row = {**{d: False for d in DEPARTMENTS}, "status": "active", **model.row_for(values)}
        if not departments_chosen(row, svc.schema):
            problems.add("departments", MSG["department_required"])
        return Draft({**model.row_for(row), **model.creation_columns(principal.user_id)})

    async def prepare_update(
        self, request: Request, target: Target, values: dict[str, Any], problems: Problems
    ) -> dict[str, Any]:
        """Moving an employee adds them to the other branch of the same customer: the caller must
        be allowed to add employees there (stricter than the plugin, which checks nothing)."""
        moved_to = values.get("branch_id")
        if moved_to is not None and moved_to != target.current.get("branch_id"):
            customer_id = int(target.current["customer_id"])
            branch = await check_branch(request, customer_id, moved_to, problems)
            placed = branch is not None and "branch_id" not in problems
            if placed and not await may_add_employee(target.svc, target.principal, customer_id, moved_to):
                raise forbidden()
        await check_users(request, values, problems, "user_id")
        return Store.of(target.svc.models, target.svc.names).employees.row_for(values)

    async def lock_parent(self, ex: Executor, store: Store, draft: Draft) -> dict[str, Any] | None:
        branch = await store.branches.lock(ex, draft.row["branch_id"])
        if branch is None:
            raise conflict("employee", {"branch_id": MSG["branch_missing"]})
        return branch

    def check_changes(self, svc: Services, merged: Mapping[str, Any], changes: Mapping[str, Any]) -> None:
        if set(DEPARTMENTS) & set(changes) and not departments_chosen(merged, svc.schema):
            raise invalid_params({"departments": MSG["department_required"]})

    async def insert(
        self, ex: Executor, events: Events, store: Store, draft: Draft, parent: dict[str, Any] | None, caller: int
    ) -> int:
        return await insert_employee(ex, events, store, draft.row)

    async def cascade(
        self, ex: Executor, events: Events, store: Store, locked: Mapping[str, Any], hard: bool, caller: int
    ) -> None:
        await delete_employee(ex, events, store, locked, hard)
