"""The write transaction of every REST write, and what the database refuses mapped to a clear 4xx.

``transact`` runs a resource's work in one transaction with its outbox rows; after commit it
evicts the cache groups the change makes stale (bridge/invalidation.py), wakes the outbox
sender and fires the lifecycle actions. On any error nothing of the write survives.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TypeVar

import pymysql
from sanic import Request

from bridge.context import authenticated
from bridge.db import RETRYABLE, Executor
from bridge.errors import BridgeError, invalid_params
from bridge.events import Events
from bridge.messages import MSG
from bridge.replica import note_write
from bridge.services import app_context, services
from bridge.totals import stale_groups

T = TypeVar("T")
log = logging.getLogger("bridge.rest")

_DUP_KEY = re.compile(r"for key '(?:[^']*\.)?([^']+)'")
_COLUMN = re.compile(r"column '([^']+)'")
# unique key → the field and message a 409 names (the last guard behind the duplicate checks)
DUPLICATE_KEYS = {
    "code": ("code", "Kode sudah digunakan."),
    "npwp": ("npwp", MSG["npwp_exists"]),
    "nib": ("nib", MSG["nib_exists"]),
    "name_region": ("name", MSG["customer_name_exists"]),
    "customer_name": ("name", MSG["branch_name_exists"]),
    "customer_regency": ("regency_id", MSG["branch_regency_exists"]),
    "email": ("email", MSG["email_exists"]),
    "unique_user": ("user_id", MSG["user_taken"]),
}


@dataclass
class Shared:
    """An atomic batch's one transaction (bridge/batch.py): every write of the batch runs in it
    and adds its actions to the one ``events``; the batch records, evicts and fires once."""

    ex: Executor
    events: Events
    entities: list[str] = field(default_factory=list)


SHARED: ContextVar[Shared | None] = ContextVar("wpbridge_shared_transaction", default=None)


def database_error(entity: str, exc: pymysql.MySQLError) -> BridgeError | None:
    """A clear 4xx for what the database itself refused (the last guard behind validation)."""
    number = exc.args[0] if exc.args else 0
    message = str(exc.args[1]) if len(exc.args) > 1 else ""
    if number == 1062:
        match = _DUP_KEY.search(message)
        field, text = DUPLICATE_KEYS.get(match.group(1) if match else "", ("id", "Nilai sudah digunakan."))
        return BridgeError(f"rest_{entity}_conflict", f"Conflicting value(s): {field}", 409, params={field: text})
    if number in (1048, 1406, 1264, 1265, 1366, 1292, 1452):
        match = _COLUMN.search(message)
        field = match.group(1) if match else "body"
        return invalid_params({field: f"{field} has a value the database cannot store."})
    if number in RETRYABLE:
        return BridgeError(
            "rest_database_busy", "The database is busy; please retry.", 503, headers={"Retry-After": "1"}
        )
    return None


async def transact(request: Request, entity: str, work: Callable[[Executor, Events], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction (deadlocks retried) with its outbox rows; then evict the
    cache groups a change to ``entity`` makes stale (bridge/invalidation.py), wake the outbox
    sender and fire the actions. On any error nothing of the write survives."""
    svc = services(request)
    if not svc.schema.has_table("outbox"):
        raise BridgeError(
            "wpbridge_outbox_missing",
            f"The bridge's table {svc.names.outbox} does not exist; run `wpbridge migrate` before writing.",
            503,
        )
    shared = SHARED.get()
    if shared is not None:  # inside an atomic batch: its transaction, its outbox rows, its eviction
        try:
            value: T = await work(shared.ex, shared.events)
        except pymysql.MySQLError as exc:
            error = database_error(entity, exc)
            if error is None:
                raise
            raise error from None
        shared.entities.append(entity)
        return value
    principal = authenticated(request)
    groups = svc.invalidation.groups_for(entity)
    done: list[Events] = []

    async def attempt(ex: Executor) -> T:
        events = Events(principal.user_id)
        result = await work(ex, events)
        await events.record(ex, svc.names.outbox)
        done[:] = [events]
        return result

    try:
        result: T = await svc.db.run_transaction(attempt)
    except pymysql.MySQLError as exc:
        error = database_error(entity, exc)
        if error is None:
            raise
        raise error from None
    await after_commit(request, groups, done[0], principal.user_id)
    return result


async def after_commit(request: Request, groups: Iterable[str], events: Events, user_id: int) -> None:
    """What follows a committed write: one eviction of the stale cache groups, the writer's
    reads sent to the primary for a while (read replica), the outbox sender woken, the actions fired."""
    svc = services(request)
    stale: list[str] = []
    try:
        stale = list(await stale_groups(svc, groups, events.customers))
        await svc.cache.evict(*stale)
    except Exception:  # committed already: a cache outage must not turn the write into an error
        log.exception("could not evict cache groups %s after a write", list(groups))
    try:
        await note_write(svc.db, user_id, stale)  # read-your-writes with a replica
    except Exception:
        log.exception("could not note a write for the read replica")
    sender = app_context(request.app).outbox_sender
    if sender is not None and events.items:
        sender.wake()  # deliver now, not at the next poll
    await events.fire(svc.hooks)
