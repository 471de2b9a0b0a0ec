"""Cache with TTL and groups: diskcache on one host, Redis (``BRIDGE_CACHE_URL``) for several.

Entries belong to a group (a diskcache tag; a Redis set of keys) so that a write can evict
everything it affects at once. ``add`` is atomic and backs the replay-nonce store.
Keys are namespaced by database and table prefix so two sites never share entries.

A derived value (a count, a list of ids) often depends on several tables, so one group is not
enough: evicting a group also bumps that group's *generation*, and ``remember`` puts the
generations of every group an entry depends on into its key. Evicting any of them makes the
entry unreachable at once, on every worker and host, without knowing who wrote it.

``count`` and ``counters`` are windowed counters (failed logins): a counter starts at its first
``count`` and disappears ``window`` seconds later, whatever was counted since.
"""

from __future__ import annotations

import hashlib
import pickle
import secrets
import sqlite3
import time
from asyncio import AbstractEventLoop, Task, current_task
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from typing import Any, Protocol, cast

import diskcache

from bridge.cache_stamp import Stamp
from bridge.metrics import counts_lookups
from bridge.singleflight import SingleFlight

MISSING = object()

# The generations one read request has seen: read from the store once per request (its first
# ``generations``) and reused by its later lookups (principal, credentials, totals), so a request
# costs one generations read, not one per lookup. Only the task that began the request uses it (a
# task spawned from it inherits the context, not the snapshot); its own evictions drop it.
# The loop is kept with the task: ``current_task(loop)`` is a dict lookup, while ``current_task()``
# asks for the running loop, which on Python 3.11 makes a getpid system call each time.
_SEEN: ContextVar[tuple[Task[Any], AbstractEventLoop, dict[str, str]] | None] = ContextVar(
    "cache_generations_seen", default=None
)


_ALL = ""  # in a snapshot: every counter was read (a missing one is 0)


def read_generations_once(read: bool) -> None:
    """At a request's start: a ``read`` request that runs in this task reads the generations once
    (an eviction in it still drops them); any other reads them at each lookup."""
    task = current_task() if read else None
    _SEEN.set((task, task.get_loop(), {}) if task is not None else None)


def _seen() -> dict[str, str] | None:
    seen = _SEEN.get()
    return seen[2] if seen is not None and seen[0] is current_task(seen[1]) else None


def _versioned(key: str, seen: dict[str, str]) -> bool:
    """Whether ``key`` ends in ``@`` and generations (none 0) that this request read."""
    _, at, suffix = key.rpartition("@")
    if not at:
        return False
    values = seen.values()  # a scan of ~30 for 2-3 parts: cheaper than building a set per lookup
    return all(part not in ("", "0") and part in values for part in suffix.split("."))


def _new_generation() -> int:
    """A group's generation after an eviction: random (never 0), so it never repeats, not even
    after a clear or a cull dropped the counter (a worker's memo may hold older keys)."""
    return secrets.randbits(62) + 1


COUNTERS_GROUP = "counters#"  # its generation changes at each ``count`` (no group of entries has a ``#``)
MEMO_ENTRIES = 10_000  # per worker; the memo starts over when full


def _forget_seen() -> None:
    if _SEEN.get() is not None:
        _SEEN.set(None)


class Cache(Protocol):
    async def get(self, key: str, default: Any = MISSING) -> Any: ...
    async def set(self, key: str, value: Any, ttl: float, group: str) -> None: ...
    async def add(self, key: str, value: Any, ttl: float) -> bool: ...
    async def evict(self, *groups: str) -> None: ...
    async def generations(self, groups: Iterable[str]) -> str: ...
    async def count(self, key: str, window: float) -> int: ...
    async def counters(self, keys: Iterable[str]) -> list[tuple[int, float]]: ...
    async def clear(self) -> None: ...
    async def close(self) -> None: ...


