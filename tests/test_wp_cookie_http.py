"""WordPress's login cookie + REST nonce at the bridge, over real HTTP against real MariaDB (issue 17 §1, §3–§5).

The test site is the demo site with a wp-config.php written here; the users' ``session_tokens``
meta is written by the tests, and cookies and nonces are minted with bridge/wp_cookie/, whose
equivalence with WordPress's own functions tests/unit/test_wp_cookie.py proves on PHP's vectors.
Every forged, expired, tampered, logged-out, stale, borrowed, cross-origin or other-site
credential must be refused (401 only where WordPress answers the logged-out visitor, 403
otherwise, in-band for DataTables), never with a 500.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bridge.settings import DatabaseURL
from bridge.wordpress import php_dumps
from bridge.wp_cookie.cookie import generate_auth_cookie
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.server import BridgeServer
from tests.support.wp_login import COOKIE, DAY, DT, DT_PATH, KEYS, ME, OPTION_KEYS, Site, write_wp_config


@pytest.fixture(scope="module")
def site_db(make_database: Callable[[], DatabaseURL]) -> DatabaseURL:
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "4", "--seed", "3")
    return url


@pytest.fixture(scope="module")
def site(site_db: DatabaseURL) -> Site:
    return Site(site_db, KEYS["LOGGED_IN_KEY"] + KEYS["LOGGED_IN_SALT"], KEYS["NONCE_KEY"] + KEYS["NONCE_SALT"])


@pytest.fixture(scope="module")
def wp_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_wp_config(tmp_path_factory.mktemp("wp") / "wp-config.php", KEYS)


@pytest.fixture(scope="module")
def cookie_bridge(site_db: DatabaseURL, wp_config: Path, start_bridge: Callable[..., BridgeServer]) -> BridgeServer:
    """Cookies on; another origin listed in BRIDGE_CORS_ORIGINS (which must not let cookies through)."""
    return start_bridge(site_db, {"BRIDGE_WP_CONFIG": str(wp_config), "BRIDGE_CORS_ORIGINS": "http://app.example"})


@pytest.fixture(scope="module")
def rechecking_bridge(site_db: DatabaseURL, wp_config: Path, start_bridge: Callable[..., BridgeServer]) -> BridgeServer:
    """Cookies on, read on every request (BRIDGE_COOKIE_SESSION_RECHECK_S=0): no one tells this
    bridge of the sessions the tests end behind its back (tests/test_wp_cookie_memo.py: with a recheck)."""
    return start_bridge(site_db, {"BRIDGE_WP_CONFIG": str(wp_config), "BRIDGE_COOKIE_SESSION_RECHECK_S": "0"})


@pytest.fixture()
def admin(site: Site) -> Iterator[tuple[str, str, int]]:
    cookie, token = site.login("admin")
    yield cookie, token, int(site.user("admin")["ID"])


def get(
    bridge: BridgeServer, path: str, cookie: str | None, nonce: str | None = None, **headers: str
) -> httpx.Response:
    sent = {k.replace("_", "-"): v for k, v in headers.items()}
    if cookie is not None:
        sent["Cookie"] = f"{COOKIE}={cookie}"
    if nonce is not None:
        sent["X-WP-Nonce"] = nonce
    return bridge.client.get(path, headers=sent)


def refused(response: httpx.Response, code: str, status: int = 403) -> None:
    assert response.status_code == status, response.text
    assert response.json()["code"] == code, response.text


def test_valid_cookie_and_nonce_is_the_user_on_rest_and_datatables(
    cookie_bridge: BridgeServer, site: Site, admin: tuple[str, str, int]
) -> None:
    """The cookie WordPress sets at login plus its wp_rest nonce (header or ``_wpnonce``) are that
    user, as in WordPress: the REST API answers as them and DataTables draws their rows."""
    cookie, token, user_id = admin
    nonce = site.nonce(user_id, token)
    me = get(cookie_bridge, ME, cookie, nonce)
    assert me.status_code == 200, me.text
    assert me.json()["id"] == user_id and "administrator" in me.json()["roles"]
    by_query = cookie_bridge.client.get(f"{ME}?_wpnonce={nonce}", headers={"Cookie": f"{COOKIE}={cookie}"})
    assert by_query.status_code == 200 and by_query.json()["id"] == user_id
    table = get(cookie_bridge, DT, cookie, nonce).json()
    assert table["draw"] == 3 and table["recordsTotal"] == 4 and len(table["data"]) == 4 and "error" not in table
    same_origin = get(cookie_bridge, ME, cookie, nonce, Origin=cookie_bridge.base, Sec_Fetch_Site="same-origin")
    assert same_origin.status_code == 200
    previous_tick = get(cookie_bridge, ME, cookie, site.nonce(user_id, token, ticks_ago=1))
    assert previous_tick.status_code == 200, "wp_verify_nonce accepts the previous tick (12-24 hours old)"


def test_cookie_without_nonce_is_the_logged_out_visitor(
    cookie_bridge: BridgeServer, admin: tuple[str, str, int]
) -> None:
    """rest_cookie_check_errors: no nonce at all → user 0 (a page cannot use the cookie blindly)."""
    cookie, _, _ = admin
    refused(get(cookie_bridge, ME, cookie), "rest_not_logged_in", 401)
    table = get(cookie_bridge, DT, cookie).json()
    assert table["data"] == [] and table["recordsTotal"] == 0 and "logged in" in table["error"]


def _tamper(cookie: str, field: int, value: str) -> str:
    parts = cookie.split("|")
    parts[field] = value
    return "|".join(parts)


@pytest.mark.parametrize(
    "label",
    [
        "forged_hmac",
        "hmac_of_other_keys",
        "expiration_extended",
        "login_changed",
        "token_changed",
        "unknown_user",
        "expired",
    ],
)
def test_forged_tampered_and_expired_cookies_are_refused(
    cookie_bridge: BridgeServer, site: Site, admin: tuple[str, str, int], label: str
) -> None:
    """A cookie that wp_validate_auth_cookie refuses is the logged-out visitor, whose nonce (the one
    the real user holds) then fails: 403 rest_cookie_invalid_nonce, as WordPress answers; without
    a nonce it is just logged out. DataTables get the same refusal in-band."""
    cookie, token, user_id = admin
    owner = site.user("andi_budi")
    if label == "forged_hmac":
        bad = _tamper(cookie, 3, "0" * 64)
    elif label == "hmac_of_other_keys":  # e.g. another site of the network, or a guessed key
        bad = generate_auth_cookie(
            "another-sites-salt", "admin", site.user("admin")["user_pass"], int(time.time()) + DAY, token
        )
    elif label == "expiration_extended":
        bad = _tamper(cookie, 1, str(int(cookie.split("|")[1]) + 10 * DAY))
    elif label == "login_changed":
        bad = _tamper(cookie, 0, owner["user_login"])
    elif label == "token_changed":
        bad = _tamper(cookie, 2, "x" * 43)
    elif label == "unknown_user":
        bad = _tamper(cookie, 0, "nobody-by-this-name")
    else:
        bad, token = site.login("admin", expiration=int(time.time()) - 60)
    nonce = site.nonce(user_id, token)
    refused(get(cookie_bridge, ME, bad, nonce), "rest_cookie_invalid_nonce")
    refused(get(cookie_bridge, ME, bad), "rest_not_logged_in", 401)
    table = get(cookie_bridge, DT, bad, nonce).json()
    assert table["data"] == [] and table["error"] == "Cookie check failed"


def test_expired_cookie_gets_an_hour_of_grace_on_post_only(cookie_bridge: BridgeServer, site: Site) -> None:
    """wp_validate_auth_cookie's grace: a POST (here a DataTables POST, a read) is accepted up to an
    hour after the cookie expired, a GET is not."""
    cookie, token = site.login("admin", expiration=int(time.time()) - 600)
    user_id = int(site.user("admin")["ID"])
    nonce = site.nonce(user_id, token)
    headers = {"Cookie": f"{COOKIE}={cookie}", "X-WP-Nonce": nonce}
    posted = cookie_bridge.client.post(DT_PATH, data={"draw": "4", "start": "0", "length": "5"}, headers=headers).json()
    assert posted["recordsTotal"] == 4 and "error" not in posted, posted
    refused(get(cookie_bridge, ME, cookie, nonce), "rest_cookie_invalid_nonce")


def test_cookie_after_logout_is_refused_at_once(rechecking_bridge: BridgeServer, site: Site) -> None:
    """Logging out removes the session from session_tokens; the very next request with that cookie
    is refused (with a recheck of 0 each cookie request reads the session, even when the shim does
    not report the logout), while another session of the same user still works."""
    cookie_bridge = rechecking_bridge
    cookie, token = site.login("admin")
    other_cookie, other_token = site.login("admin")
    user_id = int(site.user("admin")["ID"])
    assert get(cookie_bridge, ME, cookie, site.nonce(user_id, token)).status_code == 200
    site.logout("admin", token)
    refused(get(cookie_bridge, ME, cookie, site.nonce(user_id, token)), "rest_cookie_invalid_nonce")
    assert get(cookie_bridge, ME, other_cookie, site.nonce(user_id, other_token)).status_code == 200
    site.set_sessions(user_id, {})  # "Log out everywhere else" / destroy_all
    refused(get(cookie_bridge, ME, other_cookie, site.nonce(user_id, other_token)), "rest_cookie_invalid_nonce")


def test_password_change_ends_the_cookie(rechecking_bridge: BridgeServer, site: Site) -> None:
    """The cookie's key covers four characters of the password hash: a new password ends it."""
    cookie_bridge = rechecking_bridge
    cookie, token = site.login("demo_subscriber")
    user = site.user("demo_subscriber")
    nonce = site.nonce(int(user["ID"]), token)
    assert get(cookie_bridge, ME, cookie, nonce).status_code == 200
    conn = connect(site.url)
    with conn.cursor() as cur:
        cur.execute("UPDATE wp_users SET user_pass = %s WHERE ID = %s", ("$P$Bchanged" + "x" * 24, user["ID"]))
    conn.close()
    refused(get(cookie_bridge, ME, cookie, nonce), "rest_cookie_invalid_nonce")


