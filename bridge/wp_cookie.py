"""WordPress's own login: its ``wordpress_logged_in_*`` cookie and REST nonce, checked as WordPress 6.1 checks them.

A page of the WordPress admin can then call the bridge directly, with the cookie the browser
already holds and the ``wp_rest`` nonce WordPress printed in the page, without the shim. The
pure functions reproduce ``wp-includes/pluggable.php`` (``wp_salt``, ``wp_hash``,
``wp_parse_auth_cookie``, ``wp_validate_auth_cookie``, ``wp_nonce_tick``, ``wp_verify_nonce``),
``wp_cookie_constants`` (the cookie's name) and ``WP_User_Meta_Session_Tokens`` (the session
must still be in the user's ``session_tokens`` meta, so a logout ends it here too); PHP computed
``tests/vectors/wp_cookie.json`` with WordPress's own functions to pin them.

``WordPressCookies`` applies them to requests as ``rest_cookie_check_errors`` does: a cookie
without a nonce is the logged-out visitor; a nonce that does not verify is 403
``rest_cookie_invalid_nonce``; and (the bridge's own rule) a cookie request from a page of
another origin is 403 ``wpbridge_origin_not_allowed``. The secrets come from ``wp-config.php``
(``BRIDGE_WP_CONFIG``), read as text — ``define('NAME', literal)`` only, PHP is never run —
and, where it does not define them, from the options WordPress itself falls back to. They are
never logged nor put in an answer.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import math
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes

import pymysql
from pypika import MySQLQuery, Order, Table
from sanic import Request

from bridge.db import Database
from bridge.errors import BridgeError
from bridge.origin import foreign_page
from bridge.override import sent_method
from bridge.schema import TableNames
from bridge.wordpress import php_loads
from bridge.wp_config import SALT_CONSTANTS, PHPValue, WPConfigError, read_wp_config

log = logging.getLogger("bridge")

DAY_IN_SECONDS = 86400  # the nonce life WordPress uses unless a plugin filters ``nonce_life``
HOUR_IN_SECONDS = 3600  # the grace a POST gets after the cookie's expiration
NONCE_ACTION = "wp_rest"
SECRETS_TTL = 60  # seconds before wp-config.php and the options are read again (rotated keys take effect)
COOKIE_PREFIX = "wordpress_logged_in_"
PLACEHOLDER = "put your unique phrase here"  # wp-config-sample.php's value; WordPress ignores it
_SESSION_TOKENS = "session_tokens"


# --- PHP values ---------------------------------------------------------------------------------


def php_string(value: PHPValue) -> str:
    """``(string) $value``: true is "1", false and null are ""."""
    if value is True:
        return "1"
    if value is False or value is None:
        return ""
    return str(value)


def php_truthy(value: PHPValue) -> bool:
    """PHP's truthiness: "", "0", 0, false and null are false."""
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


def _array_key(value: PHPValue) -> str:
    """The key ``$array[$value]`` uses (true is 1 and false is 0, like "1" and "0")."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return php_string(value)


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")


# --- pluggable.php --------------------------------------------------------------------------------


def wp_salt(scheme: str, defines: Mapping[str, PHPValue], site_option: Callable[[str], str | None]) -> str | None:
    """``wp_salt($scheme)`` for 'auth', 'secure_auth', 'logged_in' or 'nonce'.

    Each half (key, salt) is the constant ``{SCHEME}_{KEY|SALT}`` unless it is missing, falsy,
    the sample's placeholder or the value of another of the ten salt constants; then
    ``SECRET_KEY`` (key only, under the same rules; ``SECRET_SALT`` for 'auth' only), then the
    site option ``{scheme}_{key|salt}``. None where WordPress would generate and store a new
    random option now: no cookie it ever issued can be checked with that.
    """
    if scheme not in ("auth", "secure_auth", "logged_in", "nonce"):
        raise ValueError(f"wp_salt: no such scheme {scheme!r}")
    duplicated: dict[str, bool] = {PLACEHOLDER: True}
    for name in SALT_CONSTANTS:
        if name in defines:
            key = _array_key(defines[name])
            duplicated[key] = key in duplicated

    def usable(name: str) -> bool:
        return name in defines and php_truthy(defines[name]) and not duplicated.get(_array_key(defines[name]), False)

    values = {"key": "", "salt": ""}
    if usable("SECRET_KEY"):
        values["key"] = php_string(defines["SECRET_KEY"])
    if scheme == "auth" and usable("SECRET_SALT"):
        values["salt"] = php_string(defines["SECRET_SALT"])
    for part in ("key", "salt"):
        constant = f"{scheme}_{part}".upper()
        if usable(constant):
            values[part] = php_string(defines[constant])
        elif not php_truthy(values[part]):
            stored = site_option(f"{scheme}_{part}")
            if stored is None or not php_truthy(stored):
                return None
            values[part] = stored
    return values["key"] + values["salt"]


def wp_hash(data: str | bytes, salt: str) -> str:
    """``wp_hash``: hex HMAC-MD5 of ``data`` keyed by the scheme's salt."""
    return hmac.new(_bytes(salt), _bytes(data), hashlib.md5).hexdigest()


