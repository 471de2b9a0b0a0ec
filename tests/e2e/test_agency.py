"""WP Agency integration in a real WordPress: the agency list filter and the agency info tab.

WP Agency itself is not installed here; its two hooks are fired the way it fires them
with real users, and the answers must follow the bridge's. Its
``get_agency_details`` admin-ajax action is a stand-in in support/wpbridge-e2e-observer.php.
"""

from __future__ import annotations

import json
import re

import pytest

from bridge.settings import DatabaseURL
from tests.support.database import connect
from tests.support.server import BridgeServer, signed_headers
from tests.support.wordpress_site import OWNER, WordPress

USERS = (
    "admin",
    OWNER,
    "demo_branch_admin",
    "demo_agency_admin",
    "demo_pengawas",
    "demo_platform_viewer",
    "demo_subscriber",
)


def bridge_get(bridge: BridgeServer, target: str, user_id: int) -> tuple[int, dict]:
    response = bridge.client.get(target, headers=signed_headers("GET", target, user_id))
    return response.status_code, response.json()


@pytest.mark.parametrize("username", USERS)
def test_agency_list_filter_follows_the_bridge(
    wordpress: WordPress, e2e_bridge: BridgeServer, user_ids: dict[str, int], username: str
) -> None:
    user = user_ids[username]
    where = json.loads(
        wordpress.php(
            "echo wp_json_encode( apply_filters( 'wpapp_datatable_agencies_where', array( \"a.status = 'active'\" ), array(), null ) );",
            user=user,
        )
    )
    status, accessible = bridge_get(e2e_bridge, "/wp-json/wp-customer/v1/relations/agency/accessible", user)
    assert status == 200, accessible
    expected = {
        "all": [],
        "some": [f"a.id IN ({','.join(str(i) for i in accessible['ids'])})"],
        "none": ["a.id IN (0)"],
    }[accessible["scope"]]
    assert where == ["a.status = 'active'", *expected]


@pytest.mark.parametrize("username", (OWNER, "demo_agency_admin", "demo_subscriber", "admin"))
def test_agency_info_tab_shows_the_bridge_statistics(
    wordpress: WordPress, e2e_bridge: BridgeServer, user_ids: dict[str, int], username: str
) -> None:
    user = user_ids[username]
    status, accessible = bridge_get(e2e_bridge, "/wp-json/wp-customer/v1/relations/agency/accessible", user_ids[OWNER])
    agency_id = accessible["ids"][0]
    html = wordpress.php(
        f"do_action( 'wpapp_tab_view_content', 'agency', 'info', array( 'agency' => (object) array( 'id' => {agency_id}, 'name' => 'Disnaker' ) ) );"
        "do_action( 'wpapp_tab_view_content', 'agency', 'divisions', array( 'agency' => (object) array( 'id' => 1 ) ) );",
        user=user,
    )
    status, stats = bridge_get(e2e_bridge, f"/wp-json/wp-customer/v1/tabs/agency/{agency_id}/statistics", user)
    customers, branches = (stats["customer_count"], stats["branch_count"]) if status == 200 else (0, 0)
    assert html.count('<div class="agency-detail-section wp-customer-integration">') == 1
    assert "<h3>Statistik Customer</h3>" in html
    assert f"<label>Total Customer:</label>\n\t\t<span><strong>{customers}</strong></span>" in html
    assert f"<label>Total Cabang:</label>\n\t\t<span><strong>{branches}</strong></span>" in html
    if customers:
        assert f"{customers} customer terhubung dengan agency ini melalui {branches} cabang" in html
    else:
        assert "Belum ada customer yang terhubung dengan agency ini" in html


def test_agency_tab_outside_the_callers_scope_shows_the_zero_block(
    wordpress: WordPress, e2e_bridge: BridgeServer, e2e_db: DatabaseURL, user_ids: dict[str, int]
) -> None:
    """WP Agency opens any agency by URL (a bookmark): for one outside the caller's scope the
    plugin shows its block with 0 / 0, so the shim does too, not the bridge's 404 "Invalid agency
    ID." — reproduced with WP Agency's get_agency_details request."""
    owner = user_ids[OWNER]
    status, accessible = bridge_get(e2e_bridge, "/wp-json/wp-customer/v1/relations/agency/accessible", owner)
    assert status == 200 and accessible["scope"] == "some", accessible
    conn = connect(e2e_db)
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM wp_app_agencies ORDER BY id")
        outside = [int(row["id"]) for row in cur.fetchall() if int(row["id"]) not in accessible["ids"]]
    conn.close()
    assert outside, "every agency is in the owner's scope: the demo data changed"
    agency_id = outside[0]
    status, refused = bridge_get(e2e_bridge, f"/wp-json/wp-customer/v1/tabs/agency/{agency_id}/statistics", owner)
    assert (status, refused["code"]) == (404, "rest_agency_invalid_id")

    client = wordpress.login(OWNER)
    page = client.get("/wp-admin/admin.php", params={"page": "wp-agency-disnaker"})
    nonce = json.loads(re.search(r"var wpAgencyDataTable = (\{.*?\});", page.text).group(1))["nonce"]
    answer = wordpress.ajax(client, [("action", "get_agency_details"), ("id", str(agency_id)), ("nonce", nonce)]).json()
    assert answer["success"] is True
    info = answer["data"]["tabs"]["info"]
    assert info.count('<div class="agency-detail-section wp-customer-integration">') == 1
    assert "<label>Total Customer:</label>\n\t\t<span><strong>0</strong></span>" in info
    assert "<label>Total Cabang:</label>\n\t\t<span><strong>0</strong></span>" in info
    assert "Belum ada customer yang terhubung dengan agency ini" in info
    assert "Invalid agency ID." not in info and "notice" not in info
    assert "wp-customer-integration" not in answer["data"]["tabs"]["divisions"]
