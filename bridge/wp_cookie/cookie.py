"""The logged-in cookie ``login|expiration|token|hmac``: ``wp_parse_auth_cookie``,
``wp_validate_auth_cookie`` (expiry, HMAC) and ``WP_User_Meta_Session_Tokens::verify`` (the
session still in the user's ``session_tokens`` meta), and ``wp_generate_auth_cookie``."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from bridge.wordpress import php_loads
from bridge.wp_cookie.keys import wp_hash
from bridge.wp_cookie.php import php_number, to_bytes

HOUR_IN_SECONDS = 3600  # the grace a POST gets after the cookie's expiration


@dataclass(frozen=True)
class AuthCookie:
    """The four fields of ``login|expiration|token|hmac`` (``wp_parse_auth_cookie``), as bytes."""

    username: bytes
    expiration: bytes
    token: bytes
    hmac: bytes


def parse_auth_cookie(value: bytes) -> AuthCookie | None:
    """Exactly four ``|``-separated fields, or None (malformed)."""
    parts = value.split(b"|")
    if len(parts) != 4:
        return None
    return AuthCookie(*parts)


def cookie_hmac(salt: str, username: bytes, pass_hash: str, expiration: bytes, token: bytes) -> str:
    """The cookie's HMAC: keyed by ``wp_hash(login|pass_frag|expiration|token, 'logged_in')``,
    where ``pass_frag`` is characters 8–11 of the user's password hash (so a new password ends
    every cookie), over ``login|expiration|token``."""
    pass_frag = to_bytes(pass_hash)[8:12]
    key = wp_hash(b"|".join((username, pass_frag, expiration, token)), salt)
    return hmac.new(key.encode("ascii"), b"|".join((username, expiration, token)), hashlib.sha256).hexdigest()


def generate_auth_cookie(salt: str, user_login: str, pass_hash: str, expiration: int, token: str) -> str:
    """``wp_generate_auth_cookie($user_id, $expiration, 'logged_in', $token)`` (for tests and checks)."""
    login, exp, tok = to_bytes(user_login), str(expiration).encode(), to_bytes(token)
    return "|".join((user_login, str(expiration), token, cookie_hmac(salt, login, pass_hash, exp, tok)))


def cookie_expired(cookie: AuthCookie, now: int, post: bool) -> bool:
    """The "quick check" of ``wp_validate_auth_cookie``: expired, unless a POST within the hour of
    grace. An expiration that is not a decimal number never came from WordPress: expired."""
    if not re.fullmatch(rb"[0-9]{1,19}", cookie.expiration):
        return True
    return int(cookie.expiration) + (HOUR_IN_SECONDS if post else 0) < now


def cookie_valid_for(
    cookie: AuthCookie, salt: str, user_pass: str, session_tokens: str | bytes | None, now: int
) -> bool:
    """The rest of ``wp_validate_auth_cookie`` once the cookie's user is found: the HMAC
    (compared in constant time) and the session still in ``session_tokens`` (its serialized meta)."""
    return session_proven_until(cookie, salt, user_pass, session_tokens, now) is not None


def session_proven_until(
    cookie: AuthCookie, salt: str, user_pass: str, session_tokens: str | bytes | None, now: int
) -> float | None:
    """``cookie_valid_for``, answering the session's expiration when valid (None: refused), for
    bridge/wp_cookie/memo.py to keep."""
    expected = cookie_hmac(salt, cookie.username, user_pass, cookie.expiration, cookie.token)
    if not hmac.compare_digest(expected.encode(), cookie.hmac):
        return None
    expiration = session_expiration(php_loads(session_tokens), cookie.token)
    return expiration if expiration is not None and expiration >= now else None


def session_alive(session_tokens: object, token: bytes, now: int) -> bool:
    """``WP_User_Meta_Session_Tokens::verify``: sha256(token) is a key of the unserialized
    ``session_tokens`` meta whose session (an array, or the bare expiration of old versions) has
    an ``expiration`` not in the past. A logout or "log out everywhere" removes the key."""
    expiration = session_expiration(session_tokens, token)
    return expiration is not None and expiration >= now


def session_expiration(session_tokens: object, token: bytes) -> float | None:
    """The ``expiration`` of the token's session in the unserialized meta; None: no such session."""
    if not isinstance(session_tokens, dict):
        return None
    session = session_tokens.get(hashlib.sha256(token).hexdigest())
    if isinstance(session, int) and not isinstance(session, bool):
        session = {"expiration": session}
    if not isinstance(session, dict):
        return None
    return php_number(session.get("expiration"))