def logged_in_cookie_name(
    defines: Mapping[str, PHPValue], multisite: bool, stored_siteurl: str | None, site_url: str | None = None
) -> str:
    """``LOGGED_IN_COOKIE`` as ``wp_cookie_constants`` defines it: ``wordpress_logged_in_`` +
    ``COOKIEHASH`` = md5 of the site URL (``get_site_option('siteurl')``: on a single site
    ``WP_SITEURL`` without its trailing slash when defined, else the ``siteurl`` option; on a
    multisite network the network's ``siteurl``), "" when that URL is empty. ``site_url``, the
    operator's ``BRIDGE_WP_SITE_URL``, stands for that URL when given."""
    if "LOGGED_IN_COOKIE" in defines:
        return php_string(defines["LOGGED_IN_COOKIE"])
    if "COOKIEHASH" in defines:
        return COOKIE_PREFIX + php_string(defines["COOKIEHASH"])
    if site_url is not None:
        url: str | None = site_url
    elif not multisite and "WP_SITEURL" in defines:
        url = php_string(defines["WP_SITEURL"]).rstrip("/\\")  # _config_wp_siteurl's untrailingslashit
    else:
        url = stored_siteurl
    return COOKIE_PREFIX + (hashlib.md5(_bytes(url)).hexdigest() if url is not None and php_truthy(url) else "")


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
    pass_frag = _bytes(pass_hash)[8:12]
    key = wp_hash(b"|".join((username, pass_frag, expiration, token)), salt)
    return hmac.new(key.encode("ascii"), b"|".join((username, expiration, token)), hashlib.sha256).hexdigest()


def generate_auth_cookie(salt: str, user_login: str, pass_hash: str, expiration: int, token: str) -> str:
    """``wp_generate_auth_cookie($user_id, $expiration, 'logged_in', $token)`` (for tests and checks)."""
    login, exp, tok = _bytes(user_login), str(expiration).encode(), _bytes(token)
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
    expected = cookie_hmac(salt, cookie.username, user_pass, cookie.expiration, cookie.token)
    if not hmac.compare_digest(expected.encode(), cookie.hmac):
        return False
    return session_alive(php_loads(session_tokens), cookie.token, now)


def session_alive(session_tokens: Any, token: bytes, now: int) -> bool:
    """``WP_User_Meta_Session_Tokens::verify``: sha256(token) is a key of the unserialized
    ``session_tokens`` meta whose session (an array, or the bare expiration of old versions) has
    an ``expiration`` not in the past. A logout or "log out everywhere" removes the key."""
    if not isinstance(session_tokens, dict):
        return False
    session = session_tokens.get(hashlib.sha256(token).hexdigest())
    if isinstance(session, int) and not isinstance(session, bool):
        session = {"expiration": session}
    if not isinstance(session, dict):
        return False
    expiration = _php_number(session.get("expiration"))
    return expiration is not None and expiration >= now


def _php_int(value: PHPValue) -> int:
    """``(int) $value``: the leading decimal digits of a string (0 without any)."""
    if isinstance(value, str):
        match = re.match(r"\s*([+-]?[0-9]+)", value)
        return int(match.group(1)) if match else 0
    return int(value or 0)


