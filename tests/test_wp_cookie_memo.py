"""The workers' memo of checked cookies (bridge/wp_cookie/memo.py), over real HTTP against real
MariaDB (and Redis): a cookie value checked once is not read again for
BRIDGE_COOKIE_SESSION_RECHECK_S seconds, unless a session change is reported
(``POST /cache/invalidate {"entity": "session"}``, which the shim sends from WordPress's hooks:
tests/e2e/test_session_push.py), and nothing WordPress would refuse is ever accepted from it.

The site is tests/test_wp_cookie_http.py's: sessions written by the tests, cookies and nonces
minted with bridge/wp_cookie/.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bridge.settings import DatabaseURL
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.redis_namespace import REDIS_URL, drop_redis_namespace
from tests.support.server import BridgeServer, signed_headers
from tests.support.wp_login import COOKIE, DT, KEYS, ME, Site, write_wp_config

INVALIDATE = "/wp-json/wp-customer/v1/cache/invalidate"
LONG = "3600"  # a recheck no test waits for: only a push can end a remembered cookie


@pytest.fixture(scope="module")
def site_db(make_database: Callable[[], DatabaseURL]) -> Iterator[DatabaseURL]:
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "4", "--seed", "3")
    yield url
    asyncio.run(drop_redis_namespace(url.database))


@pytest.fixture(scope="module")
def site(site_db: DatabaseURL) -> Site:
    return Site(site_db, KEYS["LOGGED_IN_KEY"] + KEYS["LOGGED_IN_SALT"], KEYS["NONCE_KEY"] + KEYS["NONCE_SALT"])


@pytest.fixture(scope="module")
def wp_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_wp_config(tmp_path_factory.mktemp("wp") / "wp-config.php", KEYS)


@pytest.fixture(scope="module")
def bridge_with(
    site_db: DatabaseURL, wp_config: Path, start_bridge: Callable[..., BridgeServer]
) -> Callable[..., BridgeServer]:
    """A cookie bridge with the given recheck (and extra settings), one per distinct setting."""
    started: dict[tuple[tuple[str, str], ...], BridgeServer] = {}

    def make(recheck: str, **env: str) -> BridgeServer:
        full = {"BRIDGE_WP_CONFIG": str(wp_config), "BRIDGE_COOKIE_SESSION_RECHECK_S": recheck, **env}
        key = tuple(sorted(full.items()))
        if key not in started:
            started[key] = start_bridge(site_db, full)
        return started[key]

    return make


def ask(bridge: BridgeServer, path: str, cookie: str, nonce: str) -> httpx.Response:
    return bridge.client.get(path, headers={"Cookie": f"{COOKIE}={cookie}", "X-WP-Nonce": nonce})


def accepted(bridge: BridgeServer, cookie: str, nonce: str) -> bool:
    """Whether the bridge takes the cookie for its user (200) or refuses it (403, the nonce of
    someone the cookie does not prove); anything else fails the test."""
    response = ask(bridge, ME, cookie, nonce)
    assert response.status_code in (200, 403), response.text
    return response.status_code == 200


def statements(bridge: BridgeServer, cookie: str, nonce: str) -> int:
    response = ask(bridge, DT, cookie, nonce)
    assert response.status_code == 200 and "error" not in response.json(), response.text
    return int(response.headers["X-WPBridge-Statements"])


def push(bridge: BridgeServer, entity: str, user_id: int) -> None:
    """What the shim sends from WordPress's hooks: a signed ``{"entity": …}`` invalidation."""
    body = b'{"entity": "%s", "id": %d}' % (entity.encode(), user_id)
    response = bridge.client.post(
        INVALIDATE,
        content=body,
        headers={"Content-Type": "application/json", **signed_headers("POST", INVALIDATE, 0, body)},
    )
    assert response.status_code == 200, response.text


def test_a_remembered_cookie_skips_the_session_statement(bridge_with: Callable[..., BridgeServer], site: Site) -> None:
    """A draw with a cookie this worker checked runs one statement fewer (the user's row and
    sessions are not read); with BRIDGE_COOKIE_SESSION_RECHECK_S=0 every draw reads them."""
    user_id = int(site.user("admin")["ID"])
    for recheck, saved in ((LONG, 1), ("0", 0)):
        bridge = bridge_with(recheck)
        warm_cookie, warm_token = site.login("admin")
        statements(bridge, warm_cookie, site.nonce(user_id, warm_token))  # principal and counts cached
        cookie, token = site.login("admin")
        nonce = site.nonce(user_id, token)
        first = statements(bridge, cookie, nonce)
        assert [statements(bridge, cookie, nonce) for _ in range(3)] == [first - saved] * 3, recheck


def test_a_tampered_cookie_of_a_remembered_session_is_refused(
    bridge_with: Callable[..., BridgeServer], site: Site
) -> None:
    """The memo is keyed by the whole cookie: the same login and token with another HMAC, a
    longer expiration or another login never hit, and are refused as before."""
    bridge = bridge_with(LONG)
    cookie, token = site.login("admin")
    user_id = int(site.user("admin")["ID"])
    nonce = site.nonce(user_id, token)
    assert accepted(bridge, cookie, nonce) and accepted(bridge, cookie, nonce)
    login, expiration, tok, mac = cookie.split("|")
    for bad in (
        f"{login}|{expiration}|{tok}|{'0' * 64}",
        f"{login}|{int(expiration) + 86400}|{tok}|{mac}",
        f"{login}|{expiration}|{tok}|{mac[:-1]}{'a' if mac[-1] != 'a' else 'b'}",
        f"andi_budi|{expiration}|{tok}|{mac}",
    ):
        assert not accepted(bridge, bad, nonce), bad
    assert accepted(bridge, cookie, nonce)


