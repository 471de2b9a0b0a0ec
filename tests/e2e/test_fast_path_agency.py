"""WP Agency's agency list on the browser fast path, in real WordPress and Chromium.

WP Agency is not installed; its ``get_agencies_datatable`` handler is the stand-in of
support/wpbridge-e2e-wp-agency.php (WP Agency 1.0.7's answer, from plugin-facts §2.5) and its
screen the observer's ``page=wp-agency-disnaker`` with the list's DataTable. On the one origin of
tests/support/one_origin.py the list draws from the bridge (``/datatables/agencies?shape=plugin``)
and answers what the stand-in answers, row by row, for an administrator and for agency users; a
PHP callback the bridge cannot run (or the shim's filter) keeps it on admin-ajax; with the bridge
stopped it draws through admin-ajax.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from bridge.settings import DatabaseURL
from tests.support.chromium import log_in
from tests.support.database import connect
from tests.support.one_origin import API, FastSite, direct_requests
from tests.support.wordpress_site import AGENCY_COLUMNS, WordPress, datatable_params

SCREEN = "/wp-admin/admin.php?page=wp-agency-disnaker"
ROWS = "#agencies-table tbody tr[id^='agency-']"
# Orders without ties in the demo data (one agency per province, each with its own capital): where
# rows tie, WP Agency's order is MariaDB's, which changes between requests (bridge/agency_rows.py).
CASES = [
    datatable_params(AGENCY_COLUMNS, order=((1, "asc"),)),  # the screen's first draw
    datatable_params(AGENCY_COLUMNS, order=((0, "desc"),), start=5, length=5, draw=2),
    datatable_params(AGENCY_COLUMNS, order=((2, "asc"),), length=25, draw=3),  # sorts by a.provinsi_code
    datatable_params(AGENCY_COLUMNS, order=((3, "desc"),), draw=4),  # by a.regency_code
    datatable_params(AGENCY_COLUMNS, order=((1, "asc"),), search="Jawa", draw=5),
    datatable_params(AGENCY_COLUMNS, order=((1, "asc"),), search="agn-3", length=-1, draw=6),
    [p for p in datatable_params(AGENCY_COLUMNS, draw=7) if not p[0].startswith("order")],  # a.id DESC
]
USERS = ("admin", "demo_agency_admin", "demo_pengawas")
PHP_PLUGINS = {
    "row_data": "add_filter( 'wpapp_datatable_agencies_row_data', function ( $row ) { $row['name'] .= ' (PHP)'; return $row; } );",
    "can_edit": "add_filter( 'wp_agency_can_edit_agency', '__return_false' );",
    "where": "add_filter( 'wpapp_datatable_agencies_where', function ( $where ) { return $where; } );",
    "switched_off": "add_filter( 'wp_customer_bridge_fast_path_agencies', '__return_false' );",
    "translated": "add_filter( 'gettext', function ( $t, $text, $domain ) { return 'wp-agency' === $domain && 'Edit' === $text ? 'Ubah' : $t; }, 10, 3 );",
}


def open_screen(browser: Any, site: FastSite, username: str) -> tuple[Any, Any, list[str]]:
    """The agency screen drawn in Chromium for ``username``: context, page, the requests it sent."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(f"{r.method} {r.url} {r.post_data or ''}"))
    log_in(page, site.url, username)
    page.goto(f"{site.url}{SCREEN}")
    page.wait_for_function(f"document.querySelectorAll({ROWS!r}).length > 0")
    return context, page, requests


def both_paths(client: httpx.Client, page: Any, pairs: list[tuple[str, str]]) -> tuple[Any, Any]:
    """One list request the fast path's way and WP Agency's (admin-ajax, its nonce): both answers."""
    rest_nonce = page.evaluate("window.wpCustomerBridgeFastPath.nonce")
    panel_nonce = page.evaluate("window.wpAgencyDataTable.nonce")
    direct = client.post(
        f"{API}/datatables/agencies?shape=plugin", data=dict(pairs), headers={"X-WP-Nonce": rest_nonce}
    )
    ajax = client.post(
        "/wp-admin/admin-ajax.php", data={"action": "get_agencies_datatable", **dict(pairs), "nonce": panel_nonce}
    )
    assert direct.status_code == 200 and ajax.status_code == 200, (direct.text, ajax.text)
    return direct.json(), ajax.json()


@pytest.mark.parametrize("username", USERS)
def test_the_agency_list_draws_from_the_bridge_and_answers_what_wp_agency_answers(
    fast_site: FastSite, browser: Any, username: str
) -> None:
    context, page, requests = open_screen(browser, fast_site, username)
    try:
        before = direct_requests(fast_site.bridge, "/datatables/")
        assert any(f"{fast_site.url}{API}/datatables/agencies?shape=plugin" in r for r in requests), requests
        assert not any("get_agencies_datatable" in r for r in requests if "admin-ajax.php" in r), requests
        assert re.search(r"of \d+ entr(y|ies)", page.inner_text(".dt-info"))
        client = httpx.Client(
            base_url=fast_site.url, timeout=30, cookies={c["name"]: c["value"] for c in context.cookies()}
        )
        for pairs in CASES:
            direct, ajax = both_paths(client, page, pairs)
            assert direct == ajax, pairs
        assert direct_requests(fast_site.bridge, "/datatables/") > before
        first, _ = both_paths(client, page, CASES[0])
        assert first["data"] and first["recordsTotal"] >= len(first["data"])
        if username == "demo_pengawas":  # an agency user in their own scope: fewer agencies than an administrator
            assert 0 < first["recordsTotal"] < 10
    finally:
        context.close()


