"""Identity over real HTTP: signed requests from the shim, Application Passwords, /users/me."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from bridge.settings import DatabaseURL
from bridge.signing import sign
from bridge.wordpress import fast_hash, hash_password_phpass, php_dumps
from tests.support.database import connect
from tests.support.logins import Login
from tests.support.server import SECRET, BridgeServer, signed_headers

ME = "/wp-json/wp-customer/v1/users/me"


def fetch_one(url: DatabaseURL, sql: str, params: tuple = ()) -> dict:
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchone()
    finally:
        conn.close()


# ---- signed requests ------------------------------------------------------------------------


def test_signed_request_is_the_named_user(bridge: BridgeServer, demo_logins: dict[str, Login]) -> None:
    owner = demo_logins["andi_budi"]
    response = bridge.client.get(ME, headers=signed_headers("GET", ME, owner.user_id))
    assert response.status_code == 200
    assert response.json()["id"] == owner.user_id


def test_signed_request_with_query_signs_the_query_exactly(bridge: BridgeServer, demo_logins: dict[str, Login]) -> None:
    target = ME + "?_fields=id&x%5B0%5D=a%20b"
    response = bridge.client.get(target, headers=signed_headers("GET", target, demo_logins["admin"].user_id))
    assert response.status_code == 200


def test_signed_user_zero_is_a_logged_out_visitor(bridge: BridgeServer) -> None:
    response = bridge.client.get(ME, headers=signed_headers("GET", ME, 0))
    assert response.status_code == 401 and response.json()["code"] == "rest_not_logged_in"


def _post_signed(bridge: BridgeServer, headers: dict[str, str], body: bytes, target: str = ME) -> dict:
    response = bridge.client.request(
        "POST", target, headers={**headers, "Content-Type": "application/json"}, content=body
    )
    return {"status": response.status_code, **response.json()}


@pytest.mark.parametrize(
    "tamper, code",
    [
        ("body", "wpbridge_signature_invalid"),
        ("query", "wpbridge_signature_invalid"),
        ("user", "wpbridge_signature_invalid"),
        ("secret", "wpbridge_signature_invalid"),
        ("old", "wpbridge_signature_expired"),
        ("future", "wpbridge_signature_expired"),
        ("missing", "wpbridge_signature_missing"),
        ("short_nonce", "wpbridge_signature_malformed"),
    ],
)
def test_bad_signatures_are_refused_with_a_specific_401(
    bridge: BridgeServer, demo_logins: dict[str, Login], tamper: str, code: str
) -> None:
    user = demo_logins["admin"].user_id
    body = b'{"a": 1}'
    target = ME + "?page=1"
    now = int(time.time())
    if tamper == "body":
        headers = signed_headers("GET", target, user, body)
        response = bridge.client.request("GET", target, headers=headers, content=b'{"a": 2}')
    elif tamper == "query":
        headers = signed_headers("GET", target, user)
        response = bridge.client.get(ME + "?page=2", headers=headers)
    elif tamper == "user":
        headers = signed_headers("GET", target, user)
        headers["X-WP-Bridge-User"] = str(demo_logins["andi_budi"].user_id)
        response = bridge.client.get(target, headers=headers)
    elif tamper == "secret":
        headers = signed_headers("GET", target, user, secret="another-secret-0123456789")
        response = bridge.client.get(target, headers=headers)
    elif tamper in ("old", "future"):
        from bridge.signing import signed_headers as make

        stamp = now - 360 if tamper == "old" else now + 360  # past the 300 s window with room for a slow machine
        headers = make(SECRET, "GET", target, user, b"", timestamp=stamp)
        response = bridge.client.get(target, headers=headers)
    elif tamper == "missing":
        headers = signed_headers("GET", target, user)
        del headers["X-WP-Bridge-Nonce"]
        response = bridge.client.get(target, headers=headers)
    else:
        nonce = "short"
        signature = sign(SECRET, "GET", target, str(now), nonce, str(user), b"")
        headers = {
            "X-WP-Bridge-User": str(user),
            "X-WP-Bridge-Timestamp": str(now),
            "X-WP-Bridge-Nonce": nonce,
            "X-WP-Bridge-Signature": signature,
        }
        response = bridge.client.get(target, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == code


def test_replayed_nonce_is_refused(bridge: BridgeServer, demo_logins: dict[str, Login]) -> None:
    headers = signed_headers("GET", ME, demo_logins["admin"].user_id)
    assert bridge.client.get(ME, headers=headers).status_code == 200
    replay = bridge.client.get(ME, headers=headers)
    assert replay.status_code == 401 and replay.json()["code"] == "wpbridge_signature_replayed"


def test_signed_request_for_a_user_that_does_not_exist_is_refused(bridge: BridgeServer) -> None:
    response = bridge.client.get(ME, headers=signed_headers("GET", ME, 987654321))
    assert response.status_code == 401 and response.json()["code"] == "wpbridge_unknown_user"


def test_signed_requests_are_refused_when_no_secret_is_configured(
    demo_db: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> None:
    server = start_bridge(demo_db, {"BRIDGE_SHARED_SECRET": ""})
    response = server.client.get(ME, headers=signed_headers("GET", ME, 1))
    assert response.status_code == 401 and response.json()["code"] == "wpbridge_signature_disabled"


# ---- application passwords -----------------------------------------------------------------


def test_application_password_of_every_demo_login_works(bridge: BridgeServer, demo_logins: dict[str, Login]) -> None:
    for login in demo_logins.values():
        response = bridge.client.get(ME, auth=login.auth)
        assert response.status_code == 200, (login.username, response.text)
        assert response.json()["id"] == login.user_id


def test_application_password_is_accepted_chunked_with_spaces_as_wordpress_shows_it(
    bridge: BridgeServer, demo_logins: dict[str, Login]
) -> None:
    login = demo_logins["andi_budi"]
    chunked = " ".join(login.app_password[i : i + 4] for i in range(0, 24, 4))
    assert bridge.client.get(ME, auth=(login.username, chunked)).status_code == 200


def test_login_by_email_works_like_wordpress(
    bridge: BridgeServer, demo_db: DatabaseURL, demo_logins: dict[str, Login]
) -> None:
    login = demo_logins["andi_budi"]
    email = fetch_one(demo_db, "SELECT user_email FROM wp_users WHERE ID = %s", (login.user_id,))["user_email"]
    assert bridge.client.get(ME, auth=(email, login.app_password)).json()["id"] == login.user_id


def test_both_hash_formats_are_stored_and_accepted(
    demo_db: DatabaseURL, bridge: BridgeServer, demo_logins: dict[str, Login]
) -> None:
    """The admin's app password is a phpass `$P$` hash (WordPress < 6.8), the owner's a `$generic$` one (6.8+)."""
    admin = fetch_one(
        demo_db, "SELECT meta_value FROM wp_usermeta WHERE user_id=%s AND meta_key='_application_passwords'", (1,)
    )
    owner_id = demo_logins["andi_budi"].user_id
    owner = fetch_one(
        demo_db,
        "SELECT meta_value FROM wp_usermeta WHERE user_id=%s AND meta_key='_application_passwords'",
        (owner_id,),
    )
    assert "$P$B" in admin["meta_value"] and "$generic$" in owner["meta_value"]
    for name in ("admin", "andi_budi"):
        assert bridge.client.get(ME, auth=demo_logins[name].auth).status_code == 200


def test_hashes_made_the_way_wordpress_makes_them_are_accepted(
    make_database: Callable[[], DatabaseURL], start_bridge: Callable[..., BridgeServer]
) -> None:
    """A user row and app-password meta written exactly as WordPress writes them."""
    from tests.support.cli import run_cli

    url = make_database()
    run_cli(url, "migrate")
    items = [
        {"uuid": "0f8e9c70-0000-4000-8000-000000000001", "app_id": "", "name": "old", "password": hash_password_phpass("AbCdEfGhIjKlMnOpQrStUvWx"),
         "created": 1700000000, "last_used": None, "last_ip": None},
        {"uuid": "0f8e9c70-0000-4000-8000-000000000002", "app_id": "", "name": "new", "password": fast_hash("ZyXwVuTsRqPoNmLkJiHgFeDc"),
         "created": 1700000001, "last_used": None, "last_ip": None},
    ]  # fmt: skip
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO wp_users (ID, user_login, user_pass, user_nicename, user_email, user_registered, display_name) "
            "VALUES (7, 'wpuser', %s, 'wpuser', 'wp@example.com', NOW(), 'WP User')",
            (hash_password_phpass("secret"),),
        )
        cur.execute(
            "INSERT INTO wp_usermeta (user_id, meta_key, meta_value) VALUES (7, '_application_passwords', %s), "
            "(7, 'wp_capabilities', %s)",
            (php_dumps(items), php_dumps({"subscriber": True})),
        )
    conn.close()
    server = start_bridge(url)
    assert server.client.get(ME, auth=("wpuser", "AbCd EfGh IjKl MnOp QrSt UvWx")).status_code == 200
    assert server.client.get(ME, auth=("wpuser", "ZyXwVuTsRqPoNmLkJiHgFeDc")).status_code == 200
    wrong = server.client.get(ME, auth=("wpuser", "secret"))  # the login password is not an app password
    assert wrong.status_code == 401 and wrong.json()["code"] == "incorrect_password"


@pytest.mark.parametrize(
    "auth_header, code",
    [
        ("Basic " + base64.b64encode(b"andi_budi:wrong wrong wrong").decode(), "incorrect_password"),
        ("Basic " + base64.b64encode(b"nobody_here:abcdabcdabcdabcdabcdabcd").decode(), "invalid_username"),
        ("Basic " + base64.b64encode(b"nobody@example.org:abcdabcdabcdabcdabcdabcd").decode(), "invalid_email"),
        ("Basic !!!notbase64", "rest_invalid_authorization"),
        ("Basic " + base64.b64encode(b"no-colon").decode(), "rest_invalid_authorization"),
        ("Basic " + base64.b64encode(b"' OR 1=1 -- \\:x").decode(), "invalid_username"),
    ],
)
def test_wrong_credentials_get_a_specific_401_never_a_500(bridge: BridgeServer, auth_header: str, code: str) -> None:
    response = bridge.client.get(ME, headers={"Authorization": auth_header})
    assert response.status_code == 401
    assert response.json()["code"] == code


def test_a_successful_check_is_cached_so_basic_auth_is_cheap(
    bridge: BridgeServer, demo_db: DatabaseURL, demo_logins: dict[str, Login]
) -> None:
    """After one successful check the hash is not checked again (for up to a minute): with the
    stored application passwords emptied behind the bridge's back, the same credentials still
    pass, while other credentials for that user are checked afresh and refused."""
    login = demo_logins["demo_subscriber"]
    assert bridge.client.get(ME, auth=login.auth).status_code == 200
    conn = connect(demo_db)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT meta_value FROM wp_usermeta WHERE user_id = %s AND meta_key = '_application_passwords'",
            (login.user_id,),
        )
        stored = cur.fetchone()["meta_value"]
        cur.execute(
            "UPDATE wp_usermeta SET meta_value = 'a:0:{}' WHERE user_id = %s AND meta_key = '_application_passwords'",
            (login.user_id,),
        )
    try:
        assert bridge.client.get(ME, auth=login.auth).status_code == 200
        other = bridge.client.get(ME, auth=(login.username, "Z" * 24))
        assert other.status_code == 401 and other.json()["code"] == "incorrect_password"
    finally:
        with conn.cursor() as cur:
            cur.execute(
                "UPDATE wp_usermeta SET meta_value = %s WHERE user_id = %s AND meta_key = '_application_passwords'",
                (stored, login.user_id),
            )
        conn.close()


# ---- /users/me ------------------------------------------------------------------------------


def me(bridge: BridgeServer, login: Login) -> dict:
    response = bridge.client.get(ME, auth=login.auth)
    assert response.status_code == 200, response.text
    return response.json()


def test_me_for_the_administrator(bridge: BridgeServer, demo_logins: dict[str, Login]) -> None:
    body = me(bridge, demo_logins["admin"])
    assert body["roles"] == ["administrator"]
    assert body["capabilities"]["edit_all_customers"] is True and body["capabilities"]["delete_customer"] is True
    assert set(body) == {"id", "name", "login", "roles", "capabilities", "relations"}


def test_me_for_an_owner_lists_owned_customers_and_own_employee_row(
    bridge: BridgeServer, demo_db: DatabaseURL, demo_logins: dict[str, Login]
) -> None:
    login = demo_logins["andi_budi"]
    body = me(bridge, login)
    assert set(body["roles"]) == {"customer", "customer_admin"}
    owned = fetch_one(
        demo_db,
        "SELECT GROUP_CONCAT(id ORDER BY id) AS ids FROM wp_app_customers WHERE user_id=%s AND status='active'",
        (login.user_id,),
    )
    assert body["relations"]["customers_owned"] == [int(i) for i in owned["ids"].split(",")]
    assert body["capabilities"].get("edit_own_customer") is True and "delete_customer" not in body["capabilities"]
    assert body["relations"]["employee_of"], "the owner is an employee of the head office, as the plugin makes them"


def test_me_for_a_branch_admin(bridge: BridgeServer, demo_db: DatabaseURL, demo_logins: dict[str, Login]) -> None:
    login = demo_logins["demo_branch_admin"]
    body = me(bridge, login)
    branch = fetch_one(
        demo_db,
        "SELECT id, customer_id FROM wp_app_customer_branches WHERE user_id=%s AND status='active'",
        (login.user_id,),
    )
    assert {"branch_id": branch["id"], "customer_id": branch["customer_id"]} in body["relations"][
        "branches_administered"
    ]
    assert body["relations"]["customers_owned"] == []
    assert "customer_branch_admin" in body["roles"] and body["capabilities"].get("delete_customer_employee") is True


def test_me_for_an_employee(bridge: BridgeServer, demo_db: DatabaseURL, demo_logins: dict[str, Login]) -> None:
    login = demo_logins["demo_employee"]
    body = me(bridge, login)
    row = fetch_one(
        demo_db, "SELECT id, customer_id, branch_id FROM wp_app_customer_employees WHERE user_id=%s", (login.user_id,)
    )
    assert body["relations"]["employee_of"] == [
        {"employee_id": row["id"], "customer_id": row["customer_id"], "branch_id": row["branch_id"]}
    ]
    assert body["relations"]["customers_owned"] == [] and body["relations"]["branches_administered"] == []
    assert "add_customer_employee" not in body["capabilities"]


def test_me_for_agency_users(bridge: BridgeServer, demo_db: DatabaseURL, demo_logins: dict[str, Login]) -> None:
    admin = me(bridge, demo_logins["demo_agency_admin"])
    agency = fetch_one(
        demo_db, "SELECT id FROM wp_app_agencies WHERE user_id=%s", (demo_logins["demo_agency_admin"].user_id,)
    )
    assert {"agency_id": agency["id"], "division_id": None, "level": "agency", "agency_employee_id": None} in admin[
        "relations"
    ]["agencies"]
    inspector = me(bridge, demo_logins["demo_pengawas"])
    levels = {a["level"] for a in inspector["relations"]["agencies"]}
    assert levels == {"inspector"} and inspector["relations"]["agencies"][0]["agency_employee_id"]


def test_me_for_a_platform_user(bridge: BridgeServer, demo_logins: dict[str, Login]) -> None:
    body = me(bridge, demo_logins["demo_platform_viewer"])
    assert "platform_viewer" in body["roles"] and body["relations"]["platform_staff_id"]
    assert body["capabilities"].get("view_customer_list") is True and "edit_all_customers" not in body["capabilities"]


def test_me_for_a_user_with_no_relation(bridge: BridgeServer, demo_logins: dict[str, Login]) -> None:
    body = me(bridge, demo_logins["demo_subscriber"])
    assert body["roles"] == ["subscriber"]
    assert body["relations"] == {
        "customers_owned": [],
        "branches_administered": [],
        "employee_of": [],
        "agencies": [],
        "platform_staff_id": None,
    }


def test_inactive_relation_rows_grant_nothing(
    make_database: Callable[[], DatabaseURL], start_bridge: Callable[..., BridgeServer]
) -> None:
    """An owner whose customer was soft-deleted owns nothing any more."""
    from bridge.demo import demo_application_passwords
    from tests.support.cli import run_cli

    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "3")
    owner = fetch_one(url, "SELECT ID FROM wp_users WHERE user_login='andi_budi'")["ID"]
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("UPDATE wp_app_customers SET status='inactive' WHERE user_id=%s", (owner,))
        cur.execute("UPDATE wp_app_customer_employees SET status='inactive' WHERE user_id=%s", (owner,))
        cur.execute("UPDATE wp_app_customer_branches SET status='inactive' WHERE user_id=%s", (owner,))
    conn.close()
    server = start_bridge(url)
    body = server.client.get(ME, auth=("andi_budi", demo_application_passwords(1)["andi_budi"])).json()
    assert body["relations"]["customers_owned"] == [] and body["relations"]["employee_of"] == []


def test_multisite_prefixes_site_tables_and_network_users(
    make_database: Callable[[], DatabaseURL], start_bridge: Callable[..., BridgeServer]
) -> None:
    """Site 2 of a multisite: plugin tables, options and the capabilities key use `wp_2_`, users
    and usermeta the network's `wp_`; nothing is read from a `wp_app_…` table."""
    from bridge.demo import demo_application_passwords
    from tests.support.cli import run_cli

    url = make_database()
    env = {"BRIDGE_TABLE_PREFIX": "wp_2_", "BRIDGE_BASE_PREFIX": "wp_"}
    run_cli(url, "migrate", env=env)
    run_cli(url, "demo", "--customers", "3", env=env)
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("SHOW TABLES LIKE 'wp\\_app\\_%%'")
        assert cur.fetchall() == ()
        cur.execute("SELECT COUNT(*) AS n FROM wp_usermeta WHERE meta_key = 'wp_2_capabilities'")
        assert cur.fetchone()["n"] > 0
    conn.close()
    server = start_bridge(url, env)
    owner = server.client.get(ME, auth=("andi_budi", demo_application_passwords(1)["andi_budi"])).json()
    assert set(owner["roles"]) == {"customer", "customer_admin"} and owner["relations"]["customers_owned"]
    rows = server.client.get(
        "/wp-json/wp-customer/v1/customers", auth=("andi_budi", demo_application_passwords(1)["andi_budi"])
    )
    assert rows.status_code == 200 and [r["id"] for r in rows.json()] == owner["relations"]["customers_owned"]