class DiskCache:
    """diskcache under ``BRIDGE_CACHE_DIR``, shared by the workers of one host."""

    def __init__(self, directory: str, namespace: str) -> None:
        self._cache = diskcache.Cache(
            directory, tag_index=True, size_limit=2**30, eviction_policy="least-recently-stored"
        )
        self._ns = namespace + ":"
        self._memo: dict[str, tuple[Any, float | None]] = {}  # see ``get``
        self._none_counted: dict[str, str] = {}  # see ``counters``
        self._stamp = Stamp(directory)  # see ``generations``
        self._snapshot: tuple[int, dict[str, str]] | None = None  # the stamp, and the generations read under it

    @counts_lookups(MISSING)  # hits and misses by kind of key (bridge/metrics.py)
    async def get(self, key: str, default: Any = MISSING) -> Any:
        """The entry; in a read request, an entry whose key ends in generations this request read
        comes from this worker's memo while it lives (its TTL): an eviction changes a generation,
        so the key, and a generation never repeats (random, created when missing)."""
        full = self._ns + key
        seen = _seen()
        if seen is None or not _versioned(key, seen):
            return self._cache.get(full, default=default)
        kept = self._memo.get(full)
        if kept is not None and (kept[1] is None or kept[1] > time.time()):
            return kept[0]
        value, expires = self._cache.get(full, default=MISSING, expire_time=True)
        if value is MISSING:
            return default
        if len(self._memo) >= MEMO_ENTRIES:
            self._memo.clear()
        self._memo[full] = (value, expires)
        return value

    async def set(self, key: str, value: Any, ttl: float, group: str) -> None:
        self._memo.pop(self._ns + key, None)
        self._cache.set(self._ns + key, value, expire=ttl, tag=self._ns + group)

    async def add(self, key: str, value: Any, ttl: float) -> bool:
        return bool(self._cache.add(self._ns + key, value, expire=ttl))

    async def evict(self, *groups: str) -> None:
        _forget_seen()
        try:
            for group in groups:
                self._cache.set(self._ns + "gen:" + group, _new_generation())
                self._cache.evict(self._ns + group)
        finally:
            self._stamp.change()  # after the change (bridge/cache_stamp.py)

    async def generations(self, groups: Iterable[str]) -> str:
        """One SQLite query for all the counters (``evict`` keeps them as raw ints), instead of a get
        each; once per read request (``read_generations_once``), and not even that while the
        stamp says no generation changed since this worker's last read (bridge/cache_stamp.py)."""
        names = [self._ns + "gen:" + g for g in groups]
        seen = _seen()
        if seen is None:
            return self._read_generations(names)
        if _ALL not in seen:  # the request's first: every counter of this namespace in one query
            every = self._every_generation()
            if every is None:
                return self._read_generations(names)
            seen.update(every)
            seen[_ALL] = ""
        for name in names:
            if name not in seen:  # never evicted (or lost to a clear or a cull): give it a fresh one
                if self._cache.add(name, _new_generation()):
                    self._stamp.change()
                seen[name] = str(self._cache.get(name, default=0))
        return ".".join(seen[name] for name in names)

    def _every_generation(self) -> dict[str, str] | None:
        """``_all_generations``, reused while the stamp is the one read before it."""
        stamp = self._stamp.read()  # before the read: a change after it gives another stamp
        if self._snapshot is not None and self._snapshot[0] == stamp:
            return self._snapshot[1]
        every = self._all_generations()
        self._snapshot = (stamp, every) if every is not None else None
        return every

    def _all_generations(self) -> dict[str, str] | None:
        """Every generation counter of this namespace (a range of the key index); None when SQLite
        is busy or a counter is not a raw int (then each is read as diskcache does)."""
        prefix = self._ns + "gen:"
        try:
            rows = self._cache._sql(
                "SELECT key, value, mode FROM Cache WHERE raw = 1 AND key >= ? AND key < ?"
                " AND (expire_time IS NULL OR expire_time > ?)",
                (prefix, prefix[:-1] + ";", time.time()),
            ).fetchall()
        except sqlite3.OperationalError:
            return None
        if any(mode != diskcache.core.MODE_RAW for _, _, mode in rows):
            return None
        return {key: str(value) for key, value, _ in rows}

    def _read_generations(self, names: list[str]) -> str:
        distinct = sorted(set(names))
        try:
            rows = self._cache._sql(
                f"SELECT key, value, mode FROM Cache WHERE raw = 1 AND key IN ({', '.join('?' * len(distinct))})"
                " AND (expire_time IS NULL OR expire_time > ?)",
                (*distinct, time.time()),
            ).fetchall()
        except sqlite3.OperationalError:  # busy: the plain path retries as diskcache does
            rows = None
        if rows is None or any(mode != diskcache.core.MODE_RAW for _, _, mode in rows):
            return ".".join(str(self._cache.get(name, default=0)) for name in names)
        found = {key: value for key, value, _ in rows}
        return ".".join(str(found.get(name, 0)) for name in names)

    async def count(self, key: str, window: float) -> int:
        """One more in ``key``'s window; the window (its expiry) starts with the first count."""
        full = self._ns + key
        with self._cache.transact():  # add sets the expiry; incr alone would store a counter that never expires
            self._cache.add(full, 0, expire=window)
            counted = int(self._cache.incr(full, 1))
        _forget_seen()  # after the count, so that a request that still sees the old generation saw no count
        self._cache.set(self._ns + "gen:" + COUNTERS_GROUP, _new_generation())
        self._stamp.change()
        return counted

    async def counters(self, keys: Iterable[str]) -> list[tuple[int, float]]:
        """Each counter's value and the seconds left of its window; (0, 0.0) when none is running.
        In a read request, counters this worker found all at 0 since the last ``count`` anywhere
        (its generation) are 0 without a read: a count only ever starts from one."""
        names = [self._ns + k for k in keys]
        if not names:
            return []
        together = "\0".join(names)
        since = await self.generations([COUNTERS_GROUP]) if _seen() is not None else None
        if since is not None and self._none_counted.get(together) == since:
            return [(0, 0.0)] * len(names)
        found = self._read_counters(names)
        if since is not None and not any(value for value, _ in found):
            if len(self._none_counted) >= MEMO_ENTRIES:
                self._none_counted.clear()
            self._none_counted[together] = since
        return found

    def _read_counters(self, names: list[str]) -> list[tuple[int, float]]:
        now = time.time()
        try:  # one SQLite query, as in ``generations``
            rows = self._cache._sql(
                f"SELECT key, value, mode, expire_time FROM Cache WHERE raw = 1 AND key IN ({', '.join('?' * len(names))})"
                " AND expire_time > ?",
                (*names, now),
            ).fetchall()
        except sqlite3.OperationalError:  # busy: the plain path retries as diskcache does
            rows = None
        if rows is None or any(mode != diskcache.core.MODE_RAW for _, _, mode, _ in rows):
            rows = [(n, *self._cache.get(n, default=0, expire_time=True)) for n in names]
            rows = [(n, v, diskcache.core.MODE_RAW, e) for n, v, e in rows if v and e]
        found = {key: (int(value), max(0.0, expires - now)) for key, value, _, expires in rows}
        return [found.get(name, (0, 0.0)) for name in names]

    async def clear(self) -> None:
        try:
            self._cache.clear()
        finally:
            self._stamp.change()

    async def close(self) -> None:
        self._snapshot = None
        self._stamp.close()
        self._cache.close()


