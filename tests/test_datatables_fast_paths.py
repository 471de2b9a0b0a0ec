"""The engine's fast paths give the same answers as the plain statement: a warm page without a
search carries no COUNT, a page past the middle is read from the end, and statements rendered
once per shape re-bind each request's own values (bridge/datatables/, bridge/statements.py)."""

from __future__ import annotations

import pytest

from tests.conftest import connect
from tests.dtkit import API, CUSTOMER_COLUMNS, datatable, query, row_ids


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_page_forward_and_from_the_end_matches_sql(bridge, demo_logins, demo_db, direction: str) -> None:
    auth = demo_logins["admin"].auth
    order = {"order[0][column]": 0, "order[0][dir]": direction}
    expected = [r["id"] for r in query(demo_db, f"SELECT id FROM wp_app_customers ORDER BY code {direction}, id")]
    datatable(bridge.client, "customers", auth, columns=CUSTOMER_COLUMNS, **order)  # caches recordsTotal
    for start in range(0, len(expected) + 3, 4):
        body = datatable(bridge.client, "customers", auth, columns=CUSTOMER_COLUMNS, start=start, length=7, **order)
        assert row_ids(body) == expected[start : start + 7], start
        assert body["recordsTotal"] == body["recordsFiltered"] == len(expected)


def test_warm_pages_send_one_statement_or_none_past_the_end(bridge, demo_logins) -> None:
    auth = demo_logins["admin"].auth
    url = f"{API}/datatables/customers"
    first = bridge.client.get(url, params={"draw": 1, "length": 5}, auth=auth)
    total = first.json()["recordsTotal"]
    deep = bridge.client.get(url, params={"draw": 2, "start": total - 2, "length": 5}, auth=auth)
    assert deep.headers["X-WPBridge-Statements"] == "1" and len(deep.json()["data"]) == 2
    past = bridge.client.get(url, params={"draw": 3, "start": total + 5, "length": 5}, auth=auth)
    assert past.headers["X-WPBridge-Statements"] == "0"
    assert past.json() == {"draw": 3, "recordsTotal": total, "recordsFiltered": total, "data": []}


def test_same_shape_other_values_are_bound_per_request(bridge, demo_logins, demo_db) -> None:
    for login in ("admin", "andi_budi"):
        auth = demo_logins[login].auth
        for customer in (1, 2, 3):
            body = datatable(bridge.client, "branches", auth, customer_id=customer, length=50)
            if login == "andi_budi" and customer != 1:
                assert body.get("data") == [], body  # another customer's branches: outside the owner's scope
                continue
            expected = query(
                demo_db, "SELECT id FROM wp_app_customer_branches WHERE customer_id = %s ORDER BY code, id", customer
            )
            assert row_ids(body) == [r["id"] for r in expected]
    for text in ("a", "maju", "zz-no-such"):
        body = datatable(
            bridge.client,
            "customers",
            demo_logins["admin"].auth,
            columns=CUSTOMER_COLUMNS,
            length=50,
            **{"search[value]": text},
        )
        like = f"%{text}%"
        expected = query(
            demo_db,
            "SELECT c.id FROM wp_app_customers c LEFT JOIN wp_users u ON u.ID = c.user_id WHERE c.code LIKE %s OR c.name LIKE %s "
            "OR u.display_name LIKE %s ORDER BY c.code, c.id",
            like,
            like,
            like,
        )
        assert row_ids(body) == [r["id"] for r in expected][:50]
        assert body["recordsFiltered"] == len(expected)


def test_paging_through_a_search_reuses_its_count_and_writes_refresh_it(bridge, demo_logins, demo_db) -> None:
    auth = demo_logins["admin"].auth
    sql = (
        "SELECT c.id FROM wp_app_customers c LEFT JOIN wp_users u ON u.ID = c.user_id WHERE c.code LIKE %s OR c.name LIKE %s "
        "OR u.display_name LIKE %s ORDER BY c.code, c.id"
    )
    expected = [r["id"] for r in query(demo_db, sql, "%a%", "%a%", "%a%")]
    for start in range(0, len(expected) + 2, 3):
        body = datatable(
            bridge.client, "customers", auth, columns=CUSTOMER_COLUMNS, start=start, length=3, **{"search[value]": "a"}
        )
        assert row_ids(body) == expected[start : start + 3] and body["recordsFiltered"] == len(expected), start
    conn = connect(demo_db)
    try:
        with conn.cursor() as cur:  # as WordPress would write it, then tell the bridge
            cur.execute(
                "INSERT INTO wp_app_customers (code, name, status, created_by) VALUES ('9999Qq99Qq', 'CV Fast Path Qqq', 'active', 1)"
            )
            new_id = cur.lastrowid
        invalidate = lambda: bridge.client.post(f"{API}/cache/invalidate", json={"entity": "customer"}, auth=auth)  # noqa: E731
        assert invalidate().status_code == 200
        body = datatable(bridge.client, "customers", auth, columns=CUSTOMER_COLUMNS, length=3, **{"search[value]": "a"})
        assert body["recordsFiltered"] == len(expected) + 1
    finally:
        with conn.cursor() as cur:
            cur.execute("DELETE FROM wp_app_customers WHERE id = %s", (new_id,))
        conn.close()
        invalidate()
