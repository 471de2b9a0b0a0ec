"""The shim → bridge request signature.

WordPress authenticates the browser; the shim then states "this is user N" in four headers,
signed with the shared secret over the six lines

    METHOD
    PATH?QUERY        (exactly as sent; no "?" when there is no query)
    TIMESTAMP         (unix seconds, as sent)
    NONCE
    USER
    hex(SHA256(body))

so the bridge can trust the identity without ever seeing WordPress cookies or nonces. When the
shim also states what PHP integrations decided about the user's access (``X-WP-Bridge-Access``,
``bridge/access_types.py``), its value is a seventh signed line:

    ACCESS            (only when the header is sent; e.g. ``customer=platform;branch=none``)

so nobody can add, drop or change the statement without the secret. Pure functions: the PHP shim implements the same thing, pinned by tests/vectors/signature.json.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping

HEADER_USER = "X-WP-Bridge-User"
HEADER_TIMESTAMP = "X-WP-Bridge-Timestamp"
HEADER_NONCE = "X-WP-Bridge-Nonce"
HEADER_SIGNATURE = "X-WP-Bridge-Signature"
HEADER_ACCESS = "X-WP-Bridge-Access"  # optional: the PHP side's access statement, signed when sent
SIGNATURE_HEADERS = (HEADER_USER, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE)

DEFAULT_MAX_SKEW = 300

_USER_RE = re.compile(r"[0-9]{1,20}")
_TIMESTAMP_RE = re.compile(r"-?[0-9]{1,20}")
_NONCE_RE = re.compile(r"[A-Za-z0-9_-]{16,128}")


class SignatureError(Exception):
    """A signed request was refused; ``code`` is the WordPress-style error code for the 401 body."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def string_to_sign(
    method: str, path_and_query: str, timestamp: str, nonce: str, user: str, body: bytes, access: str = ""
) -> str:
    """The six signed lines (seven with an access statement); ``path_and_query`` is the raw
    request target, never re-encoded."""
    lines = [method.upper(), path_and_query, str(timestamp), nonce, str(user), hashlib.sha256(body).hexdigest()]
    if access:
        lines.append(access)
    return "\n".join(lines)


def sign(
    secret: str,
    method: str,
    path_and_query: str,
    timestamp: str,
    nonce: str,
    user: str,
    body: bytes,
    access: str = "",
) -> str:
    """Hex HMAC-SHA256 of :func:`string_to_sign` with the shared secret (PHP ``hash_hmac('sha256', …)``)."""
    message = string_to_sign(method, path_and_query, timestamp, nonce, user, body, access)
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def new_nonce() -> str:
    """24 random URL-safe characters: enough entropy that two requests never share one."""
    return secrets.token_urlsafe(18)


def signed_headers(
    secret: str,
    method: str,
    path_and_query: str,
    user_id: int,
    body: bytes = b"",
    *,
    timestamp: int | None = None,
    nonce: str | None = None,
    access: str = "",
) -> dict[str, str]:
    """The four headers a caller (the shim, tests, the event sender) adds to a request, and the
    signed access statement when there is one."""
    ts = str(int(time.time()) if timestamp is None else int(timestamp))
    nonce = new_nonce() if nonce is None else nonce
    user = str(int(user_id))
    headers = {
        HEADER_USER: user,
        HEADER_TIMESTAMP: ts,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: sign(secret, method, path_and_query, ts, nonce, user, body, access),
    }
    if access:
        headers[HEADER_ACCESS] = access
    return headers


def verify(
    secret: str,
    method: str,
    path_and_query: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float,
    max_skew: int = DEFAULT_MAX_SKEW,
) -> int:
    """Check a signed request and return the asserted user id (0 = logged-out visitor).

    Header names are matched case-insensitively. Nonce replay is NOT checked here: the
    caller must remember the returned request's nonce (for 2 × ``max_skew`` seconds) in a
    shared store and refuse a nonce it has already seen, after this function succeeded.
    """
    lowered = {str(name).lower(): value for name, value in headers.items()}
    values: dict[str, str] = {}
    for name in SIGNATURE_HEADERS:
        value = lowered.get(name.lower())
        if value is None or value == "":
            raise SignatureError("wpbridge_signature_missing", f"Missing header {name}.")
        if not isinstance(value, str):
            raise SignatureError("wpbridge_signature_malformed", f"Header {name} is not text.")
        values[name] = value

    user, ts, nonce, signature = (values[name] for name in SIGNATURE_HEADERS)
    if not _USER_RE.fullmatch(user):
        raise SignatureError("wpbridge_signature_malformed", f"{HEADER_USER} must be a non-negative integer.")
    if not _TIMESTAMP_RE.fullmatch(ts):
        raise SignatureError("wpbridge_signature_malformed", f"{HEADER_TIMESTAMP} must be an integer (unix seconds).")
    if not _NONCE_RE.fullmatch(nonce):
        raise SignatureError(
            "wpbridge_signature_malformed", f"{HEADER_NONCE} must be 16 to 128 characters of [A-Za-z0-9_-]."
        )
    if abs(now - int(ts)) > max_skew:
        raise SignatureError("wpbridge_signature_expired", f"{HEADER_TIMESTAMP} is more than {max_skew} s off.")

    access = lowered.get(HEADER_ACCESS.lower()) or ""
    if not isinstance(access, str):
        raise SignatureError("wpbridge_signature_malformed", f"Header {HEADER_ACCESS} is not text.")
    expected = sign(secret, method, path_and_query, ts, nonce, user, body, access)
    if not hmac.compare_digest(expected.encode("ascii"), signature.lower().encode("utf-8", "replace")):
        raise SignatureError("wpbridge_signature_invalid", "The request signature does not match.")
    return int(user)
