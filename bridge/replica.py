"""A read replica (``BRIDGE_DATABASE_READ_URL``): where each read goes, and whether the replica
may be trusted right now.

``RoutedDatabase`` is the ``Database`` every service uses when a replica is set. Its reads (every
``fetch_*``: lists, items, DataTables, statistics, relations, tabs, authentication) go to the
replica's pool, except:

* **writes** (``transaction``/``connection``) and every read of a request that writes (its
  reference checks, the read-back of what it wrote) go to the primary;
* **the caller's own reads** for ``BRIDGE_READ_YOUR_WRITES_S`` after their write: the write
  leaves a mark in the shared cache (diskcache, or Redis across hosts), so whichever worker or host
  serves the next request sees it;
* **while the replica is not trusted**: a ``ReplicaMonitor`` per worker asks it ``SHOW REPLICA
  STATUS`` every second; lagging more than ``BRIDGE_REPLICA_MAX_LAG_S``, replication stopped, not
  connected to its primary, or down (a read that fails is retried on the primary at once) — the
  reads fall back to the primary until the next probe finds it healthy again.

Cached answers: a reader may cache what the replica returned just before the replica applied a
write, after the write evicted the cache. So a write evicts its groups a second time once the
replica has had the time it is allowed to lag (``evict_again``).

``/readyz``, ``wpbridge doctor`` and ``/metrics`` report the replica's state (``report``).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pymysql
from prometheus_client import Counter, Gauge
from sanic import Request
from sanic.exceptions import SanicException

from bridge.cache import Cache
from bridge.db import Database, Executor
from bridge.errors import DatabaseUnavailable
from bridge.settings import Settings

T = TypeVar("T")
log = logging.getLogger("bridge.replica")

POLL_S = 1.0  # how often each worker asks the replica how far behind it is
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_primary_only: contextvars.ContextVar[bool] = contextvars.ContextVar("wpbridge_primary_only", default=False)

READS = Counter("wpbridge_db_reads", "Reads by the database that answered them (replica or primary).", ["target"])
REPLICA_LAG = Gauge(
    "wpbridge_replica_lag_seconds",
    "How far the read replica is behind its primary, as last probed (-1: unknown, e.g. down or stopped).",
    multiprocess_mode="livemax",
)
REPLICA_USED = Gauge(
    "wpbridge_replica_in_use",
    "1 while reads go to the replica, 0 while they fall back to the primary (lagging, stopped or down).",
    multiprocess_mode="livemin",
)


@dataclass(frozen=True)
class Verdict:
    """What a probe found: ``ok`` (reads may go there), ``lagging``, ``stopped`` or ``down``."""

    state: str
    lag: float | None
    reason: str

    @property
    def usable(self) -> bool:
        return self.state == "ok"


def judge(status: Mapping[str, Any] | None, max_lag: float) -> Verdict:
    """The verdict on one ``SHOW REPLICA STATUS`` row (MariaDB's ``Slave_*`` columns or MySQL's
    ``Replica_*``); None: the server replicates from nothing, so it is as current as it gets."""
    if status is None:
        return Verdict("ok", 0.0, "not a replica (SHOW REPLICA STATUS is empty): read as current")

    def column(*names: str) -> Any:
        return next((status[name] for name in names if name in status), None)

    io = column("Slave_IO_Running", "Replica_IO_Running")
    sql = column("Slave_SQL_Running", "Replica_SQL_Running")
    lag = column("Seconds_Behind_Master", "Seconds_Behind_Source")
    if sql != "Yes":
        return Verdict("stopped", None, "its SQL thread does not run: it applies no more changes")
    if io != "Yes":
        return Verdict("stopped", None, f"it is not connected to its primary (IO thread: {io})")
    if lag is None:
        return Verdict("stopped", None, "it reports no lag (Seconds_Behind_Master is NULL)")
    if float(lag) > max_lag:
        return Verdict("lagging", float(lag), f"{lag} s behind, more than BRIDGE_REPLICA_MAX_LAG_S={max_lag:g}")
    return Verdict("ok", float(lag), f"{lag} s behind")


async def replica_status(ex: Executor) -> Mapping[str, Any] | None:
    """``SHOW REPLICA STATUS`` (MariaDB ≥ 10.5, MySQL ≥ 8.0.22), else ``SHOW SLAVE STATUS``."""
    try:
        return await ex.fetch_one("SHOW REPLICA STATUS")
    except pymysql.err.ProgrammingError:  # 1064: an older server's parser
        return await ex.fetch_one("SHOW SLAVE STATUS")


class ReplicaMonitor:
    """This worker's view of the replica, refreshed every ``POLL_S`` seconds."""

    def __init__(self, replica: Database, max_lag: float) -> None:
        self.replica = replica
        self.max_lag = max_lag
        self.verdict = Verdict("down", None, "not probed yet")

    def _set(self, verdict: Verdict) -> None:
        if verdict.state != self.verdict.state:
            level = logging.INFO if verdict.usable else logging.WARNING
            log.log(level, "read replica %s: %s (%s)", self.replica.url, verdict.state, verdict.reason)
        self.verdict = verdict
        REPLICA_LAG.set(-1 if verdict.lag is None else verdict.lag)
        REPLICA_USED.set(1 if verdict.usable else 0)

    async def probe(self) -> Verdict:
        """Ask the replica now (opening its pool if it was down)."""
        try:
            if self.replica.pool is None:
                await self.replica.open()
            async with self.replica.connection() as ex:
                status = await replica_status(ex)
            self._set(judge(status, self.max_lag))
        except DatabaseUnavailable as exc:
            self._set(Verdict("down", None, exc.detail))
        except pymysql.MySQLError as exc:  # e.g. 1227: the user may not read the replication status
            self._set(Verdict("down", None, f"SHOW REPLICA STATUS failed: {exc.args[-1] if exc.args else exc}"))
        return self.verdict

    def failed(self, exc: DatabaseUnavailable) -> None:
        """A read on the replica failed: fall back until the next probe finds it again."""
        self._set(Verdict("down", None, exc.detail))

    async def run(self) -> None:
        while True:
            await asyncio.sleep(POLL_S)
            await self.probe()


