"""Authentication: the shim's signed statement "this is user N", an Application Password, or
WordPress's own login cookie with a REST nonce (``bridge/wp_cookie/``, when configured).

Each ends in a ``Principal``. No credentials at all means the logged-out visitor (user 0);
routes that need a login say so with ``rest_not_logged_in``. Failed application-password logins
are throttled (``LoginThrottle``): a 429 instead of a check, so nobody can burn the hash's CPU.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import math
import time
from typing import TYPE_CHECKING, Any

from pypika import MySQLQuery, Table
from sanic import Request

from bridge.access_types import parse_statement, with_statement
from bridge.app_password_usage import due, record_usage
from bridge.cache import COUNTERS_GROUP, MISSING, Cache
from bridge.db import Database
from bridge.errors import BridgeError
from bridge.metrics import REFUSED_LOGINS, THROTTLED_LOGINS
from bridge.principal import ANONYMOUS, PRINCIPAL_GROUP, Principal, PrincipalLoader
from bridge.schema import TableNames
from bridge.signing import HEADER_ACCESS, SignatureError, verify
from bridge.wordpress import match_application_password, normalize_application_password, php_loads

if TYPE_CHECKING:
    from bridge.wp_cookie.checker import WordPressCookies

NONCE_TTL = 600
APP_PASSWORD_TTL = 60
CREDENTIALS_GROUP = "credentials"  # successful application-password checks; evicted with any user
MAX_APPLICATION_PASSWORD = 64  # WordPress makes them 24 letters and digits; longer is never one
FAILURE_LIMIT = 10
FAILURE_WINDOW = 60
SIGNATURE_HEADERS = ("x-wp-bridge-signature", "x-wp-bridge-user", "x-wp-bridge-timestamp", "x-wp-bridge-nonce")
RECENT_SECONDS = 1.0  # how long a worker reuses a Basic login it resolved while nothing it read changed
RECENT_ENTRIES = 4096  # per worker; starts over when full


def _unauthorized(code: str, message: str) -> BridgeError:
    """401 with no Basic challenge, like ``errors.not_logged_in`` (a browser must never cache credentials)."""
    REFUSED_LOGINS.labels(code).inc()
    return BridgeError(code, message, 401)


def too_many_attempts(seconds: float) -> BridgeError:
    """The 429 of a throttled login; ``seconds`` until the counter that refuses it expires."""
    wait = max(1, math.ceil(seconds))
    THROTTLED_LOGINS.inc()
    return BridgeError(
        "wpbridge_too_many_attempts",
        f"Too many failed login attempts. Try again in {wait} seconds.",
        429,
        headers={"Retry-After": str(wait)},
        retry_after=wait,
    )


class LoginThrottle:
    """Failed application-password logins, counted in the shared cache (every worker; every host with Redis).

    A failure counts for the client address and, once the login names a user, for that user and
    for the pair (user, address). Each counter's window is ``FAILURE_WINDOW`` seconds from its
    first failure. An address with ``FAILURE_LIMIT`` failures is refused (429) for every login
    until its window ends. A user with ``FAILURE_LIMIT`` failures (from any addresses) is refused
    only to the addresses that failed on that user in their window: an attacker cannot lock the
    owner out from elsewhere, and each further address gets one guess before it is refused too.
    While refused, nothing is checked, so even the right password gets the 429.
    """

    def __init__(self, cache: Cache, limit: int = FAILURE_LIMIT, window: float = FAILURE_WINDOW) -> None:
        self.cache = cache
        self.limit = limit
        self.window = window

    async def check(self, address: str, user_id: int | None = None) -> None:
        """Raise the 429 when ``address`` (or, with ``user_id``, its pair with that user) is refused."""
        keys = [f"authfail:addr:{address}"]
        if user_id is not None:
            keys += [f"authfail:user:{user_id}", f"authfail:pair:{user_id}:{address}"]
        counts = await self.cache.counters(keys)
        (by_address, address_left), *rest = counts
        if by_address >= self.limit:
            raise too_many_attempts(address_left)
        if rest:
            (by_user, user_left), (by_pair, pair_left) = rest
            if by_pair >= self.limit:
                raise too_many_attempts(pair_left)
            if by_user >= self.limit and by_pair > 0:
                raise too_many_attempts(min(user_left, pair_left))

    async def failed(self, address: str, user_id: int | None = None) -> None:
        """Count one failure for ``address`` and, when the login named one, for the user and the pair."""
        await self.cache.count(f"authfail:addr:{address}", self.window)
        if user_id is not None:
            await self.cache.count(f"authfail:user:{user_id}", self.window)
            await self.cache.count(f"authfail:pair:{user_id}:{address}", self.window)


def client_address(request: Request) -> str:
    """Whose failures a login counts against: the address a trusted proxy forwarded (Sanic's
    ``PROXIES_COUNT``/``REAL_IP_HEADER``/``FORWARDED_SECRET``, unset by default), else the peer's.

    Behind nginx the peer is nginx itself, and one shared limit would let anybody lock everyone out.
    """
    return request.remote_addr or request.ip


def _basic_credentials(header: str) -> tuple[str, str]:
    """``(login, password)`` of a ``Basic`` Authorization header; raises on anything else."""
    decoded = base64.b64decode(header.split(" ", 1)[1].strip(), validate=True).decode("utf-8")
    login, password = decoded.split(":", 1)
    return login, password


def signed_by_shim(secret: str, request: Request) -> bool:
    """The request carries a valid, fresh signature of the shared secret (no database, no nonce
    store: for deciding what an error may say, not for serving data)."""
    if not secret or not any(h in request.headers for h in SIGNATURE_HEADERS):
        return False
    target = request.raw_url.decode("latin-1") if isinstance(request.raw_url, bytes) else str(request.raw_url)
    try:
        verify(secret, request.method, target, request.headers, request.body or b"", time.time())
    except SignatureError:
        return False
    return True


def access_statement(request: Request) -> dict[str, str]:
    """The signed PHP access statement (``X-WP-Bridge-Access``), already covered by the verified
    signature; only a signed request is ever asked (Basic and cookie callers get the Python side)."""
    value = request.headers.get(HEADER_ACCESS.lower(), "")
    try:
        return parse_statement(value)
    except ValueError:
        raise _unauthorized(
            "wpbridge_signature_malformed",
            f"{HEADER_ACCESS} must be customer=<type>;branch=<type>;perm=<filter>,<filter> (each part optional).",
        ) from None


class RecentLogins:
    """The Basic logins this worker resolved in the last ``RECENT_SECONDS``: the same header from
    the same address gets the same principal while the generations of everything its resolution
    read are the ones it read (the checked credentials, the principal and its roles, the failed-login
    counters: any eviction or count changes one). What only a TTL ends (a password revoked in
    WordPress without telling the bridge) may so last up to ``RECENT_SECONDS`` longer."""

    GROUPS = (CREDENTIALS_GROUP, PRINCIPAL_GROUP, COUNTERS_GROUP)

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[str, float, Principal]] = {}

    def get(self, header: str, address: str, generations: str, now: float) -> Principal | None:
        kept = self._entries.get((header, address))
        if kept is None or kept[0] != generations or kept[1] <= now:
            return None
        return kept[2]

    def keep(self, header: str, address: str, generations: str, now: float, principal: Principal) -> None:
        if len(self._entries) >= RECENT_ENTRIES:
            self._entries.clear()
        self._entries[(header, address)] = (generations, now + RECENT_SECONDS, principal)


class Authenticator:
    """Turns a request into a Principal, or raises a 401 with a specific code (429 while throttled)."""

    def __init__(
        self,
        db: Database,
        cache: Cache,
        names: TableNames,
        loader: PrincipalLoader,
        secret: str,
        wp_cookies: WordPressCookies | None = None,
    ) -> None:
        self.db = db
        self.cache = cache
        self.names = names
        self.loader = loader
        self.secret = secret
        self.wp_cookies = wp_cookies  # None: WordPress's cookie is ignored (BRIDGE_WP_CONFIG unset)
        self.throttle = LoginThrottle(cache)
        self.recent = RecentLogins()

    async def authenticate(self, request: Request) -> Principal:
        """Signature first, then Basic credentials, then WordPress's cookie (a browser sends it
        with every request, so explicit credentials win); none of them: the logged-out visitor."""
        headers = request.headers
        statement: dict[str, str] = {}
        if any(h in headers for h in SIGNATURE_HEADERS):
            user_id = await self._signed_user(request)
            statement = access_statement(request)
        elif headers.get("authorization", "").lower().startswith("basic "):
            return await self._basic_login(headers["authorization"], client_address(request))
        elif self.wp_cookies is not None and self.wp_cookies.carried_by(request):
            user_id = await self.wp_cookies.user_of(request)
            if user_id == 0:
                return ANONYMOUS
        else:
            return ANONYMOUS
        principal = await self.loader.load(user_id)
        if principal is None:
            raise _unauthorized("wpbridge_unknown_user", f"No WordPress user has the id {user_id}.")
        return with_statement(principal, statement)

    async def _basic_login(self, header: str, address: str) -> Principal:
        """The principal of an application password; resolved again only when something it
        depends on changed, or after ``RECENT_SECONDS`` (``RecentLogins``)."""
        generations = await self.cache.generations(RecentLogins.GROUPS)  # before any lookup it stands for
        now = time.monotonic()
        recent = self.recent.get(header, address, generations, now)
        if recent is not None:
            return recent
        user_id = await self._application_password_user(header, address)
        principal = await self.loader.load(user_id)
        if principal is None:
            raise _unauthorized("wpbridge_unknown_user", f"No WordPress user has the id {user_id}.")
        self.recent.keep(header, address, generations, now, principal)
        return principal

    async def _signed_user(self, request: Request) -> int:
        if not self.secret:
            raise _unauthorized(
                "wpbridge_signature_disabled", "Signed requests are disabled: BRIDGE_SHARED_SECRET is not set."
            )
        target = request.raw_url.decode("latin-1") if isinstance(request.raw_url, bytes) else str(request.raw_url)
        try:
            user_id = verify(self.secret, request.method, target, request.headers, request.body or b"", time.time())
        except SignatureError as exc:
            raise _unauthorized(exc.code, str(exc)) from None
        nonce = request.headers["x-wp-bridge-nonce"]
        if not await self.cache.add(f"nonce:{nonce}", 1, NONCE_TTL):
            raise _unauthorized("wpbridge_signature_replayed", "This request nonce was already used.")
        return user_id

    async def _application_password_user(self, header: str, address: str) -> int:
        """The user whose application password this is; throttled per address and per login.

        The hash check (phpass: ~5 ms of CPU) runs off the event loop, and never for a password
        that cannot be an application password or while the throttle refuses the caller.
        """
        try:
            login, password = _basic_credentials(header)
        except (binascii.Error, UnicodeDecodeError, ValueError, IndexError):
            raise _unauthorized(
                "rest_invalid_authorization", "The Authorization header is not valid Basic credentials."
            ) from None
        cache_key = await self._credentials_key(login, password)
        cached = await self.cache.get(cache_key, MISSING)
        if cached is not MISSING:
            await self.throttle.check(address, int(cached))
            return int(cached)
        await self.throttle.check(address)
        if len(normalize_application_password(password)) > MAX_APPLICATION_PASSWORD:
            await self.throttle.failed(address)
            raise _unauthorized(
                "incorrect_password",
                "The provided password is an invalid application password: application passwords are 24 letters and digits.",
            )
        user = await self._find_user(login)
        if user is None:
            await self.throttle.failed(address)
            code = "invalid_email" if "@" in login else "invalid_username"
            raise _unauthorized(code, "Unknown username or email address.")
        user_id = int(user["ID"])
        await self.throttle.check(address, user_id)
        items = php_loads(user["meta_value"]) if user["meta_value"] else None
        items = items if isinstance(items, list | dict) else []
        match = await asyncio.get_running_loop().run_in_executor(None, match_application_password, password, items)
        if not match:
            await self.throttle.failed(address, user_id)
            raise _unauthorized("incorrect_password", "The provided password is an invalid application password.")
        await self.cache.set(cache_key, user_id, APP_PASSWORD_TTL, CREDENTIALS_GROUP)
        uuid = match.get("uuid")
        if isinstance(uuid, str) and user.get("umeta_id") and due(match, int(time.time())):
            await record_usage(self.db, self.names, int(user["umeta_id"]), uuid, address)
        return user_id

    async def _credentials_key(self, login: str, password: str) -> str:
        """Where a successful check of these credentials is cached (never the password itself);
        the group's generation is in it, so invalidating a user makes every entry unreachable at once."""
        generation = await self.cache.generations([CREDENTIALS_GROUP])
        return "apppw:" + hashlib.sha256(f"{login}\0{password}".encode()).hexdigest() + "@" + generation

    async def known_administrator(self, request: Request) -> bool:
        """Whether the caller is an administrator, from the cache alone (the database may be
        down): their credentials' check and their principal must both still be cached."""
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("basic "):
            return False
        try:
            user_id = await self.cache.get(await self._credentials_key(*_basic_credentials(header)), MISSING)
        except (binascii.Error, UnicodeDecodeError, ValueError, IndexError):
            return False
        if user_id is MISSING:
            return False
        principal = await self.loader.cached(int(user_id))
        return principal is not None and principal.is_administrator

    async def _find_user(self, login: str) -> dict[str, Any] | None:
        """By login, or by email as WordPress allows; with the stored application passwords."""
        users, meta = Table(self.names.users), Table(self.names.usermeta)
        field = users.user_email if "@" in login else users.user_login
        return await self.db.fetch_one(
            MySQLQuery.from_(users)
            .left_join(meta)
            .on((meta.user_id == users.ID) & (meta.meta_key == "_application_passwords"))
            .select(users.ID, meta.meta_value, meta.umeta_id)
            .where(field == login)
            .limit(1)
        )
