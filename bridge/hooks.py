"""WordPress-style filters and actions, one ``Hooks`` per app (no globals).

Lower priorities run first; equal priorities run in registration order. Callbacks may be
plain functions or coroutines. ``apply_filters`` passes the value through each callback;
``do_action`` calls each callback for its side effects.

As in WordPress, a filter hands back a value of the kind it was given: ``apply_filters`` is typed
so (the value's type in, the same type out); the callbacks' results are not checked at run time.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

Callback = Callable[..., object]  # sync, or async (its awaitable is awaited)
T = TypeVar("T")
U = TypeVar("U")


@dataclass(order=True)
class _Entry:
    priority: int
    seq: int
    callback: Callback = field(compare=False)
    accepted_args: int | None = field(compare=False, default=None)

    def call(self, *args: object) -> object:
        return self.callback(*(args if self.accepted_args is None else args[: self.accepted_args]))


def _positional_count(callback: Callback) -> int | None:
    """How many positional arguments ``callback`` takes (None: any number), like WP's accepted_args."""
    try:
        params = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):
        return None
    count = 0
    for param in params:
        if param.kind is param.VAR_POSITIONAL:
            return None
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            count += 1
    return count


class Hooks:
    """Named chains of callbacks, like ``add_filter`` / ``apply_filters`` in WordPress."""

    def __init__(self) -> None:
        self._chains: dict[str, list[_Entry]] = {}
        self._seq = itertools.count()
        self.version = 0  # changes with every callback added or removed (what a memo of a chain's result checks)
        self._settled: dict[object, Any] = {}  # see ``settled``

    def add_filter(
        self, name: str, callback: Callback, priority: int = 10, accepted_args: int | None = None
    ) -> Callback:
        """Register ``callback``; it receives at most ``accepted_args`` arguments (default: what it declares)."""
        chain = self._chains.setdefault(name, [])
        count = _positional_count(callback) if accepted_args is None else accepted_args
        chain.append(_Entry(priority, next(self._seq), callback, count))
        chain.sort()
        self.version += 1
        self._settled.clear()
        return callback

    add_action = add_filter

    def remove_filter(self, name: str, callback: Callback, priority: int | None = None) -> bool:
        """Remove ``callback`` (at ``priority`` if given); True if something was removed."""
        chain = self._chains.get(name, [])
        kept = [e for e in chain if not (e.callback == callback and (priority is None or e.priority == priority))]
        self._chains[name] = kept
        self.version += 1
        self._settled.clear()
        return len(kept) != len(chain)

    remove_action = remove_filter

    def has_filter(self, name: str) -> bool:
        return bool(self._chains.get(name))

    has_action = has_filter

    def settled(self, key: object, make: Callable[[], U]) -> U:
        """``make()``, once while the chains stay as they are: what is worked out from which
        callbacks are registered (not from what they answer), asked on every request."""
        if key in self._settled:
            found: U = self._settled[key]
            return found
        value = self._settled[key] = make()
        return value

    def callbacks(self, name: str) -> tuple[Callback, ...]:
        """The callbacks of ``name`` in the order they run."""
        return tuple(entry.callback for entry in self._chains.get(name, ()))

    def filter(self, name: str, priority: int = 10) -> Callable[[Callback], Callback]:
        """Decorator form of ``add_filter``."""

        def register(callback: Callback) -> Callback:
            return self.add_filter(name, callback, priority)

        return register

    action = filter

    async def apply_filters(self, name: str, value: T, *args: object) -> T:
        """``value`` passed through each callback of ``name`` (with ``args``), in priority order."""
        result: object = value
        for entry in list(self._chains.get(name, ())):
            result = entry.call(result, *args)
            if inspect.isawaitable(result):
                result = await result
        return cast(T, result)  # the filter contract: each callback hands back the kind it was given

    async def do_action(self, name: str, *args: object) -> None:
        for entry in list(self._chains.get(name, ())):
            result = entry.call(*args)
            if inspect.isawaitable(result):
                await result
