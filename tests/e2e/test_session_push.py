"""The shim tells the bridge of session changes at once (issue 17: the workers' memo of checked
cookies, bridge/wp_cookie/memo.py, and the shim's WP_Customer_Bridge_Sessions).

A cookie bridge that trusts a cookie it checked for an hour (BRIDGE_COOKIE_SESSION_RECHECK_S=3600)
shares its diskcache folder with the session's bridge, the one the test WordPress's shim talks
to: two workers of one host. A logout through wp-login.php, "log out everywhere"
(WP_Session_Tokens::destroy_all) or a new password (wp_set_password) in real WordPress must end
the cookie on the cookie bridge's very next request: only the shim's push, sent from the hook
that changed the session, can do that within the hour.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from bridge.settings import DatabaseURL
from tests.support.one_origin import API, KEY_DEFINE
from tests.support.server import BridgeServer
from tests.support.wordpress_site import WordPress, php_string

ME = f"{API}/users/me"


@dataclass
class Login:
    """A user signed in through wp-login.php: their client, cookies (kept: a logout clears the
    client's), REST nonce and id."""

    client: httpx.Client
    cookies: str
    nonce: str
    user_id: int


@pytest.fixture(scope="module")
def cookie_bridge(
    wordpress: WordPress,
    e2e_db: DatabaseURL,
    e2e_bridge: BridgeServer,
    start_bridge: Callable[..., BridgeServer],
    tmp_path_factory: pytest.TempPathFactory,
) -> BridgeServer:
    tmp = tmp_path_factory.mktemp("session-push")
    keys = "\n".join(KEY_DEFINE.findall((wordpress.root / "wp-config.php").read_text()))
    (tmp / "wp-config-keys.php").write_text(f"<?php\n{keys}\n")
    return start_bridge(
        e2e_db,
        {
            "BRIDGE_WP_CONFIG": str(tmp / "wp-config-keys.php"),
            "BRIDGE_WP_SITE_URL": wordpress.url,
            "BRIDGE_COOKIE_SESSION_RECHECK_S": "3600",
            "BRIDGE_CACHE_DIR": str(e2e_bridge.log_path.parent / f"cache-{e2e_bridge.port}"),
        },
    )


@pytest.fixture()
def user(wordpress: WordPress) -> Iterator[tuple[str, str]]:
    """A subscriber of its own (its password changes here), deleted afterwards."""
    login, password = f"push_{secrets.token_hex(4)}", "Push_Pass-" + secrets.token_hex(6)
    wordpress.php(
        f"$id = wp_insert_user( array( 'user_login' => {php_string(login)}, 'user_pass' => {php_string(password)},"
        f" 'user_email' => {php_string(login + '@example.com')}, 'role' => 'subscriber' ) );"
        " if ( is_wp_error( $id ) ) { fwrite( STDERR, $id->get_error_message() ); exit( 1 ); }"
    )
    yield login, password
    wordpress.php(
        "require_once ABSPATH . 'wp-admin/includes/user.php';"
        f" wp_delete_user( get_user_by( 'login', {php_string(login)} )->ID );"
    )


def sign_in(wordpress: WordPress, login: str, password: str) -> Login:
    client = wordpress.login(login, password)
    nonce = client.get("/wp-admin/admin-ajax.php", params={"action": "rest-nonce"})
    assert nonce.status_code == 200 and re.fullmatch(r"[0-9a-f]{10}", nonce.text), nonce.text
    user_id = int(wordpress.php(f"echo get_user_by( 'login', {php_string(login)} )->ID;").strip())
    cookies = "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar if c.name.startswith("wordpress_logged_in_"))
    return Login(client, cookies, nonce.text, user_id)


def accepted(bridge: BridgeServer, login: Login) -> bool:
    """The cookie bridge's answer to the login's cookie and nonce: its user (200) or 403."""
    response = bridge.client.get(ME, headers={"Cookie": login.cookies, "X-WP-Nonce": login.nonce})
    assert response.status_code in (200, 403), response.text
    if response.status_code == 200:
        assert response.json()["id"] == login.user_id
    return response.status_code == 200


@pytest.mark.parametrize("change", ["logout", "log_out_everywhere", "new_password"])
def test_a_session_change_in_wordpress_ends_the_cookie_at_once(
    wordpress: WordPress, cookie_bridge: BridgeServer, user: tuple[str, str], change: str
) -> None:
    """The cookie bridge remembers the cookie (an hour of recheck); WordPress ends the session
    (wp_logout through wp-login.php, destroy_all, wp_set_password); the next request is refused."""
    login = sign_in(wordpress, *user)
    assert accepted(cookie_bridge, login) and accepted(cookie_bridge, login)
    if change == "logout":
        admin = login.client.get("/wp-admin/profile.php")
        found = re.search(r"wp-login\.php\?action=logout(?:&amp;|&#038;|&)_wpnonce=([0-9a-f]+)", admin.text)
        assert found, admin.text[:2000]
        out = login.client.get("/wp-login.php", params={"action": "logout", "_wpnonce": found.group(1)})
        assert out.status_code == 302, out.text[:2000]
    elif change == "log_out_everywhere":
        wordpress.php(f"WP_Session_Tokens::get_instance( {login.user_id} )->destroy_all();")
    else:
        wordpress.php(f"wp_set_password( 'Another_Pass-2025', {login.user_id} );")
    assert not accepted(cookie_bridge, login)
