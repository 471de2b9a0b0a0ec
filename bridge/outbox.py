"""Delivering the outbox to WordPress: the lifecycle events of the bridge's writes.

A write commits its rows and one outbox row per action in the same transaction
(``bridge/events.py``). This sender, a background task of the server when ``BRIDGE_EVENTS_URL``
is set, posts each pending row to the shim's ``/wp-json/wp-customer-bridge/v1/events``, signed
like the shim's own requests (user = the acting user), and marks it delivered on a
2xx. Why it is shaped like this:

* **At least once, exactly once in effect**: a row stays pending until WordPress said 2xx; the
  shim ignores an event id it has already handled, so a retry after a lost answer is harmless.
* **In order per entity**: rows go out in id order, and an entity's later events wait while an
  earlier one is pending (a listener failing on one customer does not hold back the others).
* **WordPress unreachable** (connection refused, timeout, 502/503/504, 401/404 from a
  misconfigured site): the whole pass stops and retries with exponential backoff up to
  ``BRIDGE_EVENTS_MAX_BACKOFF``; the row keeps its place, so order holds across entities too.
* **One sender per database**, whatever the number of workers or hosts: the sender that holds
  the MySQL named lock ``GET_LOCK('wpbridge_outbox_…')`` delivers; the others wait for it.

``pending_report`` is what ``wpbridge outbox`` prints.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import aiomysql
import httpx
import pymysql

from bridge.context import AnyApp
from bridge.metrics import OUTBOX_FAILURES, outbox_seen
from bridge.schema import TableNames
from bridge.settings import Settings
from bridge.signing import signed_headers

log = logging.getLogger("bridge.outbox")

POLL_SECONDS = 0.5
BATCH = 100
LOCK_RETRY_SECONDS = 5.0
BASE_BACKOFF = 1.0
# Answers that concern this one event (a bad payload, a listener that failed): hold back only its entity.
EVENT_FAILURES = frozenset({400, 409, 410, 413, 422, 500})


@dataclass(frozen=True)
class Delivery:
    """What happened to one attempt: delivered, or why not and whether every event is affected."""

    ok: bool
    everyone: bool = False  # WordPress itself is unreachable or misconfigured, not just this event
    error: str = ""


def lock_name(settings: Settings) -> str:
    """The named lock of this database + prefix (MySQL limits names to 64 characters)."""
    key = f"{settings.database_url.host}:{settings.database_url.port}/{settings.database_url.database}:{settings.table_prefix}"
    return "wpbridge_outbox_" + hashlib.sha1(key.encode()).hexdigest()[:40]


def backoff(failures: int, cap: float) -> float:
    """1, 2, 4, … seconds, at most ``cap``."""
    return min(cap, BASE_BACKOFF * 2.0 ** min(max(0, failures - 1), 64))  # 2**1024 would overflow a float


def request_target(url: str) -> str:
    """The path and query exactly as httpx puts them on the wire: what the shim verifies."""
    return httpx.URL(url).raw_path.decode("ascii")


def acting_user(payload: str) -> int:
    """The user the event happened for (the signature's user), 0 when the payload has none."""
    try:
        value = json.loads(payload).get("user_id", 0)
    except (ValueError, AttributeError):
        return 0
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


class OutboxSender:
    """Delivers pending outbox rows to ``settings.events_url`` until stopped."""

    def __init__(self, settings: Settings, *, poll: float | None = None, batch: int = BATCH) -> None:
        if not settings.events_url:
            raise ValueError("OutboxSender needs BRIDGE_EVENTS_URL")
        self.settings = settings
        self.url = settings.events_url
        self.target = request_target(settings.events_url)
        self.table = TableNames.for_prefix(settings.table_prefix, settings.base_prefix).outbox
        self.lock = lock_name(settings)
        self.poll = POLL_SECONDS if poll is None else poll
        self.batch = batch
        self.max_backoff = float(settings.events_max_backoff)
        self.failures = 0
        self._stop = asyncio.Event()
        self._wake = asyncio.Event()

    def stop(self) -> None:
        """Ask the loop to finish after the current attempt."""
        self._stop.set()
        self._wake.set()

    def wake(self) -> None:
        """Look at the outbox now instead of at the next poll: a write calls it after its commit
        (``rest.transact``), so its events go out at once. It cuts short only the wait between
        two passes; a backoff (WordPress or the database unreachable) and the wait for another
        worker's lock run their course."""
        self._wake.set()

    async def _sleep(self, seconds: float, *, wakeable: bool = True) -> None:
        if self._stop.is_set():  # stop() came while a delivery ran: its wake-up may have been cleared
            return
        try:
            await asyncio.wait_for((self._wake if wakeable else self._stop).wait(), timeout=max(0.0, seconds))
        except TimeoutError:
            pass

    async def _connect(self) -> aiomysql.Connection:
        kwargs = self.settings.database_url.connect_kwargs()
        kwargs["db"] = kwargs.pop("database")
        return await aiomysql.connect(autocommit=True, connect_timeout=5, **kwargs)

    async def run(self) -> None:
        """The loop: hold the lock, deliver, sleep; reconnect with backoff when the database goes away."""
        db_failures = 0
        async with httpx.AsyncClient(timeout=float(self.settings.events_timeout)) as client:
            while not self._stop.is_set():
                conn: aiomysql.Connection | None = None
                try:
                    conn = await self._connect()
                    if not await self._acquire(conn):
                        await self._sleep(LOCK_RETRY_SECONDS, wakeable=False)
                        continue
                    db_failures = 0
                    while not self._stop.is_set():
                        self._wake.clear()  # before the pass: a commit during it wakes the next one
                        wait = await self.deliver_pending(conn, client)
                        await self._sleep(wait, wakeable=self.failures == 0)
                except (TimeoutError, pymysql.MySQLError, OSError) as exc:
                    db_failures += 1
                    wait = backoff(db_failures, self.max_backoff)
                    log.warning("outbox: database problem (%s); retrying in %.0f s", exc, wait)
                    await self._sleep(wait, wakeable=False)
                finally:
                    if conn is not None:
                        conn.close()

    async def _acquire(self, conn: aiomysql.Connection) -> bool:
        async with conn.cursor() as cur:
            await cur.execute("SELECT GET_LOCK(%s, 0)", (self.lock,))
            row = await cur.fetchone()
        return bool(row and row[0] == 1)

    async def _pending(self, conn: aiomysql.Connection) -> list[dict[str, Any]]:
        async with conn.cursor(aiomysql.DictCursor) as cur:
            await cur.execute(
                f"SELECT id, event_id, entity, entity_id, action, payload, attempts, "
                f"(next_attempt_at IS NULL OR next_attempt_at <= NOW(6)) AS due, "
                f"TIMESTAMPDIFF(MICROSECOND, created_at, NOW(6)) AS waited_us "
                f"FROM `{self.table}` WHERE delivered_at IS NULL ORDER BY id LIMIT %s",
                (self.batch,),
            )
            return list(await cur.fetchall())

    async def _measure(self, conn: aiomysql.Connection, rows: list[dict[str, Any]]) -> None:
        """The backlog for the metrics: how many events wait (counted only when a batch is full)
        and how long the oldest (the first, in id order) has waited."""
        pending = len(rows)
        if pending == self.batch:
            async with conn.cursor() as cur:
                await cur.execute(f"SELECT COUNT(*) FROM `{self.table}` WHERE delivered_at IS NULL")
                row = await cur.fetchone()
                pending = int(row[0]) if row else pending
        outbox_seen(pending, rows[0]["waited_us"] / 1_000_000 if rows else None)

    async def _mark(self, conn: aiomysql.Connection, row_id: int, result: Delivery, retry_in: float | None) -> None:
        async with conn.cursor() as cur:
            if result.ok:
                await cur.execute(
                    f"UPDATE `{self.table}` SET delivered_at = NOW(6), attempts = attempts + 1, "
                    f"next_attempt_at = NULL, last_error = NULL WHERE id = %s",
                    (row_id,),
                )
            elif retry_in is None:
                await cur.execute(
                    f"UPDATE `{self.table}` SET attempts = attempts + 1, last_error = %s WHERE id = %s",
                    (result.error[:2000], row_id),
                )
            else:
                await cur.execute(
                    f"UPDATE `{self.table}` SET attempts = attempts + 1, last_error = %s, "
                    f"next_attempt_at = DATE_ADD(NOW(6), INTERVAL %s MICROSECOND) WHERE id = %s",
                    (result.error[:2000], int(retry_in * 1_000_000), row_id),
                )

    async def deliver_pending(self, conn: aiomysql.Connection, client: httpx.AsyncClient) -> float:
        """One pass over the pending rows; returns how long to wait before the next pass."""
        rows = await self._pending(conn)
        await self._measure(conn, rows)
        held: set[tuple[str, int]] = set()
        for row in rows:
            if self._stop.is_set():  # stopping: the delivery before this one was the last
                return 0.0
            key = (row["entity"], int(row["entity_id"]))
            if key in held:
                continue
            if not row["due"]:
                held.add(key)  # an earlier event of this entity waits for its retry: keep the order
                continue
            result = await self.deliver(client, row)
            if not result.ok:
                OUTBOX_FAILURES.labels("unreachable" if result.everyone else "refused").inc()
            if result.ok:
                self.failures = 0
                await self._mark(conn, row["id"], result, None)
            elif result.everyone:
                self.failures += 1
                wait = backoff(self.failures, self.max_backoff)
                log.warning(
                    "outbox: WordPress not reachable at %s (%s); retrying in %.0f s", self.url, result.error, wait
                )
                await self._mark(conn, row["id"], result, None)
                return wait
            else:
                held.add(key)
                retry_in = backoff(int(row["attempts"]) + 1, self.max_backoff)
                log.warning(
                    "outbox: event %s (%s) refused: %s; retrying in %.0f s",
                    row["event_id"],
                    row["action"],
                    result.error,
                    retry_in,
                )
                await self._mark(conn, row["id"], result, retry_in)
        return 0.0 if len(rows) == self.batch and not held else self.poll

    async def deliver(self, client: httpx.AsyncClient, row: dict[str, Any]) -> Delivery:
        """POST one event, signed as its acting user."""
        payload = row["payload"] if isinstance(row["payload"], str) else bytes(row["payload"]).decode("utf-8")
        body = payload.encode("utf-8")
        headers = signed_headers(self.settings.shared_secret, "POST", self.target, acting_user(payload), body)
        headers["Content-Type"] = "application/json"
        headers["X-WP-Bridge-Event"] = str(row["event_id"])
        try:
            response = await client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Delivery(False, True, f"{type(exc).__name__}: {exc}".rstrip(": "))
        if 200 <= response.status_code < 300:
            return Delivery(True)
        detail = f"HTTP {response.status_code}: {response.text[:300]}"
        return Delivery(False, response.status_code not in EVENT_FAILURES, detail)


class SenderSlots(Protocol):
    """Where a worker's sender and its task are kept: the app's context (``services.AppContext``,
    which imports this module), where a write finds the sender to wake it."""

    outbox_sender: OutboxSender | None
    outbox_task: asyncio.Task[None] | None


def _slots(app: AnyApp) -> SenderSlots:
    slots: SenderSlots = app.ctx
    return slots


def attach_sender(app: AnyApp, settings: Settings) -> None:
    """Run an :class:`OutboxSender` in each worker of ``app`` when ``BRIDGE_EVENTS_URL`` is set
    (the named lock lets only one of them deliver)."""
    if not settings.events_url:
        return

    @app.after_server_start
    async def start_outbox(app: AnyApp) -> None:
        sender = OutboxSender(settings)
        slots = _slots(app)
        slots.outbox_sender = sender
        slots.outbox_task = asyncio.get_running_loop().create_task(sender.run(), name="wpbridge-outbox")

    @app.before_server_stop
    async def stop_outbox(app: AnyApp) -> None:
        """Ask the sender to stop, without waiting here: Sanic still listens while
        before-stop listeners run, and a stopping server must not take new requests."""
        sender = _slots(app).outbox_sender
        if sender is not None:
            sender.stop()

    @app.after_server_stop
    async def await_outbox(app: AnyApp) -> None:
        """Let a delivery in flight complete and be marked (the socket is closed by now; it
        ran on while requests in flight finished); cancel only a sender stuck longer than
        one delivery can take."""
        task = _slots(app).outbox_task
        if task is None:
            return
        try:
            await asyncio.wait_for(task, timeout=float(settings.events_timeout) + 2)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()


# ---- `wpbridge outbox` --------------------------------------------------------------------------


def _cell(value: Any, width: int) -> str:
    text = "" if value is None else value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _one(cur: pymysql.cursors.Cursor) -> tuple[Any, ...]:
    """The one row of an aggregate query (which always has one)."""
    row = cur.fetchone()
    if row is None:
        raise RuntimeError("an aggregate query returned no row")
    return row


def pending_report(conn: pymysql.connections.Connection, names: TableNames, settings: Settings, limit: int = 20) -> str:
    """Counts of pending and delivered events and the oldest pending ones, as a table."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s",
            (names.outbox,),
        )
        if not _one(cur)[0]:
            return f"no outbox table {names.outbox} in this database; run `wpbridge migrate`"
        cur.execute(
            f"SELECT SUM(delivered_at IS NULL), SUM(delivered_at IS NOT NULL), MIN(CASE WHEN delivered_at IS NULL THEN created_at END) "
            f"FROM `{names.outbox}`"
        )
        pending, delivered, oldest = _one(cur)
        cur.execute(
            f"SELECT id, event_id, entity, entity_id, action, attempts, created_at, next_attempt_at, last_error "
            f"FROM `{names.outbox}` WHERE delivered_at IS NULL ORDER BY id LIMIT %s",
            (int(limit),),
        )
        rows: Sequence[tuple[Any, ...]] = cur.fetchall()
    pending, delivered = int(pending or 0), int(delivered or 0)
    target = settings.events_url or "nowhere: BRIDGE_EVENTS_URL is not set, so no sender runs"
    lines = [f"outbox {names.outbox}: {pending} pending, {delivered} delivered; delivering to {target}"]
    if oldest is not None:
        lines[0] += f"; oldest pending from {_cell(oldest, 19)}"
    if not rows:
        return lines[0]
    headers = ("id", "event", "entity", "action", "tries", "created", "next try", "last error")
    table = [
        (
            str(r[0]),
            _cell(r[1], 36),
            f"{r[2]} {r[3]}",
            _cell(r[4], 40),
            str(r[5]),
            _cell(r[6], 19),
            _cell(r[7], 19) or "now",
            _cell(r[8], 60),
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(headers)]
    lines.append("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    lines.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table)
    if pending > len(rows):
        lines.append(f"… and {pending - len(rows)} more")
    return "\n".join(lines)


__all__ = ["Delivery", "OutboxSender", "attach_sender", "backoff", "lock_name", "pending_report", "request_target"]