class RedisCache:
    """Redis, so that several hosts share one cache and one replay-nonce store."""

    def __init__(self, url: str, namespace: str) -> None:
        import redis.asyncio as redis

        # Without ``decode_responses`` every reply is bytes; redis-py types replies ``bytes | str``
        # for both modes, hence the casts to bytes below.
        self._redis = redis.from_url(url)
        self._ns = "wpbridge:" + namespace + ":"

    @counts_lookups(MISSING)
    async def get(self, key: str, default: Any = MISSING) -> Any:
        raw = await self._redis.get(self._ns + key)
        return default if raw is None else pickle.loads(cast(bytes, raw))

    async def set(self, key: str, value: Any, ttl: float, group: str) -> None:
        full = self._ns + key
        group_key = self._ns + "group:" + group
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(full, pickle.dumps(value), px=max(1, int(ttl * 1000)))
            pipe.sadd(group_key, full)
            pipe.expire(group_key, max(1, int(ttl)) + 60)
            await pipe.execute()

    async def add(self, key: str, value: Any, ttl: float) -> bool:
        return bool(await self._redis.set(self._ns + key, pickle.dumps(value), px=max(1, int(ttl * 1000)), nx=True))

    async def evict(self, *groups: str) -> None:
        _forget_seen()
        for group in groups:
            await self._redis.incr(self._ns + "gen:" + group)
            group_key = self._ns + "group:" + group
            members = await self._redis.smembers(group_key)
            if members:
                await self._redis.delete(*members)
            await self._redis.delete(group_key)

    async def generations(self, groups: Iterable[str]) -> str:
        names = [self._ns + "gen:" + g for g in groups]
        if not names:
            return ""
        seen = _seen()
        if seen is not None and all(name in seen for name in names):
            return ".".join(seen[name] for name in names)
        values = [cast(bytes, v or b"0").decode() for v in await self._redis.mget(names)]
        if seen is not None:
            seen.update(zip(names, values, strict=True))
        return ".".join(values)

    async def count(self, key: str, window: float) -> int:
        """INCR, with the expiry set only by the first count (``SET NX PX`` before it, in one transaction)."""
        full = self._ns + key
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(full, 0, px=max(1, int(window * 1000)), nx=True)
            pipe.incr(full)
            pipe.set(self._ns + "gen:" + COUNTERS_GROUP, _new_generation())  # as diskcache: a count is a change
            _, value, _ = await pipe.execute()
        return int(value)

    async def counters(self, keys: Iterable[str]) -> list[tuple[int, float]]:
        names = [self._ns + k for k in keys]
        if not names:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.get(name)
                pipe.pttl(name)
            replies = await pipe.execute()
        out: list[tuple[int, float]] = []
        for value, left in zip(replies[::2], replies[1::2], strict=True):
            out.append((int(value), left / 1000) if value is not None and left > 0 else (0, 0.0))
        return out

    async def clear(self) -> None:
        keys = [k async for k in self._redis.scan_iter(match=self._ns + "*")]
        if keys:
            await self._redis.delete(*keys)

    async def close(self) -> None:
        await self._redis.aclose()