# ---- hardening: long passwords, throttling, revocation, DataTables ---------------

LONG_PASSWORD = "Lp" * 2000  # 4,000 letters: normalises to itself, far past any application password
THROTTLED_PASSWORD = "AbCdEfGhIjKlMnOpQrStUvWx"
OTHER_PASSWORD = "ZyXwVuTsRqPoNmLkJiHgFeDc"


@pytest.fixture(scope="module")
def auth_site(make_database: Callable[[], DatabaseURL]) -> DatabaseURL:
    """Empty plugin tables and two users written as WordPress writes them: `wpuser` (id 7) with a
    phpass application password, another with the 4,000-letter password hashed as a phpass item
    (so a bridge that hashed it would let it in), and `other` (id 8) with a `$generic$` one."""
    from tests.support.cli import run_cli

    url = make_database()
    run_cli(url, "migrate")
    items = [
        {"uuid": "0f8e9c70-0000-4000-8000-000000000011", "app_id": "", "name": "cli", "password": hash_password_phpass(THROTTLED_PASSWORD),
         "created": 1700000000, "last_used": None, "last_ip": None},
        {"uuid": "0f8e9c70-0000-4000-8000-000000000012", "app_id": "", "name": "long", "password": hash_password_phpass(LONG_PASSWORD),
         "created": 1700000001, "last_used": None, "last_ip": None},
    ]  # fmt: skip
    other = [{"uuid": "0f8e9c70-0000-4000-8000-000000000013", "app_id": "", "name": "cli", "password": fast_hash(OTHER_PASSWORD),
              "created": 1700000002, "last_used": None, "last_ip": None}]  # fmt: skip
    conn = connect(url)
    with conn.cursor() as cur:
        for user_id, login in ((7, "wpuser"), (8, "other")):
            cur.execute(
                "INSERT INTO wp_users (ID, user_login, user_pass, user_nicename, user_email, user_registered, display_name) "
                "VALUES (%s, %s, '', %s, %s, NOW(), %s)",
                (user_id, login, login, f"{login}@example.com", login),
            )
            cur.execute(
                "INSERT INTO wp_usermeta (user_id, meta_key, meta_value) VALUES (%s, '_application_passwords', %s), "
                "(%s, 'wp_capabilities', %s)",
                (user_id, php_dumps(items if user_id == 7 else other), user_id, php_dumps({"subscriber": True})),
            )
    conn.close()
    return url


