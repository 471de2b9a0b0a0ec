"""Lifecycle actions of a write: recorded in the outbox inside its transaction, fired after commit.

The names are the plugin's as its code fires them, each also fired under the
documented name where the docs renamed it (``wp_customer_created`` is documented as
``wp_customer_customer_created``), always with the plugin's argument shapes. Updates of
customers and branches fire no action in the plugin; the bridge adds ``wp_customer_updated``
(documented form ``wp_customer_customer_updated``) and ``wp_customer_branch_updated`` with
``($id, $old, $new)`` so that every write reaches listeners and the outbox.

One outbox row per plugin-named action; its payload lists the documented aliases so the shim
can re-fire both inside WordPress; ``bridge/outbox.py`` delivers them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pypika import MySQLQuery, Table

from bridge.db import Executor
from bridge.hooks import Hooks
from bridge.responses import dumps

log = logging.getLogger("bridge.events")

DOCUMENTED_NAMES: dict[str, str] = {
    "wp_customer_created": "wp_customer_customer_created",
    "wp_customer_updated": "wp_customer_customer_updated",
    "wp_customer_before_delete": "wp_customer_customer_before_delete",
    "wp_customer_deleted": "wp_customer_customer_deleted",
    "wp_customer_cleanup_completed": "wp_customer_customer_cleanup_completed",
}


def insert_data(row: Mapping[str, Any]) -> dict[str, Any]:
    """The plugin's ``$insert_data`` of a created action: the inserted columns, without the id."""
    return {k: v for k, v in row.items() if k != "id"}


@dataclass(frozen=True)
class Event:
    """One action: its plugin name, the entity it concerns, and the plugin's arguments."""

    action: str
    entity: str
    entity_id: int
    args: tuple[object, ...]  # the plugin action's arguments (rows, ids, the acting user…)
    # a deletion's scope columns as they were (customer, branch, owner, agency…): who could see the
    # row when it went, read back by the feed of deletions (bridge/rest/deleted.py)
    scope: Mapping[str, Any] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        alias = DOCUMENTED_NAMES.get(self.action)
        return (self.action, alias) if alias else (self.action,)


@dataclass
class Events:
    """The actions one transaction produces, in the order the plugin would fire them."""

    user_id: int
    items: list[Event] = field(default_factory=list)
    # The customers whose rows (or whose own branches and employees) the write changed, when
    # it says so; None: unknown, every cached total is stale (bridge/totals.py)
    customers: set[int] | None = None

    def touched_customer(self, customer_id: int) -> None:
        self.customers = {*(self.customers or ()), int(customer_id)}

    def add(
        self, action: str, entity: str, entity_id: int, *args: object, scope: Mapping[str, Any] | None = None
    ) -> None:
        self.items.append(Event(action, entity, int(entity_id), tuple(args), scope))

    async def record(self, ex: Executor, outbox_table: str) -> None:
        """Write one outbox row per action, inside the caller's transaction."""
        if not self.items:
            return
        outbox = Table(outbox_table)
        query = MySQLQuery.into(outbox).columns("event_id", "entity", "entity_id", "action", "payload")
        for event in self.items:
            event_id = str(uuid.uuid4())
            payload = {
                "event_id": event_id,
                "action": event.action,
                "aliases": list(event.names[1:]),
                "args": list(event.args),
                "entity": event.entity,
                "entity_id": event.entity_id,
                "user_id": self.user_id,
            }
            if event.scope is not None:
                payload["scope"] = dict(event.scope)
            body = dumps(payload).decode()  # datetimes as the rows show them (bridge/responses.py)
            query = query.insert(event_id, event.entity, event.entity_id, event.action, body)
        await ex.execute(query)

    async def fire(self, hooks: Hooks) -> None:
        """``do_action`` for each name, after commit; a failing listener is logged, not raised,
        because the data is already committed and the caller must hear that it was."""
        for event in self.items:
            for name in event.names:
                try:
                    await hooks.do_action(name, *event.args)
                except Exception:
                    log.exception("listener of %s failed for %s %s", name, event.entity, event.entity_id)
