"""``/branches``: the branches resource's rules (BranchController/BranchModel).

The first branch is the head office (``pusat``), at most one active ``pusat`` per customer, the
last one cannot become ``cabang`` nor be deleted while active branches remain; names are unique
within the customer, one branch per regency; agency and division come from the region (facts
§1.5); a branch admin becomes an employee of the branch. Branch writes lock the customer row
first, so two of them for one customer cannot both pass the head-office checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sanic import Request

from bridge.access import CAN_CREATE_BRANCH, granted_by_filter
from bridge.db import Executor
from bridge.errors import forbidden
from bridge.events import Events
from bridge.messages import MSG
from bridge.principal import Principal
from bridge.resources.branches import SCHEMA
from bridge.rest.controller import Action, Controller, Draft, Target
from bridge.rest.items import fetch_visible, invalid_id
from bridge.rest.references import check_agency, check_users
from bridge.services import services
from bridge.validation import Problems, conflict
from bridge.writes.branches import (
    admin_employee,
    delete_branches,
    head_office_rules,
    insert_branch,
    refuse_head_office_delete,
)
from bridge.writes.store import Store


class BranchesController(Controller[Draft]):
    """The branches resource: locked under their customer, head-office rules, the admin employee."""

    schema = SCHEMA
    updated_action = "wp_customer_branch_updated"

    async def prepare_create(
        self, request: Request, principal: Principal, values: dict[str, Any], problems: Problems
    ) -> Draft:
        """The customer must be visible, and the caller allowed to add branches to it (or a plugin
        filter allows it); region, agency, division and users must exist."""
        svc = services(request)
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
        await check_agency(request, values, problems, None, customer)
        await check_users(request, values, problems, "user_id", "inspector_id")
        return Draft({"status": "active", **values})

    async def prepare_update(
        self, request: Request, target: Target, values: dict[str, Any], problems: Problems
    ) -> dict[str, Any]:
        await check_agency(request, values, problems, target.current)
        await check_users(request, values, problems, "user_id", "inspector_id")
        return Store.of(target.svc.models, target.svc.names).branches.row_for(values)

    async def lock_parent(self, ex: Executor, store: Store, draft: Draft) -> dict[str, Any] | None:
        customer = await store.customers.lock(ex, draft.row["customer_id"])
        if customer is None:
            raise conflict("branch", {"customer_id": MSG["customer_missing"]})
        return customer

    async def lock_for_change(
        self, ex: Executor, events: Events, store: Store, target: Target, action: Action
    ) -> dict[str, Any] | None:
        customer = await store.customers.lock(ex, int(target.current["customer_id"]))
        if customer is None and action == "edit":
            raise invalid_id(self.schema)
        return customer

    async def check_locked(
        self,
        ex: Executor,
        store: Store,
        row: Mapping[str, Any],
        before: Mapping[str, Any] | None,
        parent: Mapping[str, Any] | None,
    ) -> None:
        await head_office_rules(ex, store, int(row["customer_id"]), row, before)

    async def insert(
        self, ex: Executor, events: Events, store: Store, draft: Draft, parent: dict[str, Any] | None, caller: int
    ) -> int:
        return await insert_branch(ex, events, store, draft.row, parent or {}, caller)

    async def after_update(
        self,
        ex: Executor,
        events: Events,
        store: Store,
        after: Mapping[str, Any],
        changed: set[str],
        parent: Mapping[str, Any] | None,
        caller: int,
    ) -> None:
        if "user_id" in changed and after.get("user_id"):
            await admin_employee(ex, events, store, after, int(after["user_id"]), parent or {}, caller)

    async def cascade(
        self, ex: Executor, events: Events, store: Store, locked: Mapping[str, Any], hard: bool, caller: int
    ) -> None:
        await refuse_head_office_delete(ex, store, locked)
        await delete_branches(ex, events, store, [dict(locked)], hard, caller)
