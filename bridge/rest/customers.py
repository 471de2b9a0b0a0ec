"""``/customers``: the customers resource's rules (CustomerController/CustomerModel).

No WordPress user is created: the owner (``user_id``) must exist. A customer created with an
owner and a location gets its head office and the owner's employee row in the same transaction
(AutoEntityCreator), which needs an agency for the region. Changing the owner needs
``edit_all_customers``. Deletes cascade to branches and employees (bridge/writes/customers.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sanic import Request

from bridge.db import Executor
from bridge.errors import forbidden
from bridge.events import Events
from bridge.messages import MSG
from bridge.principal import Principal
from bridge.resources.customers import SCHEMA
from bridge.rest.controller import Action, Controller, Draft, Target
from bridge.rest.references import check_region, check_users
from bridge.services import services
from bridge.validation import Problems
from bridge.writes.customers import HeadOffice, delete_customer, insert_customer
from bridge.writes.store import Store


@dataclass(frozen=True)
class CustomerDraft(Draft):
    """A new customer and, when it has an owner and a location, its head office."""

    head_office: HeadOffice | None


class CustomersController(Controller[CustomerDraft]):
    """The customers resource: create needs ``add_customer``; the owner's change ``edit_all_customers``."""

    schema = SCHEMA
    updated_action = "wp_customer_updated"

    async def create_item_permissions_check(self, request: Request) -> Principal:
        principal = await super().create_item_permissions_check(request)
        if not services(request).access.can_create_customer(principal):
            raise forbidden()
        return principal

    async def prepare_create(
        self, request: Request, principal: Principal, values: dict[str, Any], problems: Problems
    ) -> CustomerDraft:
        svc = services(request)
        store = Store.of(svc.models, svc.names)
        prov, reg = await check_region(request, values, problems)
        users = await check_users(request, values, problems, "user_id")
        head_office = None
        if users.get("user_id") and prov and reg and not problems:
            agency_id, division_id = await store.branches.agency_for_region(svc.db, prov["code"], reg["code"])
            if agency_id is None:
                problems.add("provinsi_id", MSG["agency_required"])
            head_office = HeadOffice(values["user_id"], prov, reg, agency_id, division_id)
        return CustomerDraft({"status": "active", **store.customers.row_for(values, prov, reg)}, head_office)

    async def prepare_update(
        self, request: Request, target: Target, values: dict[str, Any], problems: Problems
    ) -> dict[str, Any]:
        svc = target.svc
        if "user_id" in values and not svc.access.can_change_customer_owner(target.principal):
            raise forbidden("Sorry, you are not allowed to change the owner of this customer.")
        prov, reg = await check_region(request, values, problems, target.current)
        await check_users(request, values, problems, "user_id")
        return Store.of(svc.models, svc.names).customers.row_for(values, prov, reg)

    async def insert(
        self,
        ex: Executor,
        events: Events,
        store: Store,
        draft: CustomerDraft,
        parent: dict[str, Any] | None,
        caller: int,
    ) -> int:
        return await insert_customer(ex, events, store, draft.row, caller, draft.head_office)

    async def lock_for_change(
        self, ex: Executor, events: Events, store: Store, target: Target, action: Action
    ) -> dict[str, Any] | None:
        events.touched_customer(target.row_id)  # a delete: with its own branches and employees
        return None

    async def cascade(
        self, ex: Executor, events: Events, store: Store, locked: Mapping[str, Any], hard: bool, caller: int
    ) -> None:
        await delete_customer(ex, events, store, locked, hard, caller)
