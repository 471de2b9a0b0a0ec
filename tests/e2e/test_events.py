"""Lifecycle events between the bridge and a real WordPress, both ways.

Bridge → WordPress: a write through the bridge's REST API is delivered by its outbox sender to
the shim's events route and re-fired inside WordPress under the plugin's names, once — also when
WordPress was down at the time (delivered once it is back). WordPress → bridge: when WordPress
itself writes the tables and fires the plugin's action, the shim tells the bridge to drop its
caches; it does not for actions it re-fired from the bridge.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from bridge.demo import demo_application_passwords
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.server import BridgeServer
from tests.support.wordpress_site import CUSTOMER_COLUMNS, OWNER, WordPress, datatable_params

ADMIN_AUTH = ("admin", demo_application_passwords(seed=1)["admin"])


def wait_until(condition: Callable[[], Any], timeout: float = 20, what: str = "condition") -> Any:
    deadline = time.time() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def create_customer(bridge: BridgeServer, name: str) -> int:
    response = bridge.client.post("/wp-json/wp-customer/v1/customers", json={"name": name}, auth=ADMIN_AUTH)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def fired(wp: WordPress, name: str, customer_id: int) -> list[dict[str, Any]]:
    return [e for e in wp.observed("action") if e["name"] == name and e["args"][0] == customer_id]


def outbox_row(wp: WordPress, customer_id: int) -> dict[str, Any]:
    conn = connect(wp.db)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT attempts, delivered_at, last_error FROM wp_wpbridge_outbox WHERE entity = 'customer' AND entity_id = %s "
            "AND action = 'wp_customer_created'",
            (customer_id,),
        )
        row = cur.fetchone()
    conn.close()
    return row


def test_a_bridge_write_is_replayed_in_wordpress_once(
    wordpress: WordPress, e2e_bridge: BridgeServer, user_ids: dict[str, int]
) -> None:
    customer_id = create_customer(e2e_bridge, "PT Event Sekali")
    wait_until(lambda: fired(wordpress, "wp_customer_created", customer_id), what="wp_customer_created in WordPress")
    wait_until(lambda: outbox_row(wordpress, customer_id)["delivered_at"], what="the outbox row to be marked delivered")
    time.sleep(1.0)  # a second delivery would have arrived by now

    [created] = fired(wordpress, "wp_customer_created", customer_id)
    [documented] = fired(wordpress, "wp_customer_customer_created", customer_id)
    assert created["args"][1]["name"] == "PT Event Sekali" and "id" not in created["args"][1]
    assert created["user"] == user_ids["admin"] and created["replaying"] is True
    assert documented["args"] == created["args"]
    # A replayed action is the bridge's own write: no invalidation goes back to it. (The same
    # php -S worker also served other tests' logins, whose {"entity": "session"} pushes are not.)
    sent = [e for e in wordpress.observed("invalidate") if e["pid"] == created["pid"]]
    assert not [e for e in sent if json.loads(e["body"])["entity"] != "session"]


def test_an_event_sent_while_wordpress_is_down_arrives_once_when_it_is_back(
    wordpress: WordPress, e2e_bridge: BridgeServer
) -> None:
    wordpress.stop()
    try:
        customer_id = create_customer(e2e_bridge, "PT Saat WordPress Mati")
        row = wait_until(
            lambda: (r := outbox_row(wordpress, customer_id)) and r["attempts"] >= 2 and r,
            what="failed delivery attempts",
        )
        assert row["delivered_at"] is None and "Connect" in row["last_error"]
        pending = run_cli(wordpress.db, "outbox").stdout
        assert "wp_customer_created" in pending and f"customer {customer_id}" in pending
    finally:
        wordpress.start()
    wait_until(lambda: fired(wordpress, "wp_customer_created", customer_id), what="the delayed event")
    wait_until(lambda: outbox_row(wordpress, customer_id)["delivered_at"], what="delivery to be recorded")
    time.sleep(1.5)
    assert len(fired(wordpress, "wp_customer_created", customer_id)) == 1
    assert len(fired(wordpress, "wp_customer_customer_created", customer_id)) == 1
    assert "0 pending" in run_cli(wordpress.db, "outbox").stdout


def test_a_redelivered_event_is_ignored(wordpress: WordPress, e2e_bridge: BridgeServer) -> None:
    """The bridge retries when an answer is lost; the shim must not fire the action again."""
    customer_id = create_customer(e2e_bridge, "PT Dikirim Ulang")
    wait_until(lambda: outbox_row(wordpress, customer_id)["delivered_at"], what="first delivery")
    conn = connect(wordpress.db)
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE wp_wpbridge_outbox SET delivered_at = NULL WHERE entity = 'customer' AND entity_id = %s AND action = 'wp_customer_created'",
            (customer_id,),
        )
    conn.close()
    row = wait_until(
        lambda: (r := outbox_row(wordpress, customer_id)) and r["delivered_at"] and r["attempts"] == 2 and r,
        what="redelivery",
    )
    assert row["last_error"] is None
    time.sleep(0.5)
    assert len(fired(wordpress, "wp_customer_created", customer_id)) == 1


def test_wordpress_writes_invalidate_the_bridge_cache(wordpress: WordPress, user_ids: dict[str, int]) -> None:
    owner = wordpress.login(OWNER)
    nonce = wordpress.nonce(owner)

    def total() -> int:
        response = wordpress.ajax(
            owner, [*datatable_params(CUSTOMER_COLUMNS), ("action", "handle_customer_datatable"), ("nonce", nonce)]
        )
        return response.json()["recordsTotal"]

    before = total()
    invalidations = len(wordpress.observed("invalidate"))
    # WordPress's own code writes a customer (as the plugin's CustomerModel::create() does) …
    out = wordpress.php(
        f"""
global $wpdb;
$data = array( 'code' => 'WPDIRECT01', 'name' => 'PT Ditulis WordPress', 'status' => 'active', 'user_id' => {user_ids[OWNER]},
    'reg_type' => 'by_admin', 'created_by' => get_current_user_id() );
$wpdb->insert( $wpdb->prefix . 'app_customers', $data );
$id = $wpdb->insert_id;
update_option( 'wpbridge_e2e_customer', array( $id, $data ) );
echo $id;
""",
        user=user_ids["admin"],
    )
    customer_id = int(out.strip())
    assert total() == before, "the bridge still serves its cached view: only an invalidation can tell it"
    # … and fires the plugin's action: the shim tells the bridge, which then shows the new row.
    wordpress.php(
        "list( $id, $data ) = get_option( 'wpbridge_e2e_customer' ); do_action( 'wp_customer_created', $id, $data );",
        user=user_ids["admin"],
    )
    sent = wordpress.observed("invalidate")[invalidations:]
    assert [json.loads(e["body"]) for e in sent] == [{"entity": "customer", "id": customer_id}]
    assert sent[0]["user"] == user_ids["admin"]
    assert total() == before + 1