def _php_number(value: Any) -> float | None:
    """An int, or a numeric string as PHP compares it; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def nonce_tick(now: float, life: int = DAY_IN_SECONDS) -> int:
    """``wp_nonce_tick``: which half of the nonce life ``now`` falls in."""
    return math.ceil(now / (life / 2))


def create_nonce(salt: str, tick: int, action: str, user_id: int, token: bytes | str) -> str:
    """``wp_create_nonce``: 10 hex characters bound to the tick, action, user and session token."""
    return wp_hash(b"|".join((str(tick).encode(), _bytes(action), str(user_id).encode(), _bytes(token))), salt)[-12:-2]


def verify_nonce(salt: str, nonce: str, action: str, user_id: int, token: bytes | str, now: float) -> int:
    """``wp_verify_nonce``: 1 when made in this tick, 2 in the previous one, 0 otherwise (an empty nonce included)."""
    if not php_truthy(nonce):
        return 0
    tick = nonce_tick(now)
    for age, at in ((1, tick), (2, tick - 1)):
        if hmac.compare_digest(create_nonce(salt, at, action, user_id, token).encode(), _bytes(nonce)):
            return age
    return 0


# --- requests -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteKeys:
    """What checking a cookie needs; the salts never appear in a repr (logs, tracebacks)."""

    cookie_name: str
    logged_in: str = field(repr=False)
    nonce: str = field(repr=False)


def cookie_value(request: Request, name: str) -> bytes | None:
    """The first cookie called ``name``, percent-decoded, as PHP fills ``$_COOKIE`` (names with
    leading spaces trimmed, values raw-URL-decoded, the first of two same-named cookies kept)."""
    wanted = _bytes(name)
    for header in request.headers.getall("cookie", []):
        for pair in _bytes(header).split(b";"):
            key, sep, value = pair.partition(b"=")
            if sep and key.lstrip() == wanted:
                return unquote_to_bytes(value)
    return None


def nonce_of(request: Request) -> str | None:
    """The REST nonce the request carries: ``_wpnonce`` in the query first, then ``X-WP-Nonce``
    (as ``rest_cookie_check_errors`` reads ``$_REQUEST`` first); None when it carries neither."""
    for key, value in request.get_query_args(keep_blank_values=True):
        if key == "_wpnonce":
            return value
    return request.headers.get("x-wp-nonce")


def invalid_nonce() -> BridgeError:
    """WordPress's answer to a cookie request whose nonce does not verify."""
    return BridgeError("rest_cookie_invalid_nonce", "Cookie check failed", 403)


def cross_origin_cookie() -> BridgeError:
    return BridgeError(
        "wpbridge_origin_not_allowed",
        "Sorry, WordPress's login cookie is accepted only from pages of this bridge's own origin "
        "(BRIDGE_PUBLIC_URL), whatever BRIDGE_CORS_ORIGINS lists.",
        403,
    )


