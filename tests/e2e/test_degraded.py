"""The bridge down or too slow: DataTables get an error they can show, the statistics read "—",
the customer and agency screens and the agency tab a notice, nothing fatal and no PHP warning from
the shim; with WP_CUSTOMER_BRIDGE_FALLBACK the plugin's own handlers answer administrators. The
same WordPress, served again by ``php -S`` with wp-config.php pointed at a dead port or at a
server that never answers (and the fallback constant on)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.support.wordpress_site import (
    CUSTOMER_COLUMNS,
    EMPLOYEE_COLUMNS,
    OWNER,
    WordPress,
    datatable_params,
)


@pytest.fixture(scope="module")
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers: a bridge that hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture(scope="module")
def slow(wordpress: WordPress, silent_server: int) -> str:
    return wordpress.serve_variant(
        {"WPBRIDGE_E2E_BRIDGE_URL": f"http://127.0.0.1:{silent_server}", "WPBRIDGE_E2E_TIMEOUT": "1"}
    )


def table(wp: WordPress, client, base: str, action: str, pairs) -> dict:
    nonce = wp.nonce(client)
    response = wp.ajax(client, [*pairs, ("action", action), ("nonce", nonce)], base=base)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json"), (
        response.text[:2000]
    )
    return response.json()


def test_bridge_down_datatables_get_an_error(wordpress: WordPress, down: str, dead_url: str) -> None:
    admin = wordpress.login("admin")
    result = table(wordpress, admin, down, "handle_customer_datatable", datatable_params(CUSTOMER_COLUMNS, draw=6))
    assert (
        result["draw"] == 6 and result["recordsTotal"] == 0 and result["recordsFiltered"] == 0 and result["data"] == []
    )
    assert "cannot be reached" in result["error"] and dead_url in result["error"], result["error"]

    owner = wordpress.login(OWNER)
    result = table(
        wordpress,
        owner,
        down,
        "handle_customer_employee_datatable",
        [*datatable_params(EMPLOYEE_COLUMNS, draw=2), ("customer_id", "1")],
    )
    assert result["draw"] == 2 and "temporarily unavailable" in result["error"] and dead_url not in result["error"]

    # The plugin's JavaScript writes these into its boxes: "—", never a 0 that reads as "no customers".
    stats = wordpress.ajax(
        owner, [("action", "get_customer_stats"), ("id", "1"), ("nonce", wordpress.nonce(owner))], base=down
    ).json()
    assert stats["success"] is True and stats["data"]["bridge_unavailable"] is True
    assert [stats["data"][k] for k in ("total_customers", "total_branches", "total_employees")] == ["—"] * 3
    assert "temporarily unavailable" in stats["data"]["message"] and dead_url not in stats["data"]["message"]

    page = owner.get(f"{down}/wp-admin/admin.php", params={"page": "wp-customer-bridge"})
    assert page.status_code == 200 and 'id="customers-table"' in page.text
    assert not wordpress.shim_php_errors()


def test_bridge_down_agency_hooks_fail_closed_with_a_notice(
    wordpress: WordPress, dead_url: str, user_ids: dict[str, int]
) -> None:
    env = {"WPBRIDGE_E2E_BRIDGE_URL": dead_url}
    out = wordpress.php(
        "echo wp_json_encode( apply_filters( 'wpapp_datatable_agencies_where', array(), array(), null ) ), \"\\n\";"
        "do_action( 'wpapp_tab_view_content', 'agency', 'info', array( 'agency' => (object) array( 'id' => 1 ) ) );",
        user=user_ids["admin"],
        env=env,
    )
    where, html = out.split("\n", 1)
    assert where == '["a.id IN (0)"]'
    assert "notice-warning" in html and "cannot be reached" in html and "<strong>" not in html
    assert not wordpress.shim_php_errors()


def test_bridge_too_slow_times_out_after_the_configured_timeout(wordpress: WordPress, slow: str) -> None:
    admin = wordpress.login("admin")
    started = time.monotonic()
    result = table(wordpress, admin, slow, "handle_customer_datatable", datatable_params(CUSTOMER_COLUMNS, draw=3))
    elapsed = time.monotonic() - started
    assert result["draw"] == 3 and result["data"] == []
    assert "did not answer within 1 seconds" in result["error"], result["error"]
    assert elapsed < 4, f"took {elapsed:.1f} s with WP_CUSTOMER_BRIDGE_TIMEOUT=1"
    assert not wordpress.shim_php_errors()


NOTICE = 'class="notice notice-error wp-customer-bridge-down"'


def test_bridge_down_notice_on_the_customer_and_agency_screens(wordpress: WordPress, down: str, dead_url: str) -> None:
    """At the top of WP Customer's Customers screen, WP Agency's screen and the shim's own: the
    URL and the error for an administrator, a sentence for anyone else; nothing elsewhere, and
    nothing while the bridge is up."""
    admin = wordpress.login("admin")
    owner = wordpress.login(OWNER)
    for page in ("wp-customer", "wp-agency-disnaker", "wp-customer-bridge"):
        html = admin.get(f"{down}/wp-admin/admin.php", params={"page": page}).text
        assert html.count(NOTICE) == 1, page
        notice = html[html.index(NOTICE) :]
        notice = notice[: notice.index("</div>")]
        assert "The customer data service is down." in notice and "cannot be reached" in notice
        assert f"<code>{dead_url}</code>" in notice and "options-general.php?page=wp-customer-bridge-settings" in notice

        html = owner.get(f"{down}/wp-admin/admin.php", params={"page": page}).text
        assert (
            html.count(NOTICE) == 1 and "Customer data is temporarily unavailable" in html and dead_url not in html
        ), page

        assert NOTICE not in admin.get("/wp-admin/admin.php", params={"page": page}).text  # bridge up
    assert NOTICE not in admin.get(f"{down}/wp-admin/index.php").text
    assert not wordpress.shim_php_errors()


def test_fallback_lets_the_plugins_handlers_answer_administrators(
    wordpress: WordPress, down: str, dead_url: str
) -> None:
    """WP_CUSTOMER_BRIDGE_FALLBACK: while the bridge is unreachable an administrator's request is
    left to the plugin's own handler (here its stand-in, which answers "the plugin"); others still
    get the shim's answer, and so does everyone while the bridge is up or without the constant."""
    fallback = wordpress.serve_variant({"WPBRIDGE_E2E_BRIDGE_URL": dead_url, "WPBRIDGE_E2E_FALLBACK": "1"})
    fallback_up = wordpress.serve_variant({"WPBRIDGE_E2E_FALLBACK": "1"})
    admin = wordpress.login("admin")
    owner = wordpress.login(OWNER)
    admin_nonce, owner_nonce = wordpress.nonce(admin), wordpress.nonce(owner)
    before = len(wordpress.observed("plugin-handler"))

    stats = [("action", "get_customer_stats"), ("id", "1")]
    table = [*datatable_params(CUSTOMER_COLUMNS, draw=5), ("action", "handle_customer_datatable")]
    for pairs in (stats, table):
        assert wordpress.ajax(admin, [*pairs, ("nonce", admin_nonce)], base=fallback).json() == {
            "answered_by": "the plugin"
        }
        mine = wordpress.ajax(owner, [*pairs, ("nonce", owner_nonce)], base=fallback).json()
        assert "answered_by" not in mine and "temporarily unavailable" in str(mine)
        assert "answered_by" not in wordpress.ajax(admin, [*pairs, ("nonce", admin_nonce)], base=down).json()
        assert "answered_by" not in wordpress.ajax(admin, [*pairs, ("nonce", admin_nonce)], base=fallback_up).json()
    handled = wordpress.observed("plugin-handler")[before:]
    assert [(e["action"], e["fallback"]) for e in handled] == [
        ("get_customer_stats", True),
        ("handle_customer_datatable", True),
    ]

    html = admin.get(f"{fallback}/wp-admin/admin.php", params={"page": "wp-customer"}).text
    assert NOTICE in html and "WP_CUSTOMER_BRIDGE_FALLBACK is on" in html
    assert not wordpress.shim_php_errors()