@pytest.mark.parametrize("label", ["stale", "other_users", "other_session", "empty", "garbage", "logged_out_visitors"])
def test_bad_nonces_are_refused(
    cookie_bridge: BridgeServer, site: Site, admin: tuple[str, str, int], label: str
) -> None:
    """A valid cookie with a nonce that wp_verify_nonce refuses: two ticks old, another user's (the
    cookie of one user with the nonce of another), another session's, empty, garbage, or a
    logged-out visitor's — 403 rest_cookie_invalid_nonce, in-band for DataTables."""
    cookie, token, user_id = admin
    other_cookie, other_token = site.login("andi_budi")
    other_id = int(site.user("andi_budi")["ID"])
    nonce = {
        "stale": site.nonce(user_id, token, ticks_ago=2),
        "other_users": site.nonce(other_id, other_token),
        "other_session": site.nonce(user_id, site.login("admin")[1]),
        "empty": "",
        "garbage": "'; DROP TABLE wp_users; --",
        "logged_out_visitors": site.nonce(0, ""),
    }[label]
    refused(get(cookie_bridge, ME, cookie, nonce), "rest_cookie_invalid_nonce")
    table = get(cookie_bridge, DT, cookie, nonce).json()
    assert table["data"] == [] and table["error"] == "Cookie check failed" and table["draw"] == 3
    if label == "other_users":  # and the other way round: their cookie, the admin's nonce
        refused(get(cookie_bridge, ME, other_cookie, site.nonce(user_id, token)), "rest_cookie_invalid_nonce")


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "http://app.example"},  # listed in BRIDGE_CORS_ORIGINS: still not for cookies
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
    ids=["foreign_origin", "cors_listed_origin", "null_origin", "cross_site", "same_site"],
)
def test_cross_origin_cookie_requests_are_refused(
    cookie_bridge: BridgeServer, site: Site, admin: tuple[str, str, int], headers: dict[str, str]
) -> None:
    """A request carrying the cookie from a page of another origin is refused (403
    wpbridge_origin_not_allowed), reads included and valid nonce or not, whatever BRIDGE_CORS_ORIGINS says."""
    cookie, token, user_id = admin
    nonce = site.nonce(user_id, token)
    sent = {"Cookie": f"{COOKIE}={cookie}", "X-WP-Nonce": nonce, **headers}
    refused(cookie_bridge.client.get(ME, headers=sent), "wpbridge_origin_not_allowed")
    table = cookie_bridge.client.post(DT_PATH, data={"draw": "5"}, headers=sent).json()
    assert table["data"] == [] and "own origin" in table["error"]
    basic = cookie_bridge.client.get(ME, headers={**headers, "Cookie": sent["Cookie"]}, auth=("admin", "wrong"))
    assert basic.json()["code"] == "incorrect_password", "explicit credentials are checked first, as before"


