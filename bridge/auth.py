"""Authentication: the shim's signed statement "this is user N", or an Application Password.

Both end in a ``Principal``. No credentials at all means the logged-out visitor (user 0);
routes that need a login say so with ``rest_not_logged_in``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from typing import Any

from pypika import MySQLQuery, Table
from sanic import Request

from bridge.cache import MISSING, Cache
from bridge.db import Database
from bridge.errors import BridgeError
from bridge.principal import ANONYMOUS, Principal, PrincipalLoader
from bridge.schema import TableNames
from bridge.signing import SignatureError, verify
from bridge.wordpress import match_application_password, php_loads

NONCE_TTL = 600
APP_PASSWORD_TTL = 60
SIGNATURE_HEADERS = ("x-wp-bridge-signature", "x-wp-bridge-user", "x-wp-bridge-timestamp", "x-wp-bridge-nonce")


def _unauthorized(code: str, message: str) -> BridgeError:
    return BridgeError(code, message, 401, headers={"WWW-Authenticate": 'Basic realm="wp-customer-bridge"'})


class Authenticator:
    """Turns a request into a Principal, or raises a 401 with a specific code."""

    def __init__(self, db: Database, cache: Cache, names: TableNames, loader: PrincipalLoader, secret: str) -> None:
        self.db = db
        self.cache = cache
        self.names = names
        self.loader = loader
        self.secret = secret

    async def authenticate(self, request: Request) -> Principal:
        headers = request.headers
        if any(h in headers for h in SIGNATURE_HEADERS):
            user_id = await self._signed_user(request)
        elif headers.get("authorization", "").lower().startswith("basic "):
            user_id = await self._application_password_user(headers["authorization"])
        else:
            return ANONYMOUS
        principal = await self.loader.load(user_id)
        if principal is None:
            raise _unauthorized("wpbridge_unknown_user", f"No WordPress user has the id {user_id}.")
        return principal

    async def _signed_user(self, request: Request) -> int:
        if not self.secret:
            raise _unauthorized("wpbridge_signature_disabled", "Signed requests are disabled: BRIDGE_SHARED_SECRET is not set.")
        target = request.raw_url.decode("latin-1") if isinstance(request.raw_url, bytes) else str(request.raw_url)
        try:
            user_id = verify(self.secret, request.method, target, request.headers, request.body or b"", time.time())
        except SignatureError as exc:
            raise _unauthorized(exc.code, str(exc)) from None
        nonce = request.headers["x-wp-bridge-nonce"]
        if not await self.cache.add(f"nonce:{nonce}", 1, NONCE_TTL):
            raise _unauthorized("wpbridge_signature_replayed", "This request nonce was already used.")
        return user_id

    async def _application_password_user(self, header: str) -> int:
        try:
            decoded = base64.b64decode(header.split(" ", 1)[1].strip(), validate=True).decode("utf-8")
            login, password = decoded.split(":", 1)
        except (binascii.Error, UnicodeDecodeError, ValueError, IndexError):
            raise _unauthorized("rest_invalid_authorization", "The Authorization header is not valid Basic credentials.") from None
        cache_key = "apppw:" + hashlib.sha256(f"{login}\0{password}".encode()).hexdigest()
        cached = await self.cache.get(cache_key, MISSING)
        if cached is not MISSING:
            return int(cached)
        user = await self._find_user(login)
        if user is None:
            code = "invalid_email" if "@" in login else "invalid_username"
            raise _unauthorized(code, "Unknown username or email address.")
        items = php_loads(user["meta_value"]) if user["meta_value"] else None
        if not match_application_password(password, items if isinstance(items, list | dict) else []):
            raise _unauthorized("incorrect_password", "The provided password is an invalid application password.")
        await self.cache.set(cache_key, int(user["ID"]), APP_PASSWORD_TTL, f"user:{int(user['ID'])}")
        return int(user["ID"])

    async def _find_user(self, login: str) -> dict[str, Any] | None:
        """By login, or by email as WordPress allows; with the stored application passwords."""
        users, meta = Table(self.names.users), Table(self.names.usermeta)
        field = users.user_email if "@" in login else users.user_login
        return await self.db.fetch_one(
            MySQLQuery.from_(users)
            .left_join(meta)
            .on((meta.user_id == users.ID) & (meta.meta_key == "_application_passwords"))
            .select(users.ID, meta.meta_value)
            .where(field == login)
            .limit(1)
        )
