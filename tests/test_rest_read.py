"""REST reads over real HTTP on the shared demo database: the access matrix and WordPress
collection conventions. Nothing here writes; the expected rows come from SQL written in this
file from README's "Who sees what" table, not from the bridge's own access module."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.support.database import connect, fetch
from tests.support.server import signed_headers

API = "/wp-json/wp-customer/v1"
RESOURCES = ("customers", "branches", "employees")
ENTITY = {"customers": "customer", "branches": "branch", "employees": "employee"}
SEES_ALL = ("admin", "demo_platform_viewer", "demo_platform_admin")
AGENCY_LEVEL = {"demo_agency_admin": "agency", "demo_pengawas": "inspector"}
LOGINS = (
    "admin",
    "demo_platform_viewer",
    "demo_platform_admin",
    "demo_agency_admin",
    "demo_pengawas",
    "andi_budi",
    "demo_branch_admin",
    "demo_employee",
    "demo_subscriber",
)

RELATED_CUSTOMERS = """
    SELECT id FROM wp_app_customers WHERE user_id = %(u)s AND status = 'active'
    UNION SELECT customer_id FROM wp_app_customer_branches WHERE user_id = %(u)s AND status = 'active'
    UNION SELECT customer_id FROM wp_app_customer_employees WHERE user_id = %(u)s AND status = 'active'
"""
OWN_BRANCHES = """
    SELECT id FROM wp_app_customer_branches WHERE user_id = %(u)s AND status = 'active'
    UNION SELECT branch_id FROM wp_app_customer_employees WHERE user_id = %(u)s AND status = 'active'
"""
AGENCY_BRANCHES = {
    "agency": """SELECT id FROM wp_app_customer_branches WHERE agency_id IN (
        SELECT agency_id FROM wp_app_agency_employees WHERE user_id = %(u)s AND status = 'active'
        UNION SELECT id FROM wp_app_agencies WHERE user_id = %(u)s AND status = 'active')""",
    "inspector": "SELECT id FROM wp_app_customer_branches WHERE inspector_id = %(u)s",
    "none": "SELECT id FROM wp_app_customer_branches WHERE 1 = 0",
}


def expected_scope(url: Any, login: str, user_id: int) -> dict[str, set[int]]:
    """README's "Who sees what" in SQL: the ids each resource should show this user."""
    conn = connect(url)
    try:
        with conn.cursor() as cur:

            def ids(sql: str) -> set[int]:
                cur.execute(sql, {"u": user_id})
                return {int(r["id"]) for r in cur.fetchall()}

            if login in SEES_ALL:
                return {
                    "customers": ids("SELECT id FROM wp_app_customers"),
                    "branches": ids("SELECT id FROM wp_app_customer_branches"),
                    "employees": ids("SELECT id FROM wp_app_customer_employees"),
                }
            agency = AGENCY_BRANCHES[AGENCY_LEVEL.get(login, "none")]
            return {
                "customers": ids(
                    f"SELECT id FROM wp_app_customers WHERE id IN ({RELATED_CUSTOMERS}) "
                    f"OR id IN (SELECT customer_id FROM wp_app_customer_branches WHERE id IN ({agency}))"
                ),
                "branches": ids(
                    f"SELECT id FROM wp_app_customer_branches WHERE customer_id IN ({RELATED_CUSTOMERS}) "
                    f"OR id IN ({agency})"
                ),
                "employees": ids(
                    "SELECT id FROM wp_app_customer_employees WHERE customer_id IN "
                    "(SELECT id FROM wp_app_customers WHERE user_id = %(u)s AND status = 'active') "
                    f"OR branch_id IN ({OWN_BRANCHES}) OR branch_id IN ({agency})"
                ),
            }
    finally:
        conn.close()


def sql(url: Any, query: str, args: Any = None) -> list[dict[str, Any]]:
    return fetch(url, query, args)


