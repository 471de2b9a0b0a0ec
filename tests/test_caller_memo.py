"""A worker parses and plans a repeated DataTables GET once (bridge/datatables/memo.py), and keeps
a REST list's plan (bridge/rest/collection.py) and the customer statistics' statement per caller
(bridge/statistics.py, bridge/caller_memo.py):
each repeat still answers with its own ``draw``, a request that failed fails again, and a plan or
statement is kept only while nothing but the request's parameters and the caller decide it: a
plugin's ``_where`` or ``_statistics_where`` callback that reads the request is asked every time.
A REST list of one page and of the next are kept apart.
(A relation change that reloads the caller: tests/test_scope_memo.py.)"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from tests.support.database import query
from tests.support.datatables import CUSTOMER_COLUMNS, datatable, dt_params, row_ids
from tests.support.paths import API

BY_HEADER_PLUGIN = '''
"""Narrows the customers table and their count to the status an X-Test-Status header names."""


def register(registry):
    status = registry.models["customers"].table.status

    def by_header(where, *args):
        request = args[0] if args[0] != "total" else args[1]
        wanted = request.headers.get("x-test-status")
        return [*where, status == wanted] if wanted else where

    registry.hooks.add_filter("wpapp_datatable_customers_where", by_header, 20)
    registry.hooks.add_filter("wpapp_customer_statistics_where", by_header, 20)
'''


def test_each_repeat_answers_with_its_own_draw(bridge, demo_logins) -> None:
    auth = demo_logins["admin"].auth
    first = datatable(bridge.client, "customers", auth, columns=CUSTOMER_COLUMNS, draw=1, length=5)
    for draw in (7, 1, 12345, 2**63 - 1):
        again = datatable(bridge.client, "customers", auth, columns=CUSTOMER_COLUMNS, draw=draw, length=5)
        assert again == {**first, "draw": draw}


def test_a_draw_anywhere_in_the_query_is_its_own(bridge, demo_logins) -> None:
    auth = demo_logins["admin"].auth
    pairs = [(k, v) for k, v in dt_params(CUSTOMER_COLUMNS, length=5).items() if k != "draw"]
    head, tail = urlencode(pairs[:7]), urlencode(pairs[7:])
    answers = []
    for draw, sent in ((5, f"{head}&{tail}&draw=5"), (6, f"draw=6&{head}&{tail}"), (7, f"{head}&draw=7&{tail}")):
        for repeat in (draw, draw + 100):
            body = bridge.client.get(
                f"{API}/datatables/customers?{sent.replace(f'draw={draw}', f'draw={repeat}')}", auth=auth
            )
            answers.append(body.json())
            assert answers[-1]["draw"] == repeat and "error" not in answers[-1]
    assert all(a["data"] == answers[0]["data"] and len(a["data"]) == 5 for a in answers)
    for _ in range(2):
        twice = bridge.client.get(f"{API}/datatables/customers?draw=8&{head}&{tail}&draw=9", auth=auth).json()
        assert twice["data"] == [] and "draw" in twice["error"]


def test_a_refused_request_is_refused_again_with_its_own_draw(bridge, demo_logins) -> None:
    auth = demo_logins["admin"].auth
    for draw in (3, 4):
        params = dt_params(CUSTOMER_COLUMNS, draw=draw, **{"order[0][column]": 9})
        body = bridge.client.get(f"{API}/datatables/customers", params=params, auth=auth).json()
        assert body["draw"] == draw and body["data"] == [] and "order[0][column]" in body["error"]


def test_the_same_query_as_another_caller_gets_that_callers_rows(bridge, demo_logins, demo_db) -> None:
    owned = [r["id"] for r in query(demo_db, "SELECT c.id FROM wp_app_customers c JOIN wp_users u ON u.ID = c.user_id "
                                             "WHERE u.user_login = 'andi_budi' ORDER BY c.code, c.id")]  # fmt: skip
    for login in ("admin", "andi_budi", "admin", "andi_budi"):
        body = datatable(bridge.client, "customers", demo_logins[login].auth, columns=CUSTOMER_COLUMNS, length=100)
        if login == "andi_budi":
            assert row_ids(body) == owned
        else:
            assert body["recordsTotal"] == len(query(demo_db, "SELECT id FROM wp_app_customers"))


def test_a_plugin_where_that_reads_the_request_is_asked_each_time(
    start_bridge, demo_db, demo_logins, tmp_path: Path
) -> None:
    folder = tmp_path / "hooks"
    folder.mkdir()
    (folder / "by_header.py").write_text(BY_HEADER_PLUGIN)
    server = start_bridge(demo_db, {"BRIDGE_HOOKS_PATH": str(folder)})  # one worker: one memo
    url, auth = f"{API}/datatables/customers", demo_logins["admin"].auth
    params = dt_params(CUSTOMER_COLUMNS, length=100)
    counts = {
        s: len(query(demo_db, "SELECT id FROM wp_app_customers WHERE status = %s", s)) for s in ("active", "inactive")
    }
    assert counts["active"] and counts["inactive"]
    everyone = sum(counts.values())
    for status in (None, "active", "inactive", None, "inactive"):
        headers = {"X-Test-Status": status} if status else {}
        body = server.client.get(url, params=params, headers=headers, auth=auth).json()
        assert body["recordsTotal"] == (counts[status] if status else everyone), status
        stats = server.client.get(f"{API}/statistics/customers", headers=headers, auth=auth).json()
        assert stats["total_customers"] == (counts[status] if status else everyone), status
        listed = server.client.get(f"{API}/customers", params={"per_page": 100}, headers=headers, auth=auth)
        assert int(listed.headers["X-WP-Total"]) == (counts[status] if status else everyone), status


def test_each_page_of_a_rest_list_is_its_own(bridge, demo_logins, demo_db) -> None:
    auth = demo_logins["admin"].auth
    ids = [r["id"] for r in query(demo_db, "SELECT id FROM wp_app_customers ORDER BY id")]
    for _ in range(2):
        for page in (1, 2, 3):
            got = bridge.client.get(f"{API}/customers", params={"per_page": 5, "page": page}, auth=auth)
            assert [item["id"] for item in got.json()] == ids[(page - 1) * 5 : page * 5]
        wrong = bridge.client.get(f"{API}/customers", params={"per_page": 0}, auth=auth)
        assert wrong.status_code == 400 and "per_page" in wrong.json()["data"]["params"]


def test_the_statistics_of_one_customer_and_of_all_are_kept_apart(bridge, demo_logins, demo_db) -> None:
    auth = demo_logins["admin"].auth
    everyone = len(query(demo_db, "SELECT id FROM wp_app_customers"))
    branches = query(demo_db, "SELECT customer_id, COUNT(*) AS n FROM wp_app_customer_branches GROUP BY customer_id")
    for _ in range(2):
        assert bridge.client.get(f"{API}/statistics/customers", auth=auth).json()["total_customers"] == everyone
        for row in branches[:3]:
            one = bridge.client.get(
                f"{API}/statistics/customers", params={"customer_id": row["customer_id"]}, auth=auth
            )
            assert one.json()["total_customers"] == 1 and one.json()["total_branches"] == row["n"]
