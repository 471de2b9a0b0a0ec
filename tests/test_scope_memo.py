"""A worker keeps each user's access scope, built and rendered, for the principal object it was
built from (bridge/access.py, bridge/statements.py): a relation change that reloads the
principal must change what the same worker shows at once, in the rows, the totals and the
statistics and the REST list, never serve the scope of the principal before it."""

from __future__ import annotations

from bridge.demo import demo_application_passwords
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.datatables import datatable
from tests.support.paths import API


def test_a_relation_change_changes_the_scope_the_worker_kept(make_database, start_bridge) -> None:
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "5", "--seed", "1")
    server = start_bridge(url)  # one worker: every request below meets the same memo
    passwords = demo_application_passwords(1)
    andi, admin = ("andi_budi", passwords["andi_budi"]), ("admin", passwords["admin"])
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT ID FROM wp_users WHERE user_login = 'andi_budi'")
        andi_id = int(cur.fetchone()["ID"])
        cur.execute(
            "SELECT id FROM wp_app_customers WHERE user_id <> %s AND status = 'active' ORDER BY id LIMIT 1", [andi_id]
        )
        other = int(cur.fetchone()["id"])

    def seen() -> tuple[int, int, int, int]:
        table = datatable(server.client, "customers", andi)
        stats = server.client.get(f"{API}/statistics/customers", auth=andi)
        listed = server.client.get(f"{API}/customers", params={"per_page": 100}, auth=andi)
        assert stats.status_code == 200 and listed.status_code == 200
        assert int(listed.headers["X-WP-Total"]) == len(listed.json())
        return table["recordsTotal"], len(table["data"]), stats.json()["total_customers"], len(listed.json())

    before = seen()
    assert seen() == before  # the second time from the worker's memo
    with conn.cursor() as cur:  # WordPress gives andi one more customer and tells the bridge
        cur.execute("UPDATE wp_app_customers SET user_id = %s WHERE id = %s", [andi_id, other])
    conn.close()
    told = server.client.post(f"{API}/cache/invalidate", json={"entity": "customer", "id": other}, auth=admin)
    assert told.status_code == 200
    assert seen() == (before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1)
