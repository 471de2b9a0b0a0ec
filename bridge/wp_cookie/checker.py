"""``WordPressCookies``: a request carrying the site's logged-in cookie and a REST nonce turned
into a user id, as ``rest_cookie_check_errors`` does (see the package's docstring)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from sanic import Request

from bridge.cache import Cache
from bridge.db import Database
from bridge.errors import BridgeError
from bridge.origin import foreign_page
from bridge.override import sent_method
from bridge.schema import TableNames
from bridge.wp_cookie.cookie import AuthCookie, cookie_expired, parse_auth_cookie, session_proven_until
from bridge.wp_cookie.keys import SiteKeyReader, SiteKeys
from bridge.wp_cookie.memo import Proven, SessionMemo, memo_key
from bridge.wp_cookie.nonce import NONCE_ACTION, invalid_nonce, nonce_of, verify_nonce
from bridge.wp_cookie.php import column_text, to_bytes

_SESSION_TOKENS = "session_tokens"


def cookie_value(request: Request, name: str) -> bytes | None:
    """The first cookie called ``name``, percent-decoded, as PHP fills ``$_COOKIE`` (names with
    leading spaces trimmed, values raw-URL-decoded, the first of two same-named cookies kept)."""
    wanted = to_bytes(name)
    for header in request.headers.getall("cookie", []):
        for pair in to_bytes(header).split(b";"):
            key, sep, value = pair.partition(b"=")
            if sep and key.lstrip() == wanted:
                return unquote_to_bytes(value)
    return None


def cross_origin_cookie() -> BridgeError:
    return BridgeError(
        "wpbridge_origin_not_allowed",
        "Sorry, WordPress's login cookie is accepted only from pages of this bridge's own origin "
        "(BRIDGE_PUBLIC_URL), whatever BRIDGE_CORS_ORIGINS lists.",
        403,
    )


class WordPressCookies:
    """Turns a request carrying the site's logged-in cookie into a user id (0: the logged-out visitor).

    A check reads the user's row and ``session_tokens`` (one indexed query), unless this worker
    proved the same cookie value within ``BRIDGE_COOKIE_SESSION_RECHECK_S`` seconds and no session
    change was reported since (``SessionMemo``: a logout through WordPress with the shim takes
    effect on the next request, one nobody reports within that many seconds). The cookie's
    expiry and the nonce are checked on every request. The principal itself comes from the
    loader's cache like any other. The secrets come from a ``SiteKeyReader``.
    """

    def __init__(
        self,
        config_path: str,
        site_url: str | None,
        own_origin: str,
        db: Database,
        names: TableNames,
        memo: SessionMemo,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.own_origin = own_origin
        self.db = db
        self.memo = memo
        self.clock = clock
        self.site_keys = SiteKeyReader(config_path, site_url, db, names, clock)
        # get_user_by('login') and get_user_meta(…, 'session_tokens', true), in one indexed
        # statement rendered once (the names come from TableNames, whose prefixes are checked).
        self._user_sql = (
            f"SELECT u.ID, u.user_pass, (SELECT m.meta_value FROM `{names.usermeta}` m WHERE m.user_id = u.ID "
            f"AND m.meta_key = '{_SESSION_TOKENS}' ORDER BY m.umeta_id LIMIT 1) AS meta_value "
            f"FROM `{names.users}` u WHERE u.user_login = %s ORDER BY u.ID LIMIT 1"
        )

    def carried_by(self, request: Request) -> bool:
        """Whether the request may carry the cookie (cheap: no parsing, no database)."""
        marker = self.site_keys.marker
        return any(marker in to_bytes(h) for h in request.headers.getall("cookie", []))

    async def user_of(self, request: Request) -> int:
        """The user the cookie and nonce prove, 0 for the logged-out visitor; raises 403 for a
        nonce that does not verify or a page of another origin."""
        keys = await self.site_keys.keys()
        if keys is None:
            return 0
        raw = cookie_value(request, keys.cookie_name)
        if raw is None:  # another site's cookie (another COOKIEHASH) is not this site's login
            return 0
        if foreign_page(request, self.own_origin):
            raise cross_origin_cookie()
        now = int(self.clock())
        cookie = parse_auth_cookie(raw)
        user_id = await self._validate(raw, cookie, keys, now, sent_method(request) == "POST") if cookie else 0
        nonce = nonce_of(request)
        if nonce is None:
            return 0
        token = cookie.token if cookie else b""
        if not verify_nonce(keys.nonce, nonce, NONCE_ACTION, user_id, token, now):
            raise invalid_nonce()
        return user_id

    async def _validate(self, raw: bytes, cookie: AuthCookie, keys: SiteKeys, now: int, post: bool) -> int:
        """``wp_validate_auth_cookie($cookie, 'logged_in')``: the user id, or 0."""
        if cookie_expired(cookie, now, post):
            return 0
        key = memo_key(raw) if self.memo.enabled else b""
        if key:
            recalled = await self.memo.recall(key, keys.logged_in, now)
            if recalled is not None:
                return recalled
        try:
            login = cookie.username.decode("utf-8")
        except UnicodeDecodeError:
            return 0
        generation = await self.memo.generation()  # before the statement: a change after it is a miss
        checked_at = self.memo.clock()
        row = await self.db.fetch_one(self._user_sql, (login,))
        if row is None:
            return 0
        until = session_proven_until(cookie, keys.logged_in, column_text(row["user_pass"]), row["meta_value"], now)
        if until is None:
            return 0
        user_id = int(row["ID"])
        if key:
            self.memo.keep(key, Proven(user_id, keys.logged_in, until, generation, checked_at))
        return user_id


def configured(
    config_path: str | None,
    site_url: str | None,
    own_origin: str,
    db: Database,
    names: TableNames,
    cache: Cache,
    recheck_s: int,
) -> WordPressCookies | None:
    """The cookie checker when ``BRIDGE_WP_CONFIG`` is set; None (cookies ignored) otherwise."""
    if not config_path:
        return None
    memo = SessionMemo(cache, recheck_s)
    return WordPressCookies(os.path.abspath(config_path), site_url, own_origin, db, names, memo)