def all_ids(client: httpx.Client, auth: Any, resource: str, **params: Any) -> tuple[list[int], int]:
    """Every id of a collection, page by page; and the X-WP-Total of the first page."""
    ids: list[int] = []
    page, total = 1, None
    while True:
        r = client.get(f"{API}/{resource}", params={"per_page": 100, "page": page, **params}, auth=auth)
        assert r.status_code == 200, r.text
        if total is None:
            total = int(r.headers["X-WP-Total"])
        ids += [item["id"] for item in r.json()]
        if int(r.headers["X-WP-TotalPages"]) <= page:
            return ids, total
        page += 1


@pytest.fixture(scope="module")
def scopes(demo_db: Any, demo_logins: dict) -> dict[str, dict[str, set[int]]]:
    return {login: expected_scope(demo_db, login, demo_logins[login].user_id) for login in LOGINS}


# ---- the access matrix: list, count and read by id ---------------------------------------------


@pytest.mark.parametrize("login", LOGINS)
def test_lists_and_counts_are_the_callers_scope(bridge: Any, demo_logins: dict, scopes: dict, login: str) -> None:
    auth = demo_logins[login].auth
    for resource in RESOURCES:
        ids, total = all_ids(bridge.client, auth, resource)
        expected = scopes[login][resource]
        assert set(ids) == expected, (login, resource)
        assert total == len(expected) == len(ids), (login, resource)


def test_the_matrix_is_not_trivial(scopes: dict) -> None:
    """Each kind of user sees some rows but not all, so the matrix above really tests scoping."""
    everything = scopes["admin"]
    for login in ("demo_agency_admin", "demo_pengawas", "andi_budi", "demo_branch_admin", "demo_employee"):
        for resource in RESOURCES:
            assert 0 < len(scopes[login][resource]) < len(everything[resource]), (login, resource)
    assert all(not ids for ids in scopes["demo_subscriber"].values())
    assert scopes["demo_branch_admin"]["employees"] < scopes["andi_budi"]["employees"]
    assert scopes["demo_employee"]["employees"] < scopes["andi_budi"]["employees"]


@pytest.mark.parametrize("login", LOGINS)
def test_reads_by_id_inside_scope_and_404_outside(bridge: Any, demo_logins: dict, scopes: dict, login: str) -> None:
    auth = demo_logins[login].auth
    for resource in RESOURCES:
        visible = scopes[login][resource]
        hidden = scopes["admin"][resource] - visible
        for row_id in sorted(visible)[:2]:
            r = bridge.client.get(f"{API}/{resource}/{row_id}", auth=auth)
            assert r.status_code == 200 and r.json()["id"] == row_id, (login, resource, r.text)
            assert r.headers["ETag"].startswith('"')
        for row_id in sorted(hidden)[:2] + [987654321]:
            r = bridge.client.get(f"{API}/{resource}/{row_id}", auth=auth)
            assert r.status_code == 404, (login, resource, row_id)
            assert r.json()["code"] == f"rest_{ENTITY[resource]}_invalid_id"


def test_permissions_follow_the_plugins_capabilities(
    bridge: Any, demo_db: Any, demo_logins: dict, scopes: dict
) -> None:
    def perms(login: str, resource: str, row_id: int) -> dict:
        return bridge.client.get(f"{API}/{resource}/{row_id}", auth=demo_logins[login].auth).json()["permissions"]

    owned = sql(
        demo_db,
        "SELECT id FROM wp_app_customers WHERE user_id = %s AND status='active'",
        [demo_logins["andi_budi"].user_id],
    )
    customer = owned[0]["id"]
    assert perms("admin", "customers", customer) == {"view": True, "edit": True, "delete": True}
    assert perms("andi_budi", "customers", customer) == {"view": True, "edit": True, "delete": False}
    assert perms("demo_employee", "customers", sorted(scopes["demo_employee"]["customers"])[0])["edit"] is False
    assert perms("demo_platform_viewer", "customers", customer) == {"view": True, "edit": False, "delete": False}
    assert perms("demo_platform_admin", "customers", customer)["edit"] is True
    branch = sorted(scopes["demo_branch_admin"]["branches"])[0]
    assert perms("demo_branch_admin", "branches", branch)["delete"] is False