def test_a_session_ended_without_a_push_is_refused_within_the_recheck(
    bridge_with: Callable[..., BridgeServer], site: Site
) -> None:
    """A session removed behind the bridge's back (direct SQL, WordPress without the shim) ends
    the cookie within BRIDGE_COOKIE_SESSION_RECHECK_S seconds (here 1), at once with 0."""
    user_id = int(site.user("admin")["ID"])
    for recheck in ("1", "0"):
        bridge = bridge_with(recheck)
        cookie, token = site.login("admin")
        nonce = site.nonce(user_id, token)
        assert accepted(bridge, cookie, nonce)
        site.logout("admin", token)
        ended = time.monotonic()
        if recheck == "0":
            assert not accepted(bridge, cookie, nonce)
            continue
        while accepted(bridge, cookie, nonce):
            assert time.monotonic() - ended < 1.5, "still accepted after the recheck"
            time.sleep(0.05)


@pytest.mark.parametrize("change", ["logout", "log_out_everywhere", "password"])
def test_a_reported_change_ends_the_cookie_at_once(
    bridge_with: Callable[..., BridgeServer], site: Site, change: str
) -> None:
    """With an hour of recheck, a logout, "log out everywhere" or a new password reported by the
    shim ({"entity": "session"}) ends the cookie on the very next request; unreported, the
    remembered cookie is still taken (which is what the memo saves)."""
    bridge = bridge_with(LONG)
    login = "demo_subscriber"
    user = site.user(login)
    user_id = int(user["ID"])
    cookie, token = site.login(login)
    nonce = site.nonce(user_id, token)
    assert accepted(bridge, cookie, nonce)
    if change == "logout":
        site.logout(login, token)
    elif change == "log_out_everywhere":
        site.set_sessions(user_id, {})
    else:
        conn = connect(site.url)
        with conn.cursor() as cur:
            cur.execute("UPDATE wp_users SET user_pass = %s WHERE ID = %s", ("$P$Bchanged" + "y" * 23, user_id))
        conn.close()
    assert accepted(bridge, cookie, nonce), "unreported: remembered for the recheck"
    push(bridge, "session", user_id)
    assert not accepted(bridge, cookie, nonce)
    if change == "password":
        conn = connect(site.url)
        with conn.cursor() as cur:
            cur.execute("UPDATE wp_users SET user_pass = %s WHERE ID = %s", (user["user_pass"], user_id))
        conn.close()


def test_a_user_change_ends_the_cookie_at_once(bridge_with: Callable[..., BridgeServer], site: Site) -> None:
    """{"entity": "user"} (roles, relations, a deleted user) also ends every remembered cookie."""
    bridge = bridge_with(LONG)
    cookie, token = site.login("andi_budi")
    user_id = int(site.user("andi_budi")["ID"])
    nonce = site.nonce(user_id, token)
    assert accepted(bridge, cookie, nonce)
    site.logout("andi_budi", token)
    push(bridge, "user", user_id)
    assert not accepted(bridge, cookie, nonce)


def test_expirations_are_checked_on_every_hit(bridge_with: Callable[..., BridgeServer], site: Site) -> None:
    """A remembered cookie whose own expiration passes (a GET: no grace), or whose session's
    does, is refused although nothing was reported."""
    bridge = bridge_with(LONG)
    user_id = int(site.user("admin")["ID"])
    soon = int(time.time()) + 2
    by_cookie, cookie_token = site.login("admin", expiration=soon)
    by_session, session_token = site.login("admin", session_expiration=soon)
    pairs = ((by_cookie, site.nonce(user_id, cookie_token)), (by_session, site.nonce(user_id, session_token)))
    assert all(accepted(bridge, cookie, nonce) for cookie, nonce in pairs)
    time.sleep(max(0.0, soon + 1.2 - time.time()))
    assert [accepted(bridge, cookie, nonce) for cookie, nonce in pairs] == [False, False]


@pytest.mark.parametrize("shared", ["diskcache", "redis"])
def test_a_push_reaches_every_worker(
    bridge_with: Callable[..., BridgeServer], site: Site, tmp_path: Path, shared: str
) -> None:
    """Two bridges on one cache (two workers of one host sharing the diskcache folder, or two
    hosts on one Redis), each remembering the cookie: a push to one ends it on both."""
    env = {"BRIDGE_CACHE_DIR": str(tmp_path / "cache")} if shared == "diskcache" else {"BRIDGE_CACHE_URL": REDIS_URL}
    one = bridge_with(LONG, **env)
    two = bridge_with(LONG, **env, BRIDGE_ACCESS_LOG="1")  # another process on the same cache
    assert one.port != two.port
    cookie, token = site.login("admin")
    user_id = int(site.user("admin")["ID"])
    nonce = site.nonce(user_id, token)
    assert all(accepted(bridge, cookie, nonce) for bridge in (one, two, one, two))
    site.logout("admin", token)
    assert accepted(two, cookie, nonce), "remembered"
    push(one, "session", user_id)
    assert not accepted(two, cookie, nonce)
    assert not accepted(one, cookie, nonce)
