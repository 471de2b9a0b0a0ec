"""The site's secrets: ``wp_salt`` and ``wp_hash`` of ``pluggable.php``, the logged-in cookie's
name (``wp_cookie_constants``), and ``SiteKeyReader``, which reads them from ``wp-config.php``
and the options WordPress falls back to, again every ``SECRETS_TTL`` seconds."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pymysql
from pypika import MySQLQuery, Order, Table

from bridge.db import Database
from bridge.schema import TableNames
from bridge.wp_config import SALT_CONSTANTS, PHPValue, WPConfigError, read_wp_config
from bridge.wp_cookie.php import array_key, column_text, php_int, php_string, php_truthy, to_bytes

log = logging.getLogger("bridge")

SECRETS_TTL = 60  # seconds before wp-config.php and the options are read again (rotated keys take effect)
COOKIE_PREFIX = "wordpress_logged_in_"
PLACEHOLDER = "put your unique phrase here"  # wp-config-sample.php's value; WordPress ignores it


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
            key = array_key(defines[name])
            duplicated[key] = key in duplicated

    def usable(name: str) -> bool:
        return name in defines and php_truthy(defines[name]) and not duplicated.get(array_key(defines[name]), False)

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
    return hmac.new(to_bytes(salt), to_bytes(data), hashlib.md5).hexdigest()


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
    return COOKIE_PREFIX + (hashlib.md5(to_bytes(url)).hexdigest() if url is not None and php_truthy(url) else "")


@dataclass(frozen=True)
class SiteKeys:
    """What checking a cookie needs; the salts never appear in a repr (logs, tracebacks)."""

    cookie_name: str
    logged_in: str = field(repr=False)
    nonce: str = field(repr=False)


class SiteKeyReader:
    """The site's cookie name and salts from ``wp-config.php`` and the options, read at most every
    SECRETS_TTL seconds (rotated keys take effect, the file is not read per request)."""

    def __init__(
        self,
        config_path: str,
        site_url: str | None,
        db: Database,
        names: TableNames,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config_path = config_path
        self.site_url = site_url
        self.db = db
        self.names = names
        self.clock = clock
        self._keys: SiteKeys | None = None
        self._read_at = -math.inf
        self._lock = asyncio.Lock()
        self.marker = COOKIE_PREFIX.encode()  # what a cookie header must hold; LOGGED_IN_COOKIE when defined
        self._warned = False
        try:
            self._mark(read_wp_config(config_path))
        except WPConfigError:
            pass  # the first read says why, and cookies are ignored until the file can be read

    def _mark(self, defines: Mapping[str, PHPValue]) -> None:
        name = defines.get("LOGGED_IN_COOKIE")
        self.marker = to_bytes(php_string(name)) if "LOGGED_IN_COOKIE" in defines and name else COOKIE_PREFIX.encode()

    async def keys(self) -> SiteKeys | None:
        """The site's cookie name and salts; None while they cannot be read (then cookies are
        ignored, and the log says why once, without values)."""
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
            network = php_int(defines.get("SITE_ID_CURRENT_SITE", 1))
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
            options.setdefault(str(row["name"]), column_text(row["value"]))
        return options
