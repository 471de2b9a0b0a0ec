"""Values a worker keeps per caller: what depends on nothing but a key and the caller's
principal object, while the hooks stay as they were.

A principal is frozen and a new load (after a write that changed the user's relations, or past
its TTL) is a new object, so a value kept for one principal object is never served to another:
an entry keeps its principal, so its id is never reused while the entry lives (as
``Access.scope`` does). Every entry also carries the hooks' version: a callback added or removed
since makes it unreachable. With Redis as the cache a principal is a new object at each request,
and nothing is kept long enough to be reused. A key that names other objects by id (a table
model) is safe the same way when the value keeps those objects.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from bridge.hooks import Hooks
from bridge.principal import Principal

V = TypeVar("V")
T = TypeVar("T")
ENTRIES = 1024  # per memo and worker; a memo starts over when full
DERIVED_ENTRIES = 16  # per kept value: what it derives for so many variants (a page's paging)


class CallerMemo(Generic[V]):
    """``(key, principal object) -> value`` for one app's hooks at one version."""

    def __init__(self) -> None:
        self._entries: dict[tuple[object, int], tuple[Principal, Hooks, int, V]] = {}

    def get(self, hooks: Hooks, principal: Principal, key: object) -> V | None:
        kept = self._entries.get((key, id(principal)))
        if kept is None or kept[0] is not principal or kept[1] is not hooks or kept[2] != hooks.version:
            return None
        return kept[3]

    def keep(self, hooks: Hooks, principal: Principal, key: object, value: V, version: int) -> None:
        """Keep ``value``, worked out while the hooks were at ``version``."""
        if len(self._entries) >= ENTRIES:
            self._entries.clear()
        self._entries[(key, id(principal))] = (principal, hooks, version, value)

    async def through(self, hooks: Hooks, principal: Principal, key: object, make: Callable[[], Awaitable[V]]) -> V:
        """The value kept for ``key`` and this caller, else ``make()``'s, kept (at the hooks'
        version read before making it: a callback added meanwhile makes it unreachable)."""
        kept = self.get(hooks, principal, key)
        if kept is not None:
            return kept
        version = hooks.version
        value = await make()
        self.keep(hooks, principal, key, value, version)
        return value


class Derived:
    """What a request works out from a kept value and the caller alone (its bound WHERE, its
    statements, their cache keys), kept with that value while it is kept; a value made for one
    request only (``kept`` False) makes each again."""

    __slots__ = ("_values", "kept")

    def __init__(self, kept: bool) -> None:
        self.kept = kept
        self._values: dict[object, Any] = {}

    def get(self, key: object, make: Callable[[], T]) -> T:
        """``make()``, once per ``key`` while the value is kept."""
        if not self.kept:
            return make()
        if key in self._values:
            found: T = self._values[key]
            return found
        value = make()
        if len(self._values) >= DERIVED_ENTRIES:
            self._values.clear()
        self._values[key] = value
        return value