def test_cookie_of_another_site_is_not_this_sites_login(
    cookie_bridge: BridgeServer, site: Site, admin: tuple[str, str, int]
) -> None:
    """Another site of the network (another site URL, so another COOKIEHASH) has another cookie
    name: that cookie is not a login here, even valid and with the user's nonce, and its nonce is
    not checked. A session recorded in another installation's usermeta (another table prefix) is
    not a session here."""
    cookie, token, user_id = admin
    other_name = "wordpress_logged_in_" + hashlib.md5(b"http://site-two.localhost").hexdigest()
    response = cookie_bridge.client.get(
        ME, headers={"Cookie": f"{other_name}={cookie}", "X-WP-Nonce": site.nonce(user_id, token)}
    )
    refused(response, "rest_not_logged_in", 401)
    conn = connect(site.url)
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS other_usermeta LIKE wp_usermeta")
    conn.close()
    foreign_cookie, foreign_token = site.login("admin", usermeta="other_usermeta")
    refused(get(cookie_bridge, ME, foreign_cookie, site.nonce(user_id, foreign_token)), "rest_cookie_invalid_nonce")


@pytest.mark.parametrize(
    "raw",
    [
        "%ZZ%00|%FF|%C3%28|x",
        "\u00e9\u00e8|1|2|3",
        "|||",
        "a|" + "9" * 40 + "|t|h",
        "admin|99999999999|" + "t" * 5000 + "|h",
        "admin%7C4102444800%7Ctok%7Chmac",
        '"quoted|1|2|3"',
    ],
    ids=["bad_escapes", "latin1", "empty_fields", "huge_expiration", "long_token", "percent_encoded", "quoted"],
)
def test_malformed_cookies_never_answer_500(cookie_bridge: BridgeServer, raw: str, admin: tuple[str, str, int]) -> None:
    """Whatever the cookie holds: the logged-out visitor (no nonce) or 403 (a nonce), never a 500."""
    _, _, _ = admin
    for nonce in (None, "0123456789"):
        headers = {"Cookie": f"{COOKIE}={raw}".encode()}  # raw UTF-8 bytes on the wire
        if nonce:
            headers["X-WP-Nonce"] = nonce.encode()
        response = cookie_bridge.client.get(ME, headers=headers)
        assert response.status_code in (401, 403), response.text
        assert response.json()["code"] in ("rest_not_logged_in", "rest_cookie_invalid_nonce")