def test_logged_out_gets_401_everywhere(bridge: Any) -> None:
    for resource in RESOURCES:
        for method, path in (
            ("GET", ""),
            ("POST", ""),
            ("GET", "/1"),
            ("PUT", "/1"),
            ("PATCH", "/1"),
            ("DELETE", "/1"),
        ):
            r = bridge.client.request(
                method, f"{API}/{resource}{path}", json={"name": "x"} if method in ("POST", "PUT", "PATCH") else None
            )
            assert r.status_code == 401, (method, resource, path)
            assert r.json()["code"] == "rest_not_logged_in"


def test_wrong_application_password_is_401(bridge: Any) -> None:
    r = bridge.client.get(f"{API}/customers", auth=("admin", "wrong-password-000000000000"))
    assert r.status_code == 401 and r.json()["code"] == "incorrect_password"


def test_signed_shim_requests_are_scoped_like_basic_auth(bridge: Any, demo_logins: dict, scopes: dict) -> None:
    login = demo_logins["andi_budi"]
    target = f"{API}/branches?per_page=100"
    r = bridge.client.get(target, headers=signed_headers("GET", target, login.user_id))
    assert r.status_code == 200
    assert {b["id"] for b in r.json()} == scopes["andi_budi"]["branches"]


# ---- item bodies --------------------------------------------------------------------------------


def test_item_bodies_carry_joined_names_counts_and_permissions(bridge: Any, demo_db: Any, demo_logins: dict) -> None:
    auth = demo_logins["admin"].auth
    row = sql(
        demo_db,
        "SELECT c.id, u.display_name AS owner_name, p.name AS province_name, r.name AS regency_name, "
        "(SELECT COUNT(*) FROM wp_app_customer_branches b WHERE b.customer_id = c.id) AS branch_count, "
        "(SELECT COUNT(*) FROM wp_app_customer_employees e WHERE e.customer_id = c.id) AS employee_count "
        "FROM wp_app_customers c LEFT JOIN wp_users u ON u.ID = c.user_id "
        "LEFT JOIN wp_wi_provinces p ON p.id = c.provinsi_id LEFT JOIN wp_wi_regencies r ON r.id = c.regency_id "
        "ORDER BY c.id LIMIT 1",
    )[0]
    body = bridge.client.get(f"{API}/customers/{row['id']}", auth=auth).json()
    for key in ("owner_name", "province_name", "regency_name", "branch_count", "employee_count"):
        assert body[key] == row[key], key
    assert set(body["permissions"]) == {"view", "edit", "delete"}
    assert body["_links"]["self"][0]["href"].endswith(f"{API}/customers/{row['id']}")

    branch = sql(
        demo_db,
        "SELECT b.id, c.name AS customer_name, u.display_name AS admin_name, a.name AS agency_name, "
        "d.name AS division_name FROM wp_app_customer_branches b JOIN wp_app_customers c ON c.id = b.customer_id "
        "LEFT JOIN wp_users u ON u.ID = b.user_id LEFT JOIN wp_app_agencies a ON a.id = b.agency_id "
        "LEFT JOIN wp_app_agency_divisions d ON d.id = b.division_id "
        "WHERE b.division_id IS NOT NULL ORDER BY b.id LIMIT 1",
    )[0]
    body = bridge.client.get(f"{API}/branches/{branch['id']}", auth=auth).json()
    for key in ("customer_name", "admin_name", "agency_name", "division_name"):
        assert body[key] == branch[key], key

    employee = sql(
        demo_db,
        "SELECT e.id, c.name AS customer_name, b.name AS branch_name, e.finance FROM wp_app_customer_employees e "
        "JOIN wp_app_customers c ON c.id = e.customer_id JOIN wp_app_customer_branches b ON b.id = e.branch_id "
        "ORDER BY e.id LIMIT 1",
    )[0]
    body = bridge.client.get(f"{API}/employees/{employee['id']}", auth=auth).json()
    assert (body["customer_name"], body["branch_name"]) == (employee["customer_name"], employee["branch_name"])
    assert body["finance"] is bool(employee["finance"])