def from_address(server: BridgeServer, address: str) -> httpx.Client:
    """A client whose connections come from ``address`` (any 127.x.y.z is local on Linux)."""
    return httpx.Client(base_url=server.base, timeout=30, transport=httpx.HTTPTransport(local_address=address))


def fail(client: httpx.Client, times: int, login: str = "wpuser", **kw: object) -> None:
    for _ in range(times):
        response = client.get(ME, auth=(login, "Wrong" * 5), **kw)
        assert response.status_code == 401 and response.json()["code"] == "incorrect_password", response.text


def assert_throttled(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["code"] == "wpbridge_too_many_attempts" and body["data"]["status"] == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60 and body["data"]["retry_after"] == int(
        response.headers["Retry-After"]
    )


def test_a_password_longer_than_any_application_password_is_refused_without_being_hashed(
    auth_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> None:
    """A 4,000-letter password is refused before any hash is computed: it *is* stored (phpass)
    for this user, so a bridge that hashed it would answer 200 (and spend ~50 ms of its event
    loop doing so). Spaces and dashes do not count towards the 64: WordPress strips them first."""
    server = start_bridge(auth_site)
    refused = server.client.get(ME, auth=("wpuser", LONG_PASSWORD))
    assert refused.status_code == 401 and refused.json()["code"] == "incorrect_password"
    padded = " - ".join(THROTTLED_PASSWORD[i : i + 4] for i in range(0, 24, 4)) + " " * 4000
    assert server.client.get(ME, auth=("wpuser", padded)).json()["id"] == 7


def test_the_eleventh_failure_in_a_minute_is_429_and_other_addresses_still_sign_in(
    auth_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> None:
    """10 failures from one address: the 11th attempt is 429 with Retry-After even with the right
    password (and X-Forwarded-For does not make it another address), for every login from that
    address. The owner's right password from an address that did not fail still works; an
    address that fails on the throttled login is refused after its first failure."""
    server = start_bridge(auth_site)
    attacker, owner, second = (from_address(server, a) for a in ("127.0.0.1", "127.0.0.2", "127.0.0.3"))
    fail(attacker, 10)
    assert_throttled(attacker.get(ME, auth=("wpuser", "Wrong" * 5)))
    assert_throttled(attacker.get(ME, auth=("wpuser", THROTTLED_PASSWORD)))
    assert_throttled(attacker.get(ME, auth=("wpuser", THROTTLED_PASSWORD), headers={"X-Forwarded-For": "10.1.2.3"}))
    assert_throttled(attacker.get(ME, auth=("other", OTHER_PASSWORD)))
    assert owner.get(ME, auth=("wpuser", THROTTLED_PASSWORD)).json()["id"] == 7
    fail(second, 1)
    assert_throttled(second.get(ME, auth=("wpuser", THROTTLED_PASSWORD)))
    assert second.get(ME, auth=("other", OTHER_PASSWORD)).json()["id"] == 8  # only that login, for that address
    assert owner.get(ME, auth=("wpuser", THROTTLED_PASSWORD)).json()["id"] == 7
    for client in (attacker, owner, second):
        client.close()


def test_behind_a_trusted_proxy_failures_count_against_the_forwarded_client(
    auth_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> None:
    """With SANIC_PROXIES_COUNT=1 (the deploy kit's nginx), every request comes from the proxy's
    address: the limit must follow the client nginx forwards, or one attacker would lock out everyone."""
    server = start_bridge(auth_site, {"SANIC_PROXIES_COUNT": "1"})
    attacker, owner = {"X-Forwarded-For": "198.51.100.7"}, {"X-Forwarded-For": "203.0.113.9"}
    fail(server.client, 10, headers=attacker)
    assert_throttled(server.client.get(ME, auth=("other", OTHER_PASSWORD), headers=attacker))
    assert server.client.get(ME, auth=("other", OTHER_PASSWORD), headers=owner).json()["id"] == 8
    assert server.client.get(ME, auth=("wpuser", THROTTLED_PASSWORD), headers=owner).json()["id"] == 7


def test_unknown_logins_and_long_passwords_count_towards_the_address_limit(
    auth_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> None:
    server = start_bridge(auth_site)
    for i in range(5):
        assert server.client.get(ME, auth=(f"nobody{i}", THROTTLED_PASSWORD)).json()["code"] == "invalid_username"
        assert server.client.get(ME, auth=("other", LONG_PASSWORD)).json()["code"] == "incorrect_password"
    assert_throttled(server.client.get(ME, auth=("other", OTHER_PASSWORD)))


def test_the_throttle_is_shared_by_the_workers(
    auth_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> None:
    """Two workers, a new connection per attempt (so they land on both): the 11th is still 429."""
    server = start_bridge(auth_site, {"BRIDGE_WORKERS": "2"})
    fail(server.client, 10, headers={"Connection": "close"})
    assert_throttled(server.client.get(ME, auth=("wpuser", THROTTLED_PASSWORD), headers={"Connection": "close"}))


@contextlib.contextmanager
def two_hosts(
    url: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> Iterator[tuple[BridgeServer, BridgeServer]]:
    """Two bridges on one Redis namespace (two hosts), emptied before and after."""
    from tests.support.redis_namespace import REDIS_URL, drop_redis_namespace

    asyncio.run(drop_redis_namespace(url.database))
    try:
        yield start_bridge(url, {"BRIDGE_CACHE_URL": REDIS_URL}), start_bridge(url, {"BRIDGE_CACHE_URL": REDIS_URL})
    finally:
        asyncio.run(drop_redis_namespace(url.database))


def test_the_throttle_is_shared_by_hosts_through_redis(
    auth_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> None:
    """Two bridges on one Redis (two hosts): 5 failures on each make the next attempt on either 429."""
    with two_hosts(auth_site, start_bridge) as (first, second):
        fail(first.client, 5)
        fail(second.client, 5)
        assert_throttled(first.client.get(ME, auth=("wpuser", THROTTLED_PASSWORD)))
        assert_throttled(second.client.get(ME, auth=("wpuser", THROTTLED_PASSWORD)))


def test_a_login_the_worker_just_resolved_is_throttled_after_failures_and_per_address(
    auth_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> None:
    """A worker reuses a Basic login it resolved a moment ago (bridge/auth.py ``RecentLogins``),
    but never past a failure counted since, nor for another address: a signed-in address that
    then fails 10 times is refused at once, and so is an attacker's address with the owner's
    header the worker just resolved for the owner."""
    server = start_bridge(auth_site)
    attacker, owner = (from_address(server, a) for a in ("127.0.0.4", "127.0.0.5"))
    assert attacker.get(ME, auth=("wpuser", THROTTLED_PASSWORD)).json()["id"] == 7
    fail(attacker, 10)
    assert_throttled(attacker.get(ME, auth=("wpuser", THROTTLED_PASSWORD)))
    assert owner.get(ME, auth=("wpuser", THROTTLED_PASSWORD)).json()["id"] == 7
    assert_throttled(attacker.get(ME, auth=("wpuser", THROTTLED_PASSWORD)))
    for client in (attacker, owner):
        client.close()


def test_a_failure_on_another_host_ends_a_login_this_host_just_resolved(
    auth_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> None:
    """Through Redis, a count on one host changes the counters' generation every host reads."""
    with two_hosts(auth_site, start_bridge) as (first, second):
        assert first.client.get(ME, auth=("wpuser", THROTTLED_PASSWORD)).json()["id"] == 7
        fail(second.client, 10)
        assert_throttled(first.client.get(ME, auth=("wpuser", THROTTLED_PASSWORD)))


def test_invalidating_a_user_revokes_their_cached_application_password(
    auth_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> None:
    """The meta deleted behind the bridge's back (as revoking in WordPress does), then
    `POST /cache/invalidate {"entity": "user", "id": 8}`: the next request is 401."""
    server = start_bridge(auth_site)
    assert server.client.get(ME, auth=("other", OTHER_PASSWORD)).status_code == 200
    conn = connect(auth_site)
    with conn.cursor() as cur:
        cur.execute("SELECT meta_value FROM wp_usermeta WHERE user_id = 8 AND meta_key = '_application_passwords'")
        stored = cur.fetchone()["meta_value"]
        cur.execute("DELETE FROM wp_usermeta WHERE user_id = 8 AND meta_key = '_application_passwords'")
    try:
        assert server.client.get(ME, auth=("other", OTHER_PASSWORD)).status_code == 200  # cached, as designed
        target = "/wp-json/wp-customer/v1/cache/invalidate"
        body = b'{"entity": "user", "id": 8}'
        headers = {**signed_headers("POST", target, 0, body), "Content-Type": "application/json"}
        invalidated = server.client.post(target, content=body, headers=headers)
        assert invalidated.status_code == 200, invalidated.text
        revoked = server.client.get(ME, auth=("other", OTHER_PASSWORD))
        assert revoked.status_code == 401 and revoked.json()["code"] == "incorrect_password"
    finally:
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO wp_usermeta (user_id, meta_key, meta_value) VALUES (8, '_application_passwords', %s)",
                (stored,),
            )
        conn.close()


DT = "/wp-json/wp-customer/v1/datatables/customers"


@pytest.fixture(scope="module")
def auth_bridge(auth_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]) -> BridgeServer:
    """One bridge for the DataTables cases that fail at most a few times (its own throttle counters)."""
    return start_bridge(auth_site)


@pytest.mark.parametrize(
    "how",
    ["wrong password", "unknown login", "malformed basic", "long password", "bad signature", "throttled", "json body"],
)
def test_datatables_get_every_refused_login_in_band(
    auth_site: DatabaseURL, auth_bridge: BridgeServer, start_bridge: Callable[..., BridgeServer], how: str
) -> None:
    """DataTables shows only "Ajax error" for a 4xx: every refused login is HTTP 200 with the
    draw echoed, no rows and the reason in `error`, like every other DataTables failure."""
    from tests.support.datatables import CUSTOMER_COLUMNS, dt_params

    server = start_bridge(auth_site) if how == "throttled" else auth_bridge
    params = dt_params(CUSTOMER_COLUMNS, draw=7)
    basic = ("wpuser", "Wrong" * 5)
    kw: dict = {}
    if how == "wrong password":
        kw = {"auth": basic}
    elif how == "unknown login":
        kw = {"auth": ("nobody", THROTTLED_PASSWORD)}
    elif how == "malformed basic":
        kw = {"headers": {"Authorization": "Basic !!!notbase64"}}
    elif how == "long password":
        kw = {"auth": ("wpuser", LONG_PASSWORD)}
    elif how == "bad signature":
        kw = {"headers": signed_headers("GET", DT, 7, secret="another-secret-0123456789")}
    elif how == "throttled":
        fail(server.client, 10)
        kw = {"auth": ("wpuser", THROTTLED_PASSWORD)}
    if how == "json body":
        response = server.client.post(DT, json={"draw": 7, "start": 0, "length": 10, "columns": []}, auth=basic)
    else:
        response = server.client.get(DT, params=params, **kw)
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in ("draw", "recordsTotal", "recordsFiltered", "data")} == {
        "draw": 7, "recordsTotal": 0, "recordsFiltered": 0, "data": []
    }  # fmt: skip
    reason = {
        "unknown login": "Unknown username",
        "malformed basic": "not valid Basic credentials",
        "bad signature": "signature does not match",
        "throttled": "Too many failed login attempts",
    }.get(how, "invalid application password")
    assert reason in body["error"], body["error"]