def test_cookie_login_is_cached_like_any_principal_and_evicted_with_the_user(
    cookie_bridge: BridgeServer, site: Site
) -> None:
    """The principal a cookie proves comes from the loader's cache (a role change shows only after
    ``{"entity": "user"}`` invalidation), while the cookie and session are checked every time."""
    cookie, token = site.login("demo_platform_viewer")
    user = site.user("demo_platform_viewer")
    nonce = site.nonce(int(user["ID"]), token)
    before = get(cookie_bridge, ME, cookie, nonce).json()
    conn = connect(site.url)
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE wp_usermeta SET meta_value = %s WHERE user_id = %s AND meta_key = 'wp_capabilities'",
            (php_dumps({"subscriber": True}), user["ID"]),
        )
    conn.close()
    assert get(cookie_bridge, ME, cookie, nonce).json()["roles"] == before["roles"]
    from tests.support.server import signed_headers

    body = b'{"entity": "user", "id": %d}' % int(user["ID"])
    invalidate = cookie_bridge.client.post(
        "/wp-json/wp-customer/v1/cache/invalidate",
        content=body,
        headers={
            "Content-Type": "application/json",
            **signed_headers("POST", "/wp-json/wp-customer/v1/cache/invalidate", 0, body),
        },
    )
    assert invalidate.status_code == 200, invalidate.text
    assert get(cookie_bridge, ME, cookie, nonce).json()["roles"] == ["subscriber"]


