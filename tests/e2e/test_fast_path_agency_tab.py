"""The browser fast path on WP Agency's agency info tab (issue 17 §3): the WP Customer plugin's
"Statistik Customer" block in ``get_agency_details`` comes from the bridge directly, with the same
HTML as the admin-ajax path; it stays on the server while PHP takes part in the block, and the tab
still shows it through admin-ajax when the browser's bridge is gone.

The one-origin site of tests/support/one_origin.py (nginx passing /wp-json/wp-customer/v1/ to a
cookie-validating bridge); WP Agency's screen and ``get_agency_details`` are the stand-ins of
support/wpbridge-e2e-observer.php, which render every tab through ``wpapp_tab_view_content``.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.chromium import log_in
from tests.support.one_origin import FastSite, direct_requests
from tests.support.server import BridgeServer, signed_headers
from tests.support.wordpress_site import OWNER, WordPress

NOTE = "wpbridge_e2e_agency_statistics_note"
DETAILS = """id => new Promise( resolve => jQuery.post( ajaxurl, {
    action: 'get_agency_details', nonce: window.wpAgencyDataTable.nonce, id: id
} ).always( ( body, status, xhr ) => resolve( {
    info: body && body.data ? body.data.tabs.info : null,
    path: xhr && xhr.getResponseHeader ? xhr.getResponseHeader( 'X-WP-Customer-Bridge-Path' ) : null
} ) ) )"""


@pytest.fixture(scope="module")
def agency_id(e2e_bridge: BridgeServer, user_ids: dict[str, int]) -> int:
    """An agency of the owner's branches: one whose block has numbers."""
    target = "/wp-json/wp-customer/v1/relations/agency/accessible"
    response = e2e_bridge.client.get(target, headers=signed_headers("GET", target, user_ids[OWNER]))
    assert response.status_code == 200 and response.json()["ids"], response.text
    return int(response.json()["ids"][0])


def open_agency_screen(browser: Any, site: FastSite) -> tuple[Any, Any, httpx.Client]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, site.url)
    page.goto(f"{site.url}/wp-admin/admin.php?page=wp-agency-disnaker")
    page.wait_for_function("window.wpCustomerBridgeFastPath && window.wpAgencyDataTable")
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    return context, page, httpx.Client(base_url=site.url, timeout=30, cookies=cookies)


def server_rendered(client: httpx.Client, page: Any, agency_id: int, header: bool = False) -> str:
    """The info tab as admin-ajax answers it, to a request without the fast-path script's header
    (or with it)."""
    nonce = page.evaluate("window.wpAgencyDataTable.nonce")
    headers = {"X-WP-Customer-Bridge-Fast-Path": "agency-statistics"} if header else {}
    data = {"action": "get_agency_details", "nonce": nonce, "id": agency_id}
    response = client.post("/wp-admin/admin-ajax.php", data=data, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["tabs"]["info"])


def test_the_info_tabs_block_comes_from_the_bridge_with_the_admin_ajax_html(
    fast_site: FastSite,
    browser: Any,
    agency_id: int,
) -> None:
    context, page, client = open_agency_screen(browser, fast_site)
    try:
        before = direct_requests(fast_site.bridge, "/tabs/")
        tab = page.evaluate(DETAILS, agency_id)
        assert tab["path"] == "direct", tab
        assert direct_requests(fast_site.bridge, "/tabs/") - before == 1
        expected = server_rendered(client, page, agency_id)
        assert "<h3>Statistik Customer</h3>" in expected and "wp-customer-bridge:agency-statistics" not in expected
        assert tab["info"] == expected
        placeholder = f"<!--wp-customer-bridge:agency-statistics:{agency_id}-->"
        assert placeholder in server_rendered(client, page, agency_id, header=True)
    finally:
        context.close()


def test_a_php_callback_on_the_block_keeps_it_on_the_server(
    fast_site: FastSite,
    browser: Any,
    wordpress: WordPress,
    agency_id: int,
) -> None:
    wordpress.php(f"update_option( '{NOTE}', 'Catatan situs' );")
    context, page, client = open_agency_screen(browser, fast_site)
    try:
        before = direct_requests(fast_site.bridge, "/tabs/")
        tab = page.evaluate(DETAILS, agency_id)
        assert tab["path"] is None, tab  # no agency-tab script on the page: jQuery's own request
        assert '<p class="wpbridge-e2e-note">Catatan situs</p>' in tab["info"]
        assert tab["info"] == server_rendered(client, page, agency_id)
        assert direct_requests(fast_site.bridge, "/tabs/") == before
        assert page.evaluate("typeof window.wpCustomerBridgeFastPath") == "object"  # the rest stays fast
        # Even asked with the script's header, WordPress renders the block itself.
        assert server_rendered(client, page, agency_id, header=True) == tab["info"]
    finally:
        wordpress.php(f"delete_option( '{NOTE}' );")
        context.close()


def test_with_the_bridge_stopped_the_tab_shows_the_block_through_admin_ajax(
    fast_site: FastSite,
    browser: Any,
    agency_id: int,
) -> None:
    """Runs last in this module: it stops the browser's bridge (nginx then answers 502)."""
    context, page, client = open_agency_screen(browser, fast_site)
    try:
        fast_site.bridge.stop()
        tab = page.evaluate(DETAILS, agency_id)
        assert tab["path"] == "admin-ajax", tab
        assert "<h3>Statistik Customer</h3>" in tab["info"]
        assert tab["info"] == server_rendered(client, page, agency_id)
    finally:
        context.close()