@pytest.mark.parametrize("login", ["admin", "andi_budi", "demo_branch_admin"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_a_page_lists_the_same_bodies_as_its_items(bridge: Any, demo_logins: dict, resource: str, login: str) -> None:
    """A page's items are built with what the page's rows share looked up once: each must still be
    exactly the body a GET of that item answers (columns, permissions for this caller, every link)."""
    auth = demo_logins[login].auth
    page = bridge.client.get(f"{API}/{resource}", params={"per_page": 5}, auth=auth).json()
    assert page, f"{login} sees no {resource}"
    for item in page:
        single = bridge.client.get(f"{API}/{resource}/{item['id']}", auth=auth).json()
        assert item == single
        assert item["_links"]["collection"][0]["href"].endswith(f"{API}/{resource}")


# ---- collection parameters ----------------------------------------------------------------------


def test_pagination_headers_and_links_keep_the_query(bridge: Any, demo_logins: dict, scopes: dict) -> None:
    auth = demo_logins["admin"].auth
    total = len(scopes["admin"]["branches"])
    r = bridge.client.get(
        f"{API}/branches", params={"per_page": 7, "page": 2, "status": "active", "_fields": "id"}, auth=auth
    )
    assert r.status_code == 200
    active = int(r.headers["X-WP-Total"])
    assert 0 < active < total
    assert int(r.headers["X-WP-TotalPages"]) == -(-active // 7)
    links = {
        part.split('rel="')[1].rstrip('"'): part.split(">")[0].lstrip("<") for part in r.headers["Link"].split(", ")
    }
    for rel, page in (("prev", "1"), ("next", "3")):
        query = parse_qs(urlparse(links[rel]).query)
        assert query == {"per_page": ["7"], "status": ["active"], "_fields": ["id"], "page": [page]}
    assert [set(item) for item in r.json()] == [{"id"}] * 7

    r = bridge.client.get(f"{API}/branches", auth=auth)
    assert len(r.json()) == 10 and 'rel="prev"' not in r.headers["Link"]
    last = -(-total // 10)
    r = bridge.client.get(f"{API}/branches", params={"page": last}, auth=auth)
    assert 'rel="next"' not in r.headers.get("Link", "") and len(r.json()) == total - 10 * (last - 1)


def test_page_past_the_end_is_400_and_empty_scope_is_200(bridge: Any, demo_logins: dict) -> None:
    r = bridge.client.get(f"{API}/customers", params={"page": 99}, auth=demo_logins["admin"].auth)
    assert r.status_code == 400 and r.json()["code"] == "rest_customer_invalid_page_number"
    r = bridge.client.get(f"{API}/customers", params={"page": 3}, auth=demo_logins["demo_subscriber"].auth)
    assert (
        r.status_code == 200
        and r.json() == []
        and r.headers["X-WP-Total"] == "0"
        and r.headers["X-WP-TotalPages"] == "0"
    )


def test_offset_order_and_orderby(bridge: Any, demo_db: Any, demo_logins: dict) -> None:
    auth = demo_logins["admin"].auth
    by_name = [r["id"] for r in sql(demo_db, "SELECT id FROM wp_app_customers ORDER BY name DESC, id DESC")]
    r = bridge.client.get(f"{API}/customers", params={"orderby": "name", "order": "desc", "per_page": 100}, auth=auth)
    assert [c["id"] for c in r.json()] == by_name
    by_id = sorted(by_name)
    r = bridge.client.get(f"{API}/customers", params={"offset": 5, "per_page": 3, "page": 4}, auth=auth)
    assert [c["id"] for c in r.json()] == by_id[5:8]
    by_count = [
        r["id"]
        for r in sql(
            demo_db,
            "SELECT c.id FROM wp_app_customers c "
            "ORDER BY (SELECT COUNT(*) FROM wp_app_customer_branches b WHERE b.customer_id = c.id), c.id",
        )
    ]
    r = bridge.client.get(f"{API}/customers", params={"orderby": "branch_count", "per_page": 100}, auth=auth)
    assert [c["id"] for c in r.json()] == by_count
    r = bridge.client.get(f"{API}/employees", params={"orderby": "branch_name", "per_page": 5}, auth=auth)
    assert r.status_code == 200 and len(r.json()) == 5


@pytest.mark.parametrize(
    ("resource", "params", "query"),
    [
        ("customers", {"status": "inactive"}, "SELECT id FROM wp_app_customers WHERE status = 'inactive'"),
        (
            "customers",
            {"provinsi_id": "{provinsi_id}"},
            "SELECT id FROM wp_app_customers WHERE provinsi_id = {provinsi_id}",
        ),
        (
            "customers",
            {"regency_id": "{regency_id}"},
            "SELECT id FROM wp_app_customers WHERE regency_id = {regency_id}",
        ),
        ("customers", {"user_id": "{owner}"}, "SELECT id FROM wp_app_customers WHERE user_id = {owner}"),
        (
            "branches",
            {"customer_id": "1", "type": "cabang"},
            "SELECT id FROM wp_app_customer_branches WHERE customer_id = 1 AND type = 'cabang'",
        ),
        (
            "branches",
            {"agency_id": "{agency_id}", "status": "active"},
            "SELECT id FROM wp_app_customer_branches WHERE agency_id = {agency_id} AND status = 'active'",
        ),
        ("employees", {"customer_id": "1"}, "SELECT id FROM wp_app_customer_employees WHERE customer_id = 1"),
        (
            "employees",
            {"branch_id": "1", "status": "active"},
            "SELECT id FROM wp_app_customer_employees WHERE branch_id = 1 AND status = 'active'",
        ),
    ],
)
def test_filters_match_sql(
    bridge: Any, demo_db: Any, demo_logins: dict, resource: str, params: dict, query: str
) -> None:
    first = sql(demo_db, "SELECT provinsi_id, regency_id, user_id AS owner FROM wp_app_customers ORDER BY id LIMIT 1")[
        0
    ]
    first["agency_id"] = sql(demo_db, "SELECT agency_id FROM wp_app_customer_branches ORDER BY id LIMIT 1")[0][
        "agency_id"
    ]
    params = {k: v.format(**first) for k, v in params.items()}
    expected = {r["id"] for r in sql(demo_db, query.format(**first))}
    ids, total = all_ids(bridge.client, demo_logins["admin"].auth, resource, **params)
    assert set(ids) == expected and total == len(expected) and expected


def test_filters_stay_inside_the_scope(bridge: Any, demo_logins: dict, scopes: dict) -> None:
    foreign = sorted(scopes["admin"]["customers"] - scopes["andi_budi"]["customers"])[0]
    ids, total = all_ids(bridge.client, demo_logins["andi_budi"].auth, "branches", customer_id=foreign)
    assert ids == [] and total == 0


def test_search_matches_like_and_its_wildcards_are_literal(bridge: Any, demo_db: Any, demo_logins: dict) -> None:
    auth = demo_logins["admin"].auth
    code = sql(demo_db, "SELECT code FROM wp_app_customers ORDER BY id LIMIT 1")[0]["code"]
    ids, _ = all_ids(bridge.client, auth, "customers", search=code[2:7])
    expected = {
        r["id"]
        for r in sql(
            demo_db,
            "SELECT c.id FROM wp_app_customers c LEFT JOIN wp_users u ON u.ID = c.user_id "
            "WHERE c.code LIKE %(p)s OR c.name LIKE %(p)s OR c.npwp LIKE %(p)s OR c.nib LIKE %(p)s "
            "OR u.display_name LIKE %(p)s",
            {"p": f"%{code[2:7]}%"},
        )
    }
    assert set(ids) == expected and ids
    for text in ("%", "_", "\\", "%%", "a_b", "PT%"):
        r = bridge.client.get(f"{API}/customers", params={"search": text}, auth=auth)
        assert r.status_code == 200 and r.json() == [], text
    ids, _ = all_ids(bridge.client, auth, "employees", search="@")
    assert len(ids) == len(sql(demo_db, "SELECT id FROM wp_app_customer_employees WHERE email LIKE '%%@%%'"))


def test_fields_trims_items_nested_too(bridge: Any, demo_logins: dict) -> None:
    auth = demo_logins["andi_budi"].auth
    r = bridge.client.get(f"{API}/customers", params={"_fields": "id,name,permissions.edit"}, auth=auth)
    assert r.status_code == 200
    assert all(set(c) == {"id", "name", "permissions"} and set(c["permissions"]) == {"edit"} for c in r.json())
    one = r.json()[0]["id"]
    r = bridge.client.get(f"{API}/customers/{one}", params={"_fields": "branch_count,nope"}, auth=auth)
    assert list(r.json()) == ["branch_count"]


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "101"}, "per_page"),
        ({"per_page": "ten"}, "per_page"),
        ({"per_page": "1;DROP TABLE wp_users"}, "per_page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "99999999999999999999999"}, "page"),
        ({"offset": "-5"}, "offset"),
        ({"orderby": "name; DROP TABLE wp_users"}, "orderby"),
        ({"orderby": "user_pass"}, "orderby"),
        ({"order": "sideways"}, "order"),
        ({"status": "deleted"}, "status"),
        ({"status[]": "deleted"}, "status"),
        ({"user_id": "1 OR 1=1"}, "user_id"),
        ({"provinsi_id": "0"}, "provinsi_id"),
        ({"search": "x" * 501}, "search"),
    ],
)
def test_bad_collection_parameters_are_400_naming_them(bridge: Any, demo_logins: dict, params: dict, bad: str) -> None:
    r = bridge.client.get(f"{API}/customers", params=params, auth=demo_logins["admin"].auth)
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "rest_invalid_param" and bad in r.json()["data"]["params"]


def test_a_10000_character_query_is_a_clear_413(bridge: Any, demo_logins: dict) -> None:
    r = bridge.client.get(f"{API}/customers", params={"search": "x" * 10_000}, auth=demo_logins["admin"].auth)
    assert r.status_code == 413 and r.json()["code"] == "rest_request_too_large"


@pytest.mark.parametrize(
    "text",
    [
        "' OR '1'='1",
        '" OR ""="',
        "\\' OR 1=1 -- ",
        "x\\",
        "%' UNION SELECT user_pass FROM wp_users -- ",
        "😀🏢",
        "Ω≈ç√",
        "\u0000",
        "a" * 500,
    ],
)
def test_hostile_search_text_is_just_text(bridge: Any, demo_logins: dict, text: str) -> None:
    for resource in RESOURCES:
        r = bridge.client.get(f"{API}/{resource}", params={"search": text}, auth=demo_logins["admin"].auth)
        assert r.status_code == 200, (resource, text, r.text)
        assert r.json() == []


@pytest.mark.parametrize(
    "path",
    [
        "/customers/abc",
        "/customers/1.5",
        "/customers/-1",
        "/customers/0",
        "/customers/99999999999999999999999",
        "/branches/1/x",
    ],
)
def test_odd_ids_are_404_never_500(bridge: Any, demo_logins: dict, path: str) -> None:
    r = bridge.client.get(API + path, auth=demo_logins["admin"].auth)
    assert r.status_code == 404, r.text
