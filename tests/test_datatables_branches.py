"""The branch DataTable hides a head office's delete while its customer has other active branches,
as the plugin's buttons do; the REST delete still answers with the 409 that says why."""

from __future__ import annotations

from bridge.settings import DatabaseURL
from tests.support.database import connect
from tests.support.datatables import datatable
from tests.support.logins import Login
from tests.support.server import BridgeServer

COLUMNS = [
    {"data": "code"},
    {"data": "name"},
    {"data": "admin_name"},
    {"data": "type"},
    {"data": "actions", "orderable": False, "searchable": False},
]


def test_head_office_delete_is_hidden_while_active_branches_exist(
    bridge: BridgeServer, demo_db: DatabaseURL, demo_logins: dict[str, Login]
) -> None:
    body = datatable(bridge.client, "branches", demo_logins["andi_budi"].auth, columns=COLUMNS, customer_id=1)
    conn = connect(demo_db)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) AS n FROM wp_app_customer_branches WHERE customer_id = 1 AND type = 'cabang' AND status = 'active'"
        )
        active_cabang = cur.fetchone()["n"]
    conn.close()
    assert active_cabang > 0
    by_type = {row["type"]: row["permissions"]["delete"] for row in body["data"]}
    assert by_type == {"pusat": False, "cabang": True}
    assert all("active_cabang_count" not in row for row in body["data"])  # read for the rule, never shown
    item = bridge.client.get(
        "/wp-json/wp-customer/v1/branches", params={"customer_id": 1}, auth=demo_logins["andi_budi"].auth
    )
    assert item.status_code == 200 and len(item.json()) == len(body["data"]), item.text
    assert all("active_cabang_count" not in row for row in item.json())
