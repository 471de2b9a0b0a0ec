"""The REST nonce: ``wp_nonce_tick``, ``wp_create_nonce`` and ``wp_verify_nonce`` for the
``wp_rest`` action, and where a request carries it."""

from __future__ import annotations

import hmac
import math

from sanic import Request

from bridge.errors import BridgeError
from bridge.wp_cookie.keys import wp_hash
from bridge.wp_cookie.php import php_truthy, to_bytes

DAY_IN_SECONDS = 86400  # the nonce life WordPress uses unless a plugin filters ``nonce_life``
NONCE_ACTION = "wp_rest"


def nonce_tick(now: float, life: int = DAY_IN_SECONDS) -> int:
    """``wp_nonce_tick``: which half of the nonce life ``now`` falls in."""
    return math.ceil(now / (life / 2))


def create_nonce(salt: str, tick: int, action: str, user_id: int, token: bytes | str) -> str:
    """``wp_create_nonce``: 10 hex characters bound to the tick, action, user and session token."""
    return wp_hash(b"|".join((str(tick).encode(), to_bytes(action), str(user_id).encode(), to_bytes(token))), salt)[
        -12:-2
    ]


def verify_nonce(salt: str, nonce: str, action: str, user_id: int, token: bytes | str, now: float) -> int:
    """``wp_verify_nonce``: 1 when made in this tick, 2 in the previous one, 0 otherwise (an empty nonce included)."""
    if not php_truthy(nonce):
        return 0
    tick = nonce_tick(now)
    for age, at in ((1, tick), (2, tick - 1)):
        if hmac.compare_digest(create_nonce(salt, at, action, user_id, token).encode(), to_bytes(nonce)):
            return age
    return 0


def nonce_of(request: Request) -> str | None:
    """The REST nonce the request carries: ``_wpnonce`` in the query first, then ``X-WP-Nonce``
    (as ``rest_cookie_check_errors`` reads ``$_REQUEST`` first); None when it carries neither."""
    query: list[tuple[str, str]] = request.get_query_args(keep_blank_values=True)
    for key, value in query:
        if key == "_wpnonce":
            return value
    return request.headers.get("x-wp-nonce")


def invalid_nonce() -> BridgeError:
    """WordPress's answer to a cookie request whose nonce does not verify."""
    return BridgeError("rest_cookie_invalid_nonce", "Cookie check failed", 403)
