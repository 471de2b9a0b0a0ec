"""The REST resource controller, in the spirit of WordPress's ``WP_REST_Controller``.

A fixed vocabulary of handlers (``get_items``, ``get_item``, ``create_item``, ``update_item``,
``delete_item``), each with its permission check apart (``*_permissions_check``), run by the
route before the handler and handing it what it checked (the caller, or the row the caller may
change). The controller owns what every resource does the same way:

* reads through the caller's scope (a row outside it is a 404), pages, totals, ``_fields``;
* one transaction per write (bridge/rest/transaction.py: outbox, invalidation, actions);
* create: validation from the resource's schema, duplicates (409), 201 with ``Location``;
* update: If-Match under the row lock (412), the change diff (an unchanged row is not
  written and records no action), duplicates of the changed fields, the update action;
* delete: the site's soft/hard switch, 410 for a soft delete of a row soft-deleted already,
  If-Match, and ``{"deleted": true, "previous": …}``.

A resource (bridge/rest/customers.py, branches.py, employees.py) states only its schema, its
rules and references, the parent row it locks, its cascade and its action names; the domain
writes themselves live in bridge/writes/.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.access import granted_on_row
from bridge.db import Executor
from bridge.errors import BridgeError, forbidden
from bridge.events import Events
from bridge.principal import Principal
from bridge.resources.schema import ResourceSchema
from bridge.rest.collection import collection_response, list_rows, planned_list
from bridge.rest.items import (
    Presenter,
    check_if_match,
    invalid_id,
    item_response,
    item_url,
    model_of,
    present,
    presented,
    visible_or_404,
    written_item,
)
from bridge.rest.transaction import transact
from bridge.services import Services, require_login, services
from bridge.statement_count import counted
from bridge.tables.lookups import hard_delete_enabled
from bridge.validation import Problems, conflict, read_body, validate
from bridge.writes.rows import WritableModel
from bridge.writes.store import Store

SOFT_DELETED = "inactive"  # the plugin's soft delete: status='inactive' on customers, branches and employees
Action = Literal["edit", "delete"]


@dataclass(frozen=True)
class Draft:
    """A new row, checked before its transaction: the values the write stores."""

    row: dict[str, Any]


D = TypeVar("D", bound=Draft)


@dataclass(frozen=True)
class Target:
    """A row the caller may change: who they are, the services, the row as read and as shown."""

    principal: Principal
    svc: Services
    row_id: int
    current: dict[str, Any]
    previous: dict[str, Any]  # the row as the caller sees it (the ``previous`` of a delete)


class Controller(Generic[D]):
    """The shared skeleton of a resource's routes; subclasses fill in the hooks below."""

    schema: ClassVar[ResourceSchema]
    updated_action: ClassVar[str]  # recorded by an update that changed something
    # the plugin's update action gets the submitted values, not the row before (employees)
    updated_action_gets_submitted: ClassVar[bool] = False

    # ---- permission checks: run before the handler, their result is its input ----------------

    async def get_items_permissions_check(self, request: Request) -> Principal:
        return await require_login(request)

    async def get_item_permissions_check(self, request: Request, row_id: int) -> Principal:
        return await require_login(request)

    async def create_item_permissions_check(self, request: Request) -> Principal:
        """Logged in; a resource adds its rule (checks that need the body run in ``prepare_create``)."""
        return await require_login(request)

    async def update_item_permissions_check(self, request: Request, row_id: int) -> Target:
        return await self.writable(request, row_id, "edit")

    async def delete_item_permissions_check(self, request: Request, row_id: int) -> Target:
        return await self.writable(request, row_id, "delete")

    async def writable(self, request: Request, row_id: int, action: Action) -> Target:
        """The visible row ``row_id`` once the caller may ``action`` it: 404 when it is missing or
        outside the caller's scope, 403 when it is visible but the caller lacks the capability and
        no plugin permission filter grants it; the same order of checks for every resource."""
        principal = await require_login(request)
        current = await visible_or_404(request, self.schema, row_id)
        previous = present(request, self.schema, current)
        svc = services(request)
        if not previous["permissions"][action]:
            if not await granted_on_row(svc.hooks, self.schema.resource, action, principal, previous):
                raise forbidden()
            previous["permissions"][action] = True
        return Target(principal, svc, row_id, current, previous)

    # ---- handlers -------------------------------------------------------------------------------

    def model(self, request: Request) -> WritableModel:
        return model_of(request, self.schema)

    async def get_items(self, request: Request, principal: Principal) -> HTTPResponse:
        model = self.model(request)
        params, plan = await planned_list(request, self.schema, model)
        rows, total = await list_rows(request, self.schema, model, params, plan)
        presenter = Presenter(request, self.schema)  # one for the page: its rows share it
        return collection_response(request, [await presenter.presented(r) for r in rows], total, params)

    async def get_item(self, request: Request, principal: Principal, row_id: int) -> HTTPResponse:
        raw = await visible_or_404(request, self.schema, row_id)
        return item_response(request, await presented(request, self.schema, raw), self.model(request).etag(raw))

    async def create_item(self, request: Request, principal: Principal) -> HTTPResponse:
        svc = services(request)
        values, problems = validate(read_body(request), self.schema, svc.schema, creating=True)
        draft = await self.prepare_create(request, principal, values, problems)
        problems.raise_invalid()
        store, model = Store.of(svc.models, svc.names), self.model(request)

        async def work(ex: Executor, events: Events) -> int:
            parent = await self.lock_parent(ex, store, draft)
            await self.check_locked(ex, store, draft.row, None, parent)
            await self.refuse_duplicates(ex, model, draft.row, set(draft.row), None)
            return await self.insert(ex, events, store, draft, parent, principal.user_id)

        row_id = await transact(request, self.schema.entity, work)
        body, etag = await written_item(request, self.schema, row_id)
        return item_response(request, body, etag, 201, {"Location": item_url(request, self.schema, row_id)})

    async def update_item(self, request: Request, target: Target) -> HTTPResponse:
        svc, row_id = target.svc, target.row_id
        values, problems = validate(read_body(request), self.schema, svc.schema, creating=False)
        changes = await self.prepare_update(request, target, values, problems)
        problems.raise_invalid()
        store, model = Store.of(svc.models, svc.names), self.model(request)

        async def work(ex: Executor, events: Events) -> dict[str, Any]:
            parent = await self.lock_for_change(ex, events, store, target, "edit")
            locked = await model.lock(ex, row_id)
            if locked is None:
                raise invalid_id(self.schema)
            check_if_match(request, model.etag(locked))
            merged = {**locked, **changes}
            self.check_changes(svc, merged, changes)
            changed = {k for k, v in changes.items() if locked.get(k) != v}
            if not changed:
                return merged
            await self.check_locked(ex, store, merged, locked, parent)
            await self.refuse_duplicates(ex, model, merged, changed, row_id)
            await model.update(ex, row_id, {k: changes[k] for k in changed})
            after = model.own_row(await model.lock(ex, row_id) or merged)
            before = values if self.updated_action_gets_submitted else model.own_row(locked)
            events.add(self.updated_action, self.schema.entity, row_id, row_id, before, after)
            await self.after_update(ex, events, store, after, changed, parent, target.principal.user_id)
            return merged

        merged = await transact(request, self.schema.entity, work)
        body, etag = await written_item(request, self.schema, row_id, merged)
        return item_response(request, body, etag)

    async def delete_item(self, request: Request, target: Target) -> HTTPResponse:
        svc, row_id = target.svc, target.row_id
        store, model = Store.of(svc.models, svc.names), self.model(request)

        async def work(ex: Executor, events: Events) -> None:
            await self.lock_for_change(ex, events, store, target, "delete")
            locked = await model.lock(ex, row_id)
            if locked is None:
                raise invalid_id(self.schema)
            hard = await hard_delete_enabled(ex, svc.names)
            self.refuse_soft_deleted(locked, hard)
            check_if_match(request, model.etag(locked))
            await self.cascade(ex, events, store, locked, hard, target.principal.user_id)

        await transact(request, self.schema.entity, work)
        return item_response(request, {"deleted": True, "previous": target.previous})

    def refuse_soft_deleted(self, locked: Mapping[str, Any], hard: bool) -> None:
        """410 ``rest_already_trashed`` for a soft delete of a row soft-deleted already, as
        WordPress answers for a trashed post: deleting it again would run the
        cascade again and queue its lifecycle events a second time. A hard delete (the site's
        option: WordPress's ``force=true``) still removes such a row for good. Called before
        If-Match: a request that fails anyway ignores its preconditions (RFC 9110 §13.2.1)."""
        if not hard and locked.get("status") == SOFT_DELETED:
            entity = self.schema.entity
            raise BridgeError("rest_already_trashed", f"The {entity} has already been deleted.", 410)

    async def refuse_duplicates(
        self, ex: Executor, model: WritableModel, row: Mapping[str, Any], changed: set[str], exclude: int | None
    ) -> None:
        """409 naming each changed field whose value another row holds (the model's checks)."""
        duplicates = await model.duplicates(ex, row, changed, exclude)
        if duplicates:
            raise conflict(self.schema.entity, duplicates)

    # ---- what a resource states (the defaults do nothing) ----------------------------------------

    async def prepare_create(
        self, request: Request, principal: Principal, values: dict[str, Any], problems: Problems
    ) -> D:
        """Check the references of a new row (and the permissions that depend on them) and
        return its draft; add problems rather than raise, so one 400 names them all."""
        raise NotImplementedError

    async def prepare_update(
        self, request: Request, target: Target, values: dict[str, Any], problems: Problems
    ) -> dict[str, Any]:
        """Check the references of a change and return the columns it sets."""
        raise NotImplementedError

    async def lock_parent(self, ex: Executor, store: Store, draft: D) -> dict[str, Any] | None:
        """Lock the row a new row belongs to (first, so concurrent writes serialise on it)."""
        return None

    async def lock_for_change(
        self, ex: Executor, events: Events, store: Store, target: Target, action: Action
    ) -> dict[str, Any] | None:
        """Before the row's own lock: lock its parent, say which customer's totals it touches."""
        return None

    async def check_locked(
        self,
        ex: Executor,
        store: Store,
        row: Mapping[str, Any],
        before: Mapping[str, Any] | None,
        parent: Mapping[str, Any] | None,
    ) -> None:
        """Rules that need the locked rows (``before`` is None for a new row)."""

    def check_changes(self, svc: Services, merged: Mapping[str, Any], changes: Mapping[str, Any]) -> None:
        """Rules over the whole row after a change, checked even when nothing changes."""

    async def insert(
        self, ex: Executor, events: Events, store: Store, draft: D, parent: dict[str, Any] | None, caller: int
    ) -> int:
        """Insert the new row (and whatever comes with it); its id."""
        raise NotImplementedError

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
        """What follows a change (a new branch admin becomes an employee)."""

    async def cascade(
        self, ex: Executor, events: Events, store: Store, locked: Mapping[str, Any], hard: bool, caller: int
    ) -> None:
        """Delete the locked row with what belongs to it, soft or hard, recording the actions."""
        raise NotImplementedError

    # ---- routes -----------------------------------------------------------------------------------

    def register(self, bp: Blueprint) -> None:
        """The five routes, each running its permission check and then its handler."""
        name, entity = self.schema.resource, self.schema.entity

        async def list_items(request: Request) -> HTTPResponse:
            return await self.get_items(request, await self.get_items_permissions_check(request))

        async def get_item(request: Request, row_id: int) -> HTTPResponse:
            return await self.get_item(request, await self.get_item_permissions_check(request, row_id), row_id)

        async def create_item(request: Request) -> HTTPResponse:
            return await self.create_item(request, await self.create_item_permissions_check(request))

        async def update_item(request: Request, row_id: int) -> HTTPResponse:
            return await self.update_item(request, await self.update_item_permissions_check(request, row_id))

        async def delete_item(request: Request, row_id: int) -> HTTPResponse:
            return await self.delete_item(request, await self.delete_item_permissions_check(request, row_id))

        list_items.__doc__ = f"List the {name} the caller may see (WordPress collection parameters)."
        get_item.__doc__ = f"One {entity}; 404 when it does not exist or is outside the caller's scope."
        create_item.__doc__ = f"Create a {entity}; 201 with Location."
        update_item.__doc__ = f"Update the given fields of a {entity} (PUT and PATCH alike); If-Match is honoured."
        delete_item.__doc__ = f"Delete a {entity}, soft or hard per the plugin's option; {{deleted, previous}}."
        item = f"/{name}/<row_id:id>"
        routes = (
            (counted(list_items), f"/{name}", ["GET"], "list", self.get_items_permissions_check),
            (counted(get_item), item, ["GET"], "get", self.get_item_permissions_check),
            (create_item, f"/{name}", ["POST"], "create", self.create_item_permissions_check),
            (update_item, item, ["PUT", "PATCH", "POST"], "update", self.update_item_permissions_check),
            (delete_item, item, ["DELETE"], "delete", self.delete_item_permissions_check),
        )
        for handler, uri, methods, operation, permission in routes:
            # what OpenAPI, OPTIONS (its Allow header) and the indexes describe (bridge/openapi/, bridge/options.py)
            bp.add_route(
                handler,
                uri,
                methods=methods,
                name=f"{operation}_{name}",
                ctx_schema=self.schema,
                ctx_operation=operation,
                ctx_permission=permission,
            )
