"""``wpbridge doctor``'s checks of what lies beyond the bridge's own database: the read replica,
the shim's events route (a signed ping), the clock difference to WordPress, and WordPress's
secrets for its cookie.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pymysql

from bridge.doctor_result import Result, fail, ok, skip
from bridge.schema import TableNames
from bridge.settings import Settings
from bridge.signing import DEFAULT_MAX_SKEW, signed_headers

if TYPE_CHECKING:  # imported where used: the CLI imports this module before serve prepares the metrics folder
    from bridge.wp_cookie.keys import SiteKeys

# The fixed text whose wp_hash the shim's pong carries per scheme (WP_Customer_Bridge_Events::KEYS_PROBE)
KEYS_PROBE = "wpbridge-doctor-keys-v1"

CLOCK_LIMIT_S = 120  # beyond this, a slow answer or a little more drift and signatures expire (300 s)
PING = json.dumps({"kind": "ping"}).encode()


_REPLICA_FIX = {
    "lagging": "find why the replica falls behind (SHOW REPLICA STATUS on it), or raise BRIDGE_REPLICA_MAX_LAG_S",
    "stopped": "START REPLICA on the replica (Last_IO_Error / Last_SQL_Error in SHOW REPLICA STATUS say why it stopped)",
    "down": "start the replica, or correct BRIDGE_DATABASE_READ_URL (unset it to read from the primary only)",
}


def _replica_status(cur: pymysql.cursors.DictCursor) -> dict[str, Any] | None:
    try:
        cur.execute("SHOW REPLICA STATUS")
    except pymysql.err.ProgrammingError:  # an older server's parser
        cur.execute("SHOW SLAVE STATUS")
    row: dict[str, Any] | None = cur.fetchone()
    return row


def check_replica(settings: Settings) -> Iterator[Result]:
    """With ``BRIDGE_DATABASE_READ_URL``: the replica answers, replicates, and lags less than
    ``BRIDGE_REPLICA_MAX_LAG_S`` — the same verdict the server's monitor reaches (bridge/replica.py)."""
    from bridge.replica import judge

    url = settings.database_read_url
    if url is None:
        yield skip("replica", "BRIDGE_DATABASE_READ_URL is not set: every read goes to the primary")
        return
    try:
        conn = pymysql.connect(
            autocommit=True, connect_timeout=5, cursorclass=pymysql.cursors.DictCursor, **url.connect_kwargs()
        )
    except pymysql.MySQLError as exc:
        detail = f"{url} does not answer ({exc.args[-1] if exc.args else exc}): reads fall back to the primary"
        yield fail("replica", detail, _REPLICA_FIX["down"])
        return
    try:
        with conn.cursor() as cur:
            status = _replica_status(cur)
    except pymysql.MySQLError as exc:
        yield fail(
            "replica",
            f"{url}: SHOW REPLICA STATUS is refused ({exc.args[-1] if exc.args else exc}): its lag cannot be watched",
            "GRANT REPLICA MONITOR ON *.* (MariaDB; REPLICATION CLIENT on MySQL) TO the user of BRIDGE_DATABASE_READ_URL",
        )
        return
    finally:
        conn.close()
    verdict = judge(status, settings.replica_max_lag_s)
    if verdict.usable:
        yield ok("replica", f"{url} takes the reads: {verdict.reason}")
    else:
        yield fail(
            "replica",
            f"{url} is {verdict.state}: {verdict.reason}; reads fall back to the primary",
            _REPLICA_FIX[verdict.state],
        )


def _refusal(response: httpx.Response) -> str:
    """The WordPress error code of a refused request, or ''."""
    try:
        code = response.json().get("code", "")
    except (ValueError, AttributeError):
        return ""
    return code if isinstance(code, str) else ""


def _signature_fix(code: str) -> str:
    return {
        "wpbridge_signature_invalid": "give WP_CUSTOMER_BRIDGE_SECRET in wp-config.php the same value as BRIDGE_SHARED_SECRET",
        "wpbridge_signature_disabled": "define WP_CUSTOMER_BRIDGE_SECRET in wp-config.php (the value of BRIDGE_SHARED_SECRET)",
        "wpbridge_signature_expired": "synchronise both machines' clocks (systemd-timesyncd or chrony)",
    }.get(code, "check that BRIDGE_EVENTS_URL is the shim's events route and that no proxy rewrites it")


def _clock(offset: float | None, source: str) -> Result:
    if offset is None:
        return skip("clock", "WordPress's answer carried no time")
    text = f"WordPress's clock is {abs(offset):.1f} s {'ahead' if offset > 0 else 'behind'} ({source})"
    if abs(offset) > CLOCK_LIMIT_S:
        return fail(
            "clock",
            f"{text}; signatures expire after {DEFAULT_MAX_SKEW} s",
            "synchronise both machines' clocks (systemd-timesyncd or chrony)",
        )
    return ok("clock", text)


def _date_offset(response: httpx.Response, middle: float) -> float | None:
    """WordPress's clock from the HTTP Date header (whole seconds) when the body has none."""
    header = response.headers.get("date")
    if not header:
        return None
    try:
        return email.utils.parsedate_to_datetime(header).timestamp() - middle
    except (TypeError, ValueError):
        return None


