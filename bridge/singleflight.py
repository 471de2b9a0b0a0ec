"""Single flight: concurrent requests of one worker that need the same value share one computation.

After an eviction, many requests miss the same cache entry at once (a principal, a
``recordsTotal``, a statistics value). The first one computes it; the others wait for that
result instead of repeating the query. If the computation fails (or is cancelled), the waiters
are not handed the error of another request: each computes for itself, as if it had been first.
Waiting is shielded, so a waiter that is cancelled does not cancel the computation it waits for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class _Failed:
    """What a failed computation hands its waiters: nothing, so they compute themselves."""


_FAILED = _Failed()


class SingleFlight(Generic[V]):
    """The computations in flight, by key (one instance per kind of value)."""

    def __init__(self) -> None:
        self._flights: dict[Hashable, asyncio.Future[V | _Failed]] = {}

    def __contains__(self, key: Hashable) -> bool:
        return key in self._flights

    def __len__(self) -> int:
        return len(self._flights)

    async def run(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> V:
        """``compute()``'s value, or the value of the computation of ``key`` already in flight."""
        flight = self._flights.get(key)
        if flight is not None:
            shared = await asyncio.shield(flight)
            if not isinstance(shared, _Failed):
                return shared
        future: asyncio.Future[V | _Failed] = asyncio.get_running_loop().create_future()
        self._flights[key] = future
        outcome: V | _Failed = _FAILED
        try:
            outcome = await compute()
            return outcome
        finally:
            future.set_result(outcome)  # _FAILED after an error: the waiters compute for themselves
            if self._flights.get(key) is future:
                del self._flights[key]