def test_secrets_never_reach_answers_or_the_log(
    cookie_bridge: BridgeServer, site: Site, admin: tuple[str, str, int]
) -> None:
    cookie, token, user_id = admin
    answers = [
        get(cookie_bridge, ME, cookie, "bad").text,
        get(cookie_bridge, DT, cookie, "bad").text,
        get(cookie_bridge, ME, cookie, site.nonce(user_id, token), Origin="http://evil.example").text,
    ]
    log = cookie_bridge.log()
    for value in KEYS.values():
        assert all(value not in text for text in [*answers, log])


def test_turned_off_without_wp_config(
    site_db: DatabaseURL, site: Site, start_bridge: Callable[..., BridgeServer]
) -> None:
    """Without BRIDGE_WP_CONFIG the cookie is ignored: a valid cookie and nonce are the logged-out
    visitor (the nonce is not even checked), and a cross-origin cookie request is not refused for it."""
    plain = start_bridge(site_db)
    cookie, token = site.login("admin")
    nonce = site.nonce(int(site.user("admin")["ID"]), token)
    refused(get(plain, ME, cookie, nonce), "rest_not_logged_in", 401)
    refused(get(plain, ME, cookie, "bad"), "rest_not_logged_in", 401)
    refused(get(plain, ME, cookie, nonce, Origin="http://evil.example"), "rest_not_logged_in", 401)


def test_keys_from_the_options_table_when_wp_config_has_none(
    site_db: DatabaseURL, site: Site, start_bridge: Callable[..., BridgeServer], tmp_path: Path
) -> None:
    """wp_salt's fallback: keys wp-config.php does not define are the logged_in_/nonce_ options
    WordPress stored; cookies made with wp-config keys are then refused. BRIDGE_WP_SITE_URL names
    the cookie instead of the siteurl option."""
    conn = connect(site.url)
    with conn.cursor() as cur:
        for name, value in OPTION_KEYS.items():
            cur.execute(
                "INSERT INTO wp_options (option_name, option_value, autoload) VALUES (%s, %s, 'no') "
                "ON DUPLICATE KEY UPDATE option_value = VALUES(option_value)",
                (name, value),
            )
    conn.close()
    config = write_wp_config(tmp_path / "wp-config.php", {"DB_HOST": "localhost"})
    site_url = "https://wp.example.com"
    bridge = start_bridge(site_db, {"BRIDGE_WP_CONFIG": str(config), "BRIDGE_WP_SITE_URL": site_url})
    name = "wordpress_logged_in_" + hashlib.md5(site_url.encode()).hexdigest()
    from_options = Site(
        site.url,
        OPTION_KEYS["logged_in_key"] + OPTION_KEYS["logged_in_salt"],
        OPTION_KEYS["nonce_key"] + OPTION_KEYS["nonce_salt"],
    )
    cookie, token = from_options.login("admin")
    user_id = int(site.user("admin")["ID"])
    ok = bridge.client.get(ME, headers={"Cookie": f"{name}={cookie}", "X-WP-Nonce": from_options.nonce(user_id, token)})
    assert ok.status_code == 200 and ok.json()["id"] == user_id
    refused(
        get(bridge, ME, cookie, from_options.nonce(user_id, token)), "rest_not_logged_in", 401
    )  # the siteurl's name
    wrong_keys, wrong_token = site.login("admin")
    wrong = bridge.client.get(
        ME, headers={"Cookie": f"{name}={wrong_keys}", "X-WP-Nonce": site.nonce(user_id, wrong_token)}
    )
    refused(wrong, "rest_cookie_invalid_nonce")