def check_events(settings: Settings, pong: dict[str, Any] | None = None) -> Iterator[Result]:
    """POST a signed ``{"kind": "ping"}`` to ``BRIDGE_EVENTS_URL``: the shim answers it with its
    time once it has verified the signature, so a pong proves the URL, the plugin and the secret.
    The pong's body is put into ``pong`` for the WordPress secrets check."""
    if not settings.events_url:
        yield skip("events", "BRIDGE_EVENTS_URL is not set: WordPress listeners do not hear of the bridge's writes")
        yield skip("clock", "needs BRIDGE_EVENTS_URL")
        return
    url = settings.events_url
    headers = signed_headers(settings.shared_secret, "POST", httpx.URL(url).raw_path.decode("ascii"), 0, PING)
    headers["Content-Type"] = "application/json"
    sent = time.time()
    try:
        with httpx.Client(timeout=settings.events_timeout) as client:
            response = client.post(url, content=PING, headers=headers)
    except httpx.HTTPError as exc:
        yield fail(
            "events",
            f"{url} cannot be reached ({type(exc).__name__}: {exc})",
            "start WordPress, or set BRIDGE_EVENTS_URL to <site>/wp-json/wp-customer-bridge/v1/events",
        )
        yield skip("clock", "needs the events URL")
        return
    middle = (sent + time.time()) / 2
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else None
    if response.status_code == 200 and isinstance(body, dict) and body.get("status") == "pong":
        if pong is not None:
            pong.update(body)
        yield ok("events", f"{url} accepted a signed ping")
        wp_time = body.get("time")
        if isinstance(wp_time, int | float):
            yield _clock(float(wp_time) - middle, "from the shim's answer")
        else:
            yield _clock(_date_offset(response, middle), "from the Date header")
        return
    code = _refusal(response)
    if response.status_code == 401:
        detail = f"the shim refused the signed ping ({code or 'HTTP 401'})"
        yield fail("events", detail, _signature_fix(code))
    elif response.status_code == 404:
        yield fail(
            "events",
            f"{url} answered 404: no events route there",
            "activate the WP Customer Bridge plugin, or correct BRIDGE_EVENTS_URL",
        )
    elif code == "wpbridge_invalid_event":
        yield fail("events", "the shim does not know the ping: it is older than this bridge", "update the shim plugin")
    else:
        yield fail("events", f"{url} answered HTTP {response.status_code} {code}".rstrip(), _signature_fix(code))
    yield _clock(_date_offset(response, middle), "from the Date header")


async def _load_keys(settings: Settings) -> SiteKeys | str:
    """Read wp-config.php and the site options as the bridge does: the keys, else why not."""
    from bridge.db import Database
    from bridge.wp_config import WPConfigError
    from bridge.wp_cookie.keys import SiteKeyReader

    assert settings.wp_config is not None
    db = Database(settings.database_url, maxsize=1, timeout=10)
    await db.open()
    names = TableNames.for_prefix(settings.table_prefix, settings.base_prefix)
    reader = SiteKeyReader(settings.wp_config, settings.wp_site_url, db, names)
    logger = logging.getLogger("bridge")
    logger.disabled = True  # the reason is this check's line, not a log warning
    try:
        keys = await reader._read_keys()
    except WPConfigError as exc:
        return str(exc)
    except pymysql.MySQLError as exc:
        return f"the site options cannot be read ({exc.args[-1] if exc.args else exc})"
    finally:
        logger.disabled = False
        await db.close()
    if keys is None:
        return f"the logged_in/nonce keys are neither defined in {settings.wp_config} nor stored as site options"
    return keys


def _disagreement(keys: SiteKeys, theirs: Any) -> str:
    """What differs between the bridge's keys and WordPress's (the pong's ``keys``); '' when nothing."""
    from bridge.wp_cookie.keys import wp_hash

    if not isinstance(theirs, dict):
        return ""
    wrong = [
        what
        for what, mine, probe in (
            ("the logged_in key/salt", keys.logged_in, "logged_in"),
            ("the nonce key/salt", keys.nonce, "nonce"),
        )
        if theirs.get(probe) != wp_hash(KEYS_PROBE, mine)
    ]
    if theirs.get("cookie") and theirs.get("cookie") != keys.cookie_name:
        wrong.append(f"the cookie name ({keys.cookie_name} here, {theirs.get('cookie')} in WordPress)")
    return ", ".join(wrong)


def check_wordpress_secrets(settings: Settings, pong: dict[str, Any] | None = None) -> Iterator[Result]:
    """With ``BRIDGE_WP_CONFIG``: the salts and the cookie name load, as the server will load them;
    with the shim's pong, they are WordPress's own, so a cookie and nonce WordPress mints validate."""
    if not settings.wp_config:
        yield skip("WordPress secrets", "BRIDGE_WP_CONFIG is not set: WordPress's login cookie is not accepted")
        return
    try:
        loaded: SiteKeys | str = asyncio.run(_load_keys(settings))
    except Exception as exc:  # the database down: the database check has said why
        yield fail("WordPress secrets", f"cannot be read ({type(exc).__name__}: {exc})", "see the database check")
        return
    if isinstance(loaded, str):
        yield fail(
            "WordPress secrets",
            loaded,
            "point BRIDGE_WP_CONFIG at the site's wp-config.php, readable by the bridge's user, with its keys and salts",
        )
        return
    theirs = (pong or {}).get("keys")
    differs = _disagreement(loaded, theirs)
    if differs:
        yield fail(
            "WordPress secrets",
            f"WordPress signs its cookies and nonces with other secrets: {differs} differ",
            "point BRIDGE_WP_CONFIG at this site's own wp-config.php (and BRIDGE_WP_SITE_URL at its site URL)",
        )
    elif isinstance(theirs, dict):
        yield ok("WordPress secrets", f"the cookie keys load from {settings.wp_config} and agree with WordPress's")
    else:
        yield ok(
            "WordPress secrets", f"the cookie keys load from {settings.wp_config} (not compared: no pong from the shim)"
        )