class WordPressCookies:
    """Turns a request carrying the site's logged-in cookie into a user id (0: the logged-out visitor).

    Each check reads the user's row and ``session_tokens`` (one indexed query), so a logout or a
    password change takes effect on the next request; the principal itself comes from the
    loader's cache like any other. The secrets are read again every SECRETS_TTL seconds.
    """

    def __init__(
        self,
        config_path: str,
        site_url: str | None,
        own_origin: str,
        db: Database,
        names: TableNames,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config_path = config_path
        self.site_url = site_url
        self.own_origin = own_origin
        self.db = db
        self.names = names
        self.clock = clock
        self._keys: SiteKeys | None = None
        self._read_at = -math.inf
        self._lock = asyncio.Lock()
        self._marker = COOKIE_PREFIX.encode()  # what carried_by looks for; LOGGED_IN_COOKIE when defined
        self._warned = False
        # get_user_by('login') and get_user_meta(…, 'session_tokens', true), in one indexed
        # statement rendered once (the names come from TableNames, whose prefixes are checked).
        self._user_sql = (
            f"SELECT u.ID, u.user_pass, (SELECT m.meta_value FROM `{names.usermeta}` m WHERE m.user_id = u.ID "
            f"AND m.meta_key = '{_SESSION_TOKENS}' ORDER BY m.umeta_id LIMIT 1) AS meta_value "
            f"FROM `{names.users}` u WHERE u.user_login = %s ORDER BY u.ID LIMIT 1"
        )
        try:
            self._mark(read_wp_config(config_path))
        except WPConfigError:
            pass  # the first check says why, and ignores cookies until the file can be read

    def _mark(self, defines: Mapping[str, PHPValue]) -> None:
        name = defines.get("LOGGED_IN_COOKIE")
        self._marker = _bytes(php_string(name)) if "LOGGED_IN_COOKIE" in defines and name else COOKIE_PREFIX.encode()

    def carried_by(self, request: Request) -> bool:
        """Whether the request may carry the cookie (cheap: no parsing, no database)."""
        return any(self._marker in _bytes(h) for h in request.headers.getall("cookie", []))

    async def keys(self) -> SiteKeys | None:
        """The site's cookie name and salts, read at most every SECRETS_TTL seconds; None while
        they cannot be (then cookies are ignored, and the log says why once, without values)."""
        if self.clock() - self._read_at < SECRETS_TTL:
            return self._keys
        async with self._lock:
            if self.clock() - self._read_at < SECRETS_TTL:
                return self._keys
            try:
                self._keys = await self._read_keys()
            except WPConfigError as exc:
                self._keys = None
                self._warn(f"WordPress cookies are ignored: {exc}")
            except pymysql.err.MySQLError as exc:  # e.g. MULTISITE without a sitemeta table; an outage is a 503
                self._keys = None
                self._warn(f"WordPress cookies are ignored: the site options cannot be read ({exc.args[0]})")
            self._read_at = self.clock()
            return self._keys

    def _warn(self, message: str) -> None:
        if not self._warned:
            log.warning(message)
            self._warned = True

    async def _read_keys(self) -> SiteKeys | None:
        defines = await asyncio.get_running_loop().run_in_executor(None, read_wp_config, self.config_path)
        self._mark(defines)
        multisite = php_truthy(defines.get("MULTISITE", False))
        options = await self._site_options(defines, multisite)
        logged_in = wp_salt("logged_in", defines, options.get)
        nonce = wp_salt("nonce", defines, options.get)
        if logged_in is None or nonce is None:
            self._warn(
                "WordPress cookies are ignored: the logged_in/nonce keys are neither defined in "
                f"{self.config_path} nor stored as site options yet"
            )
            return None
        self._warned = False
        name = logged_in_cookie_name(defines, multisite, options.get("siteurl"), self.site_url)
        return SiteKeys(name, logged_in, nonce)

    async def _site_options(self, defines: Mapping[str, PHPValue], multisite: bool) -> dict[str, str]:
        """``get_site_option`` for the option names wp_salt and the cookie name may need: the
        site's options table, or the network's ``sitemeta`` on a multisite network."""
        wanted = [f"{scheme}_{part}" for scheme in ("logged_in", "nonce") for part in ("key", "salt")]
        wanted.append("siteurl")
        if multisite:
            table = Table(self.names.base_prefix + "sitemeta")
            network = _php_int(defines.get("SITE_ID_CURRENT_SITE", 1))
            query = (
                MySQLQuery.from_(table)
                .select(table.meta_key.as_("name"), table.meta_value.as_("value"))
                .where(table.meta_key.isin(wanted) & (table.site_id == network))
                .orderby(table.meta_id, order=Order.asc)
            )
        else:
            table = Table(self.names.options)
            query = (
                MySQLQuery.from_(table)
                .select(table.option_name.as_("name"), table.option_value.as_("value"))
                .where(table.option_name.isin(wanted))
            )
        options: dict[str, str] = {}
        for row in await self.db.fetch_all(query):
            options.setdefault(str(row["name"]), _text(row["value"]))
        return options

    async def user_of(self, request: Request) -> int:
        """The user the cookie and nonce prove, 0 for the logged-out visitor; raises 403 for a
        nonce that does not verify or a page of another origin."""
        keys = await self.keys()
        if keys is None:
            return 0
        raw = cookie_value(request, keys.cookie_name)
        if raw is None:  # another site's cookie (another COOKIEHASH) is not this site's login
            return 0
        if foreign_page(request, self.own_origin):
            raise cross_origin_cookie()
        now = int(self.clock())
        cookie = parse_auth_cookie(raw)
        user_id = await self._validate(cookie, keys, now, sent_method(request) == "POST") if cookie else 0
        nonce = nonce_of(request)
        if nonce is None:
            return 0
        token = cookie.token if cookie else b""
        if not verify_nonce(keys.nonce, nonce, NONCE_ACTION, user_id, token, now):
            raise invalid_nonce()
        return user_id

    async def _validate(self, cookie: AuthCookie, keys: SiteKeys, now: int, post: bool) -> int:
        """``wp_validate_auth_cookie($cookie, 'logged_in')``: the user id, or 0."""
        if cookie_expired(cookie, now, post):
            return 0
        try:
            login = cookie.username.decode("utf-8")
        except UnicodeDecodeError:
            return 0
        row = await self.db.fetch_one(self._user_sql, (login,))
        if row is None or not cookie_valid_for(cookie, keys.logged_in, _text(row["user_pass"]), row["meta_value"], now):
            return 0
        return int(row["ID"])


def _text(value: Any) -> str:
    """A column's value as text (BLOB/VARBINARY columns come back as bytes)."""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "surrogateescape")
    return "" if value is None else str(value)


def configured(
    config_path: str | None, site_url: str | None, own_origin: str, db: Database, names: TableNames
) -> WordPressCookies | None:
    """The cookie checker when ``BRIDGE_WP_CONFIG`` is set; None (cookies ignored) otherwise."""
    if not config_path:
        return None
    return WordPressCookies(os.path.abspath(config_path), site_url, own_origin, db, names)