def test_multisite_keys_and_site_url_come_from_the_networks_sitemeta(
    site_db: DatabaseURL, site: Site, start_bridge: Callable[..., BridgeServer], tmp_path: Path
) -> None:
    """With MULTISITE, get_site_option reads the network's sitemeta (site_id 1 unless
    SITE_ID_CURRENT_SITE says otherwise), not the site's options: its keys and its siteurl (the
    cookie's name). Without a sitemeta table the cookie is ignored, never a 500."""
    config = write_wp_config(tmp_path / "wp-config.php", {"DB_HOST": "localhost"})
    config.write_text(config.read_text().replace("$table_prefix", "define( 'MULTISITE', true );\n$table_prefix"))
    no_table = start_bridge(site_db, {"BRIDGE_WP_CONFIG": str(config)})
    cookie, token = site.login("admin")
    user_id = int(site.user("admin")["ID"])
    refused(get(no_table, ME, cookie, site.nonce(user_id, token)), "rest_not_logged_in", 401)
    assert "sitemeta" not in get(no_table, ME, cookie, "x").text

    network_url = "http://network.localhost"
    conn = connect(site.url)
    with conn.cursor() as cur:
        cur.execute(
            "CREATE TABLE wp_sitemeta (meta_id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, site_id BIGINT NOT NULL, "
            "meta_key VARCHAR(255), meta_value LONGTEXT, KEY meta_key (meta_key(191)), KEY site_id (site_id))"
        )
        rows = [(2, name, "another network's " + name) for name in [*OPTION_KEYS, "siteurl"]]  # a decoy network first
        rows += [(1, name, value) for name, value in OPTION_KEYS.items()] + [(1, "siteurl", network_url)]
        cur.executemany("INSERT INTO wp_sitemeta (site_id, meta_key, meta_value) VALUES (%s, %s, %s)", rows)
    conn.close()
    bridge = start_bridge(site_db, {"BRIDGE_WP_CONFIG": str(config)})
    network = Site(
        site.url,
        OPTION_KEYS["logged_in_key"] + OPTION_KEYS["logged_in_salt"],
        OPTION_KEYS["nonce_key"] + OPTION_KEYS["nonce_salt"],
    )
    cookie, token = network.login("admin")
    name = "wordpress_logged_in_" + hashlib.md5(network_url.encode()).hexdigest()
    ok = bridge.client.get(ME, headers={"Cookie": f"{name}={cookie}", "X-WP-Nonce": network.nonce(user_id, token)})
    assert ok.status_code == 200 and ok.json()["id"] == user_id


def test_cookie_writes_only_from_the_own_origin(
    cookie_bridge: BridgeServer, site: Site, admin: tuple[str, str, int]
) -> None:
    """A write with the cookie and nonce from a page of the bridge's own origin works; the same
    write from an origin BRIDGE_CORS_ORIGINS lists (which passes the write check of other
    credentials) is refused, and changes nothing."""
    cookie, token, user_id = admin
    path = "/wp-json/wp-customer/v1/customers/1"
    headers = {"Cookie": f"{COOKIE}={cookie}", "X-WP-Nonce": site.nonce(user_id, token)}
    own = cookie_bridge.client.patch(
        path, json={"name": "PT Same Origin"}, headers={**headers, "Origin": cookie_bridge.base}
    )
    assert own.status_code == 200 and own.json()["name"] == "PT Same Origin", own.text
    listed = cookie_bridge.client.patch(
        path, json={"name": "PT Listed"}, headers={**headers, "Origin": "http://app.example"}
    )
    refused(listed, "wpbridge_origin_not_allowed")
    assert get(cookie_bridge, path, cookie, headers["X-WP-Nonce"]).json()["name"] == "PT Same Origin"