def test_hostile_text_and_quotes_in_the_search_answer_the_same_both_ways(
    fast_site: FastSite, e2e_db: DatabaseURL, browser: Any
) -> None:
    """Agencies named with markup, entities, quotes and backslashes, and searches through
    WordPress's magic quotes: the same JSON from the bridge as from PHP."""
    names = ('Dinas <script>alert("x")</script> & Co', 'O\'Brien &amp; "Sons" 50%_off', "back\\slash O\\'Brien")
    conn = connect(e2e_db)
    with conn.cursor() as cur:
        for i, name in enumerate(names):
            cur.execute(
                "INSERT INTO wp_app_agencies (code, name, status, provinsi_code, regency_code, created_by)"
                " VALUES (%s, %s, 'inactive', %s, NULL, 1)",
                (f"E2E<{i}>", name, "99" if i else None),
            )
    context, page, _ = open_screen(browser, fast_site, "admin")
    try:
        client = httpx.Client(
            base_url=fast_site.url, timeout=30, cookies={c["name"]: c["value"] for c in context.cookies()}
        )
        for search in ("E2E", "<script>", "O'Brien", "O\\'Brien", "&amp;", "50%_", '"Sons"', "0"):
            direct, ajax = both_paths(
                client, page, datatable_params(AGENCY_COLUMNS, order=((0, "asc"),), search=search)
            )
            assert direct == ajax, search
        direct, _ = both_paths(client, page, datatable_params(AGENCY_COLUMNS, order=((0, "asc"),), search="E2E"))
        assert len(direct["data"]) == 3 and "&lt;script&gt;" in direct["data"][0]["name"]
    finally:
        context.close()
        with conn.cursor() as cur:
            cur.execute("DELETE FROM wp_app_agencies WHERE code LIKE 'E2E<%'")
        conn.close()


@pytest.mark.parametrize("plugin", sorted(PHP_PLUGINS))
def test_with_php_in_play_the_list_stays_on_admin_ajax(
    fast_site: FastSite, wordpress: WordPress, browser: Any, plugin: str
) -> None:
    """A PHP callback on a filter the bridge cannot run (a row filter, a button filter, a WHERE of
    its own), WP Agency's button titles translated, or the shim's filter switched off: the list
    goes through admin-ajax, and what the callback does shows."""
    path: Path = wordpress.root / "wp-content" / "mu-plugins" / f"wpbridge-e2e-{plugin}.php"
    path.write_text(f"<?php\n{PHP_PLUGINS[plugin]}\n")
    try:
        context, page, requests = open_screen(browser, fast_site, "admin")
        try:
            assert "get_agencies_datatable" not in page.evaluate(
                "JSON.stringify(window.wpCustomerBridgeFastPath.tables)"
            )
            assert any("admin-ajax.php" in r and "get_agencies_datatable" in r for r in requests), requests
            assert not any(f"{API}/datatables/agencies" in r for r in requests), requests
            cells = page.eval_on_selector_all(ROWS, "rows => rows.map(r => r.innerHTML)")
            if plugin == "row_data":
                assert all("(PHP)" in c for c in cells)
            if plugin == "can_edit":
                assert all("wpapp-edit-agency" not in c and "wpapp-delete-agency" in c for c in cells)
            if plugin == "translated":  # WP Agency's titles in the user's language: the bridge writes English
                assert all('title="Ubah"' in c for c in cells)
        finally:
            context.close()
    finally:
        path.unlink()


def test_another_table_prefix_or_wp_agency_version_keeps_the_list_on_admin_ajax(wordpress: WordPress) -> None:
    """WP Agency 1.0.7 joins wp_wi_provinces and wp_wi_regencies whatever the prefix; the bridge
    joins the site's own, so on another prefix the two would differ. Another WP Agency version
    draws other buttons from other joins."""
    check = "echo wp_json_encode( WP_Customer_Bridge_Fast_Path::agencies_on_the_fast_path() ), ' ';"
    out = wordpress.php(f"{check} global $wpdb; $wpdb->prefix = 'wpx_'; {check}", user=1)
    assert out.split() == ["true", "false"]
    for version in ("1.0.7", "1.0.8", "1.0.0"):
        out = wordpress.php(check, user=1, env={"WPBRIDGE_E2E_AGENCY_VERSION": version})
        assert out.split() == ["true" if version == "1.0.7" else "false"], version


def test_with_the_bridge_stopped_the_list_still_draws_through_admin_ajax(fast_site: FastSite, browser: Any) -> None:
    fast_site.bridge.stop()
    context, page, requests = open_screen(browser, fast_site, "admin")
    try:
        assert any(f"{API}/datatables/agencies" in r for r in requests), "the bridge was tried first"
        assert any("admin-ajax.php" in r and "get_agencies_datatable" in r for r in requests), requests
        assert page.eval_on_selector_all(ROWS, "rows => rows.length") == 10
    finally:
        context.close()