def open_cache(directory: str, url: str | None, namespace: str) -> Cache:
    return RedisCache(url, namespace) if url else DiskCache(directory, namespace)


def digest(*parts: Any) -> str:
    """A short stable hash of ``parts`` (e.g. a rendered SQL and its parameters) for cache keys."""
    return hashlib.sha1(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:20]


async def remember(
    cache: Cache,
    key: str,
    compute: Callable[[], Awaitable[Any]],
    *,
    ttl: float,
    group: str,
    depends: Iterable[str] = (),
) -> Any:
    """``compute()`` once per ``ttl``, tagged with ``group``; stale as soon as any of
    ``group`` and ``depends`` is evicted (their generations are part of the key)."""
    groups = list(dict.fromkeys([group, *depends]))
    full = f"{key}@{await cache.generations(groups)}"
    value = await cache.get(full, MISSING)
    if value is not MISSING:
        return value

    async def compute_and_keep() -> Any:
        value = await compute()
        await cache.set(full, value, ttl, group)
        return value

    return await _COMPUTING.run((id(cache), full), compute_and_keep)


# Values being computed right now, per cache and key: after an eviction, concurrent requests of
# one worker for the same statistics wait for one computation instead of running it each.
_COMPUTING: SingleFlight[Any] = SingleFlight()
