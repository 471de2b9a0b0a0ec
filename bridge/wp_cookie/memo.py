"""``SessionMemo``: this worker's recent successful cookie checks, so that a direct draw does not
read the user's row and ``session_tokens`` on every request (issue 17: that statement was a fifth
of the fast path's work).

An entry is keyed by a hash of the whole cookie value: a cookie that differs in any byte (forged,
tampered, another session's) never hits and is checked against the database. It holds what the
check proved — the user, the salt the HMAC was checked with, the session's expiration — and is
trusted only while

* the ``sessions`` cache group's generation is still the one read *before* the check: the shim
  evicts that group (``POST /cache/invalidate {"entity": "session"}``) inside the very hook that
  changes a user's sessions, password or row (a logout, "log out everywhere", a new password, a
  deleted user), and a generation reaches every worker and host (bridge/cache.py);
* it is younger than ``BRIDGE_COOKIE_SESSION_RECHECK_S``: a change nobody reported (WordPress
  without the shim, a lost push, direct SQL) takes effect within that many seconds (0: no memo);
* the session's expiration is not past (the cookie's own expiration, with the POST grace, is
  checked by the caller on every request, hit or not; so is the nonce).

Refusals are never kept: a forged cookie costs the statement each time, as before.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from bridge.cache import Cache

SESSIONS_GROUP = "sessions"  # evicted by the "session" and "user" entities (bridge/invalidation.py)
MEMO_ENTRIES = 10_000  # per worker; the memo starts over when full


@dataclass(frozen=True, slots=True)
class Proven:
    """One successful check of one cookie value."""

    user_id: int
    salt: str  # the logged_in salt the HMAC was checked with (rotated keys: a miss)
    session_expiration: float
    generation: str  # of SESSIONS_GROUP, read before the statement
    checked_at: float  # monotonic, taken before the statement


def memo_key(raw_cookie: bytes) -> bytes:
    """The whole cookie value's digest (the memo holds no cookie)."""
    return hashlib.sha256(raw_cookie).digest()


class SessionMemo:
    """Successful cookie checks of this worker, trusted for at most ``recheck_s`` seconds."""

    def __init__(self, cache: Cache, recheck_s: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.cache = cache
        self.recheck_s = recheck_s
        self.clock = clock
        self._proven: dict[bytes, Proven] = {}

    @property
    def enabled(self) -> bool:
        return self.recheck_s > 0

    async def generation(self) -> str:
        """The sessions group's generation now ("" when the memo is off: nothing is read)."""
        return await self.cache.generations([SESSIONS_GROUP]) if self.enabled else ""

    async def recall(self, key: bytes, salt: str, now: int) -> int | None:
        """The user this cookie value proved, while the proof holds; None: check it again."""
        proven = self._proven.get(key)
        if proven is None:
            return None
        if (
            self.clock() - proven.checked_at >= self.recheck_s
            or proven.salt != salt
            or proven.session_expiration < now
            or await self.generation() != proven.generation
        ):
            self._proven.pop(key, None)
            return None
        return proven.user_id

    def keep(self, key: bytes, proven: Proven) -> None:
        if not self.enabled:
            return
        if len(self._proven) >= MEMO_ENTRIES and key not in self._proven:
            self._proven.clear()
        self._proven[key] = proven
