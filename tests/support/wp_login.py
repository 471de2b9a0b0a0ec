"""A test WordPress site's login secrets and sessions: its wp-config.php keys, and minting of the
cookies and nonces WordPress would issue (bridge/wp_cookie/, proven equal to WordPress's own
functions by tests/unit/test_wp_cookie.py)."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

from bridge.settings import DatabaseURL
from bridge.wordpress import php_dumps
from bridge.wp_cookie.cookie import generate_auth_cookie
from bridge.wp_cookie.nonce import create_nonce, nonce_tick
from tests.support.database import connect

KEYS = {
    "LOGGED_IN_KEY": "t3st-l0gged-in-key'with\\quotes$and|pipes-0123456789abcdefghij",
    "LOGGED_IN_SALT": "t3st-l0gged-in-salt-0123456789abcdefghijklmnopqrstuvwxyz!@#%^&*",
    "NONCE_KEY": "t3st-n0nce-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL",
    "NONCE_SALT": "t3st-n0nce-salt-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJK",
}
OPTION_KEYS = {
    "logged_in_key": "opt-logged-in-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
    "logged_in_salt": "opt-logged-in-salt-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHI",
    "nonce_key": "opt-nonce-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO",
    "nonce_salt": "opt-nonce-salt-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN",
}
SITE_URL = "http://localhost"  # the demo site's siteurl option
COOKIE = "wordpress_logged_in_" + hashlib.md5(SITE_URL.encode()).hexdigest()
ME = "/wp-json/wp-customer/v1/users/me"
DT_PATH = "/wp-json/wp-customer/v1/datatables/customers"
DT = DT_PATH + "?draw=3&start=0&length=5"
DAY = 86400


def _php_define(name: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"define( '{name}', '{escaped}' );"


def write_wp_config(path: Path, defines: dict[str, str]) -> Path:
    lines = ["<?php", "// a test site's wp-config.php", "define( 'DB_NAME', 'wordpress' );"]
    lines += [_php_define(name, value) for name, value in defines.items()]
    lines.append("$table_prefix = 'wp_';")
    path.write_text("\n".join(lines) + "\n")
    return path


class Site:
    """The test site: users' password hashes, their sessions, and minting of cookies and nonces."""

    def __init__(self, url: DatabaseURL, logged_in_salt: str, nonce_salt: str) -> None:
        self.url = url
        self.logged_in_salt = logged_in_salt
        self.nonce_salt = nonce_salt

    def user(self, login: str) -> dict[str, Any]:
        conn = connect(self.url)
        with conn.cursor() as cur:
            cur.execute("SELECT ID, user_login, user_pass FROM wp_users WHERE user_login = %s", (login,))
            row = cur.fetchone()
        conn.close()
        assert row is not None, login
        return row

    def sessions(self, user_id: int, usermeta: str = "wp_usermeta") -> dict[str, Any]:
        conn = connect(self.url)
        with conn.cursor() as cur:
            cur.execute(
                f"SELECT meta_value FROM `{usermeta}` WHERE user_id = %s AND meta_key = 'session_tokens'", (user_id,)
            )
            row = cur.fetchone()
        conn.close()
        from bridge.wordpress import php_loads

        return php_loads(row["meta_value"]) if row else {}

    def set_sessions(self, user_id: int, sessions: dict[str, Any], usermeta: str = "wp_usermeta") -> None:
        conn = connect(self.url)
        with conn.cursor() as cur:
            cur.execute(f"DELETE FROM `{usermeta}` WHERE user_id = %s AND meta_key = 'session_tokens'", (user_id,))
            cur.execute(
                f"INSERT INTO `{usermeta}` (user_id, meta_key, meta_value) VALUES (%s, 'session_tokens', %s)",
                (user_id, php_dumps(sessions)),
            )
        conn.close()

    def login(
        self,
        login: str,
        *,
        expiration: int | None = None,
        usermeta: str = "wp_usermeta",
        session_expiration: int | None = None,
    ) -> tuple[str, str]:
        """What wp_signon does: a new session in ``session_tokens`` and its cookie; ``(cookie, token)``.
        The session expires with the cookie unless ``session_expiration`` says otherwise."""
        user = self.user(login)
        token = hashlib.sha256(f"{login}{time.time_ns()}".encode()).hexdigest()[:43]
        now = int(time.time())
        sessions = self.sessions(user["ID"], usermeta)
        sessions[hashlib.sha256(token.encode()).hexdigest()] = {
            "expiration": session_expiration or now + 2 * DAY,
            "ip": "127.0.0.1",
            "ua": "pytest",
            "login": now,
        }
        self.set_sessions(user["ID"], sessions, usermeta)
        cookie = generate_auth_cookie(
            self.logged_in_salt, user["user_login"], user["user_pass"], expiration or now + 2 * DAY, token
        )
        return cookie, token

    def logout(self, login: str, token: str) -> None:
        """What wp_logout does: the session's entry leaves ``session_tokens``."""
        user = self.user(login)
        sessions = self.sessions(user["ID"])
        del sessions[hashlib.sha256(token.encode()).hexdigest()]
        self.set_sessions(user["ID"], sessions)

    def nonce(self, user_id: int, token: str, ticks_ago: int = 0) -> str:
        return create_nonce(self.nonce_salt, nonce_tick(time.time()) - ticks_ago, "wp_rest", user_id, token)