def test_cookie_of_a_network_user_on_a_site_they_are_no_member_of_sees_nothing(
    make_database: Callable[[], DatabaseURL], start_bridge: Callable[..., BridgeServer], tmp_path: Path
) -> None:
    """A multisite network's cookie is network-wide, as in WordPress: the administrator of site 1
    signs in on site 2 (BRIDGE_TABLE_PREFIX=wp_2_) too, but has no roles there, so site 2's
    customers, through REST and DataTables (plugin shape included), are refused or empty — while
    site 1 shows them their rows. Never a 500."""
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "4", "--seed", "3")
    site_two = {"BRIDGE_TABLE_PREFIX": "wp_2_", "BRIDGE_BASE_PREFIX": "wp_"}
    run_cli(url, "migrate", env=site_two)
    network_url = "http://network.localhost"
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("INSERT INTO wp_2_app_customers SELECT * FROM wp_app_customers")
        cur.execute("CREATE TABLE IF NOT EXISTS wp_2_options LIKE wp_options")
        cur.execute(
            "INSERT INTO wp_2_options (option_name, option_value, autoload) SELECT REPLACE(option_name, 'wp_', "
            "'wp_2_'), option_value, autoload FROM wp_options WHERE option_name = 'wp_user_roles'"
        )
        cur.execute(
            "CREATE TABLE wp_sitemeta (meta_id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, site_id BIGINT NOT NULL, "
            "meta_key VARCHAR(255), meta_value LONGTEXT, KEY meta_key (meta_key(191)), KEY site_id (site_id))"
        )
        rows = [(1, name, value) for name, value in OPTION_KEYS.items()] + [(1, "siteurl", network_url)]
        cur.executemany("INSERT INTO wp_sitemeta (site_id, meta_key, meta_value) VALUES (%s, %s, %s)", rows)
    conn.close()
    config = write_wp_config(tmp_path / "wp-config.php", {"DB_HOST": "localhost"})
    config.write_text(config.read_text().replace("$table_prefix", "define( 'MULTISITE', true );\n$table_prefix"))
    one = start_bridge(url, {"BRIDGE_WP_CONFIG": str(config)})
    two = start_bridge(url, {"BRIDGE_WP_CONFIG": str(config), **site_two})
    network = Site(
        url,
        OPTION_KEYS["logged_in_key"] + OPTION_KEYS["logged_in_salt"],
        OPTION_KEYS["nonce_key"] + OPTION_KEYS["nonce_salt"],
    )
    cookie, token = network.login("admin")
    user_id = int(network.user("admin")["ID"])
    sent = {
        "Cookie": "wordpress_logged_in_" + hashlib.md5(network_url.encode()).hexdigest() + "=" + cookie,
        "X-WP-Nonce": network.nonce(user_id, token),
    }
    table = DT + "&columns[0][data]=code&shape=plugin"
    mine = one.client.get(table, headers=sent).json()
    assert mine["recordsTotal"] == 4 and len(mine["data"]) == 4, mine

    me = two.client.get(ME, headers=sent)
    assert me.status_code == 200 and me.json()["id"] == user_id and me.json()["roles"] == [], me.text
    theirs = two.client.get(table, headers=sent)
    assert theirs.status_code == 200 and theirs.json()["data"] == [], theirs.text
    listed = two.client.get("/wp-json/wp-customer/v1/customers", headers=sent)
    assert listed.status_code in (200, 403) and (listed.status_code == 403 or listed.json() == []), listed.text
    one.stop()  # their pools' connections back to a shared server now, not at the end of the session
    two.stop()