class RoutedDatabase(Database):
    """The primary's pool (writes, and reads that must see them) plus the replica's (other reads)."""

    def __init__(self, settings: Settings) -> None:
        assert settings.database_read_url is not None
        size, timeout = settings.pool_size, settings.database_timeout
        super().__init__(settings.database_url, maxsize=size, timeout=timeout)
        self.replica = Database(settings.database_read_url, maxsize=size, timeout=timeout)
        self.monitor = ReplicaMonitor(self.replica, settings.replica_max_lag_s)
        self.read_your_writes = float(settings.read_your_writes_s)
        self.cache: Cache | None = None  # where writes leave their mark (set once the cache is open)
        self._tasks: set[asyncio.Task[None]] = set()
        self._decided: weakref.WeakKeyDictionary[Request, bool] = weakref.WeakKeyDictionary()

    def remember_writes_in(self, cache: Cache) -> None:
        self.cache = cache

    async def open(self) -> None:
        await super().open()
        await self.monitor.probe()  # a replica down at start only means reads start on the primary
        self._spawn(self.monitor.run())

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.replica.close()
        await super().close()

    def _spawn(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def ping(self, timeout: float = 3.0) -> None:
        """Readiness is the primary's: it takes every write (the replica's state is the monitor's)."""
        token = _primary_only.set(True)
        try:
            await super().ping(timeout)
        finally:
            _primary_only.reset(token)

    async def _with_retry(self, read: Callable[[Executor], Awaitable[T]]) -> T:
        if self.monitor.verdict.usable and not _primary_only.get() and not await self._primary_for_this_request():
            try:
                result = await self.replica._with_retry(read)
            except DatabaseUnavailable as exc:
                self.monitor.failed(exc)
            else:
                READS.labels("replica").inc()
                return result
        READS.labels("primary").inc()
        return await super()._with_retry(read)

    async def _primary_for_this_request(self) -> bool:
        """A request that writes reads on the primary; so does a caller who wrote within
        ``read_your_writes`` seconds (decided once per request, when it is authenticated)."""
        try:
            request = Request.get_current()
        except SanicException:  # no request: the start (schema), a background task
            return False
        sent = getattr(request.ctx, "sent_method", None) or request.method
        if request.method not in READ_METHODS or sent not in READ_METHODS:
            return True
        if request in self._decided:
            return self._decided[request]
        principal = getattr(request.ctx, "principal", None)
        if principal is None or not principal.logged_in or self.cache is None:
            return False  # authentication's own reads: who the caller is comes from the replica
        wrote = await self.cache.get(_mark(principal.user_id), None) is not None
        self._decided[request] = wrote
        return wrote

    async def note_write(self, user_id: int, groups: list[str]) -> None:
        """After a committed write: the caller reads from the primary for a while, and the cache
        groups the write made stale are evicted again once the replica must have caught up."""
        if self.cache is None:
            return
        if self.read_your_writes > 0 and user_id:
            await self.cache.set(_mark(user_id), 1, self.read_your_writes, "replica")
        if groups:
            self._spawn(self.evict_again(groups))

    async def evict_again(self, groups: list[str]) -> None:
        await asyncio.sleep(self.monitor.max_lag + POLL_S + 1)
        if self.cache is not None:
            try:
                await self.cache.evict(*groups)
            except Exception:  # the write is long answered; the entries expire on their own
                log.exception("could not evict %s again after a write", groups)


def _mark(user_id: int) -> str:
    return f"wrote:{int(user_id)}"


def open_database(settings: Settings) -> Database:
    """The primary's pool, routed to ``BRIDGE_DATABASE_READ_URL`` for reads when that is set."""
    if settings.database_read_url is not None:
        return RoutedDatabase(settings)
    return Database(settings.database_url, maxsize=settings.pool_size, timeout=settings.database_timeout)


async def note_write(db: Database, user_id: int, groups: list[str]) -> None:
    """What a committed REST write tells the router (nothing without a replica)."""
    if isinstance(db, RoutedDatabase):
        await db.note_write(user_id, groups)


def report(db: Database) -> dict[str, Any] | None:
    """The replica's state for ``/readyz``: None without one."""
    if not isinstance(db, RoutedDatabase):
        return None
    verdict = db.monitor.verdict
    return {
        "state": verdict.state,
        "lag_seconds": verdict.lag,
        "reads": "replica" if verdict.usable else "primary",
        "reason": verdict.reason,
    }
