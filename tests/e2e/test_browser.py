"""The shim's Customers screen in a real browser: Debian's headless Chromium driven by Playwright.

A customer owner logs in through wp-login.php, opens Customers, and sees exactly their own
customers, page by page and searched, as the bridge returns them; opening one shows its
branches and employees. Screenshots go to tests/artifacts/ (kept by CI, ignored by git).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import httpx
import openpyxl

from tests.support.chromium import log_in, wait_for_rows
from tests.support.server import BridgeServer, signed_headers
from tests.support.wordpress_site import (
    ARTIFACTS,
    BRANCH_COLUMNS,
    CUSTOMER_COLUMNS,
    OWNER,
    OWNER_CUSTOMERS,
    WordPress,
    datatable_params,
)


def bridge_page(bridge: BridgeServer, table: str, user_id: int, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    body = str(httpx.QueryParams(pairs)).encode()
    target = f"/wp-json/wp-customer/v1/datatables/{table}"
    headers = {**signed_headers("POST", target, user_id, body), "Content-Type": "application/x-www-form-urlencoded"}
    return bridge.client.post(target, content=body, headers=headers).json()


def visible_rows(page: Any, table: str) -> list[str]:
    """The row ids DataTables drew (``customer-3``…), empty-table row excluded."""
    return page.eval_on_selector_all(f"#{table} tbody tr[id]", "rows => rows.map(r => r.id)")


def test_owner_browses_their_customers(
    wordpress: WordPress, e2e_bridge: BridgeServer, browser: Any, user_ids: dict[str, int]
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    owner = user_ids[OWNER]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        log_in(page, wordpress.url, OWNER)

        page.goto(f"{wordpress.url}/wp-admin/admin.php?page=wp-customer-bridge")
        first = bridge_page(e2e_bridge, "customers", owner, datatable_params(CUSTOMER_COLUMNS))
        assert first["recordsTotal"] == OWNER_CUSTOMERS
        wait_for_rows(page, "customers-table", [r["DT_RowId"] for r in first["data"]])
        assert f"of {OWNER_CUSTOMERS} entries" in page.inner_text(".dt-info")
        names = page.eval_on_selector_all(
            "#customers-table tbody tr[id] td:nth-child(2)", "cells => cells.map(c => c.textContent)"
        )
        assert names == [r["name"] for r in first["data"]]
        assert all(r["owner_name"] == "Andi Budi" for r in first["data"])
        page.screenshot(path=str(ARTIFACTS / "shim-customers-owner-page1.png"), full_page=True)

        # Page 2: the remaining customers, as the bridge pages them.
        second = bridge_page(e2e_bridge, "customers", owner, datatable_params(CUSTOMER_COLUMNS, start=10, draw=2))
        page.click("button.dt-paging-button.next")
        wait_for_rows(page, "customers-table", [r["DT_RowId"] for r in second["data"]])
        assert len(second["data"]) == OWNER_CUSTOMERS - 10

        # Search: one customer by its (unique) name.
        target = second["data"][-1]
        found = bridge_page(
            e2e_bridge, "customers", owner, datatable_params(CUSTOMER_COLUMNS, search=target["name"], draw=3)
        )
        page.fill(".dt-search input", target["name"])
        wait_for_rows(page, "customers-table", [r["DT_RowId"] for r in found["data"]])
        assert target["DT_RowId"] in visible_rows(page, "customers-table")
        page.screenshot(path=str(ARTIFACTS / "shim-customers-owner-search.png"), full_page=True)

        # Open the customer: its branches, through the shim as well.
        page.click(f"#{target['DT_RowId']} .view-customer")
        branches = bridge_page(
            e2e_bridge,
            "branches",
            owner,
            [*datatable_params(BRANCH_COLUMNS, order=((1, "asc"),)), ("customer_id", str(target["id"]))],
        )
        page.wait_for_function(
            "n => document.querySelectorAll('#branches-table tbody tr').length === n && !document.querySelector('#branches-table .dt-empty')",
            arg=len(branches["data"]),
            timeout=10_000,
        )
        codes = page.eval_on_selector_all(
            "#branches-table tbody tr td:first-child", "cells => cells.map(c => c.textContent)"
        )
        assert codes == [r["code"] for r in branches["data"]]
        page.wait_for_selector("#employees-table tbody tr td .department-badges-container", timeout=10_000)
        assert page.is_visible("#customer-detail")
        page.screenshot(path=str(ARTIFACTS / "shim-customers-owner-detail.png"), full_page=True)
        assert not errors, errors
    finally:
        context.close()


def exported_rows(page: Any, selector: str) -> list[list[str]]:
    """Click an Export button and read the CSV the browser downloads (UTF-8 with a BOM)."""
    with page.expect_download(timeout=30_000) as info:
        page.click(selector)
    download = info.value
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf"), body[:20]
    assert download.suggested_filename.startswith("customers-") and download.suggested_filename.endswith(".csv")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_export_and_panes_follow_what_the_table_shows(
    wordpress: WordPress, e2e_bridge: BridgeServer, browser: Any, user_ids: dict[str, int]
) -> None:
    """An administrator searches the Customers screen and clicks Export CSV: the downloaded file
    holds exactly the searched set (all of it, in the table's order, the visible columns labelled
    by their headers). The status pane lists the statuses with their totals; ticking "inactive"
    narrows the table to the inactive customers, and Export (CSV and Excel) then holds just those."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    admin = user_ids["admin"]
    everything = bridge_page(e2e_bridge, "customers", admin, datatable_params(CUSTOMER_COLUMNS, length=100))
    total = everything["recordsTotal"]
    # A word that matches some customers but not all: the first word of a name, tried in turn.
    term, searched = "", {}
    for word in dict.fromkeys(row["name"].split()[0] for row in everything["data"]):
        searched = bridge_page(
            e2e_bridge, "customers", admin, datatable_params(CUSTOMER_COLUMNS, length=100, search=word)
        )
        if 1 < searched["recordsFiltered"] < total:
            term = word
            break
    assert term, "no name word narrows the demo customers"
    inactive_pairs = [*datatable_params(CUSTOMER_COLUMNS, length=100), ("searchPanes[status][0]", "inactive")]
    inactive = bridge_page(e2e_bridge, "customers", admin, inactive_pairs)
    assert 0 < inactive["recordsFiltered"] < total

    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        log_in(page, wordpress.url, "admin")
        page.goto(f"{wordpress.url}/wp-admin/admin.php?page=wp-customer-bridge")
        wait_for_rows(page, "customers-table", [r["DT_RowId"] for r in everything["data"][:10]])

        # The panes: status, province and regency, filled from the bridge's counts.
        page.wait_for_selector(".dtsp-searchPane:not(.dtsp-hidden) .dtsp-name", timeout=10_000)
        headers = page.eval_on_selector_all(
            ".dtsp-searchPane:not(.dtsp-hidden) input.dtsp-paneInputButton", "inputs => inputs.map(i => i.placeholder)"
        )
        assert headers == ["Status", "Province", "Regency"]
        statuses = page.evaluate(
            "() => [...document.querySelector('.dtsp-searchPane:not(.dtsp-hidden)').querySelectorAll('.dtsp-name')]"
            ".map(c => c.textContent)"
        )
        assert sorted(statuses) == ["active", "inactive"]

        # Search, then export: the whole searched set, in the table's order.
        page.fill(".dt-search input", term)
        wait_for_rows(page, "customers-table", [r["DT_RowId"] for r in searched["data"][:10]])
        rows = exported_rows(page, ".wp-customer-bridge-export-button[data-format=csv]")
        assert rows[0] == ["Code", "Name", "Owner", "Branches"]
        assert [row[0] for row in rows[1:]] == [r["code"] for r in searched["data"]]
        assert [row[1] for row in rows[1:]] == [r["name"] for r in searched["data"]]
        page.screenshot(path=str(ARTIFACTS / "shim-customers-export-search.png"), full_page=True)

        # Clear the search; tick "inactive" in the status pane: the table narrows, the export follows.
        page.fill(".dt-search input", "")
        wait_for_rows(page, "customers-table", [r["DT_RowId"] for r in everything["data"][:10]])
        page.locator(".dtsp-searchPane:not(.dtsp-hidden)").first.locator(".dtsp-name", has_text="inactive").click()
        wait_for_rows(page, "customers-table", [r["DT_RowId"] for r in inactive["data"][:10]])
        assert f"of {inactive['recordsFiltered']} entr" in page.inner_text(".dt-info")  # entry, entries
        rows = exported_rows(page, ".wp-customer-bridge-export-button[data-format=csv]")
        assert [row[0] for row in rows[1:]] == [r["code"] for r in inactive["data"]]
        # Excel: the same cells, from the other button.
        with page.expect_download(timeout=30_000) as info:
            page.click(".wp-customer-bridge-export-button[data-format=xlsx]")
        assert info.value.suggested_filename.endswith(".xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
        assert [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)] == rows
        page.screenshot(path=str(ARTIFACTS / "shim-customers-panes-inactive.png"), full_page=True)
        assert not errors, errors
    finally:
        context.close()


def test_plugin_screen_export_follows_the_filter(
    wordpress: WordPress, e2e_bridge: BridgeServer, browser: Any, user_ids: dict[str, int]
) -> None:
    """On WP Customer's Customers screen (its stand-in, with the plugin's customers DataTable) the
    Export buttons appear above the table only while ``wp_customer_enable_export`` allows it; then
    the CSV holds that table's searched set, labelled by the plugin's headers."""
    admin = user_ids["admin"]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        wordpress.php("update_option( 'wpbridge_e2e_enable_export', 'no' );")
        log_in(page, wordpress.url, "admin")
        first = bridge_page(e2e_bridge, "customers", admin, datatable_params(CUSTOMER_COLUMNS))
        page.goto(f"{wordpress.url}/wp-admin/admin.php?page=wp-customer")
        wait_for_rows(page, "customers-table", [r["DT_RowId"] for r in first["data"]])
        assert page.query_selector(".wp-customer-bridge-export-button") is None

        wordpress.php("update_option( 'wpbridge_e2e_enable_export', 'yes' );")
        page.reload()
        wait_for_rows(page, "customers-table", [r["DT_RowId"] for r in first["data"]])
        page.wait_for_selector(".wp-customer-bridge-export-button[data-format=xlsx]", timeout=10_000)
        word = first["data"][0]["name"].split()[-1]
        searched = bridge_page(
            e2e_bridge, "customers", admin, datatable_params(CUSTOMER_COLUMNS, length=100, search=word)
        )
        page.fill(".dt-search input", word)
        wait_for_rows(page, "customers-table", [r["DT_RowId"] for r in searched["data"][:10]])
        rows = exported_rows(page, ".wp-customer-bridge-export-button[data-format=csv]")
        assert rows[0] == ["Kode", "Nama Customer", "Admin", "Cabang"]
        assert [row[0] for row in rows[1:]] == [r["code"] for r in searched["data"]]
        page.screenshot(path=str(ARTIFACTS / "plugin-customers-export.png"), full_page=True)
        assert not errors, errors
    finally:
        wordpress.php("delete_option( 'wpbridge_e2e_enable_export' );")
        context.close()


def test_the_screen_says_so_when_the_bridge_is_down(wordpress: WordPress, down: str, browser: Any) -> None:
    """The page's DataTables requests go to a WordPress whose bridge is unreachable: the screen
    shows the shim's message in a notice (no alert, no script error) and an empty table."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 700})
    page = context.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        log_in(page, wordpress.url, "admin")
        page.route(
            "**/wp-admin/admin-ajax.php",
            lambda route: route.continue_(url=route.request.url.replace(wordpress.url, down)),
        )
        page.goto(f"{wordpress.url}/wp-admin/admin.php?page=wp-customer-bridge")
        page.wait_for_selector("#wp-customer-bridge-error:not([hidden])", timeout=10_000)
        message = page.inner_text("#wp-customer-bridge-error")
        assert message.startswith(
            "Customer data could not be loaded: The customer data service (WP Customer Bridge at http://127.0.0.1:"
        )
        assert "cannot be reached" in message and "WP_CUSTOMER_BRIDGE_URL" in message
        assert page.eval_on_selector_all("#customers-table tbody tr[id]", "rows => rows.length") == 0
        page.screenshot(path=str(ARTIFACTS / "shim-customers-bridge-down.png"), full_page=True)
        assert not errors and not dialogs, (errors, dialogs)
    finally:
        context.close()


def test_plugin_screen_boxes_and_notice_follow_the_bridge(
    wordpress: WordPress, e2e_bridge: BridgeServer, down: str, dead_url: str, browser: Any, user_ids: dict[str, int]
) -> None:
    """WP Customer's Customers screen (its stand-in: the boxes start at 0 and the plugin's script
    writes get_customer_stats into them), reloaded on ``#1`` as the plugin's URLs do: with the
    bridge up an administrator reads all customers and branches and customer 1's employees; with
    it down, "—" in every box and the notice at the top naming the bridge and the error."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    admin = user_ids["admin"]
    target = "/wp-json/wp-customer/v1/statistics/customers"
    totals = e2e_bridge.client.get(target, headers=signed_headers("GET", target, admin)).json()
    scoped = e2e_bridge.client.get(
        f"{target}?customer_id=1", headers=signed_headers("GET", f"{target}?customer_id=1", admin)
    ).json()
    context = browser.new_context(viewport={"width": 1280, "height": 700})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def boxes(base: str) -> list[str]:
        page.goto(f"{base}/wp-admin/admin.php?page=wp-customer#1", wait_until="domcontentloaded")
        page.wait_for_selector("body[data-stats-loaded]", timeout=10_000)
        return [page.inner_text(f"#total-{box}") for box in ("customers", "branches", "employees")]

    try:
        log_in(page, wordpress.url, "admin")

        assert boxes(wordpress.url) == [
            str(totals["total_customers"]),
            str(totals["total_branches"]),
            str(scoped["total_employees"]),
        ]
        assert not page.query_selector(".wp-customer-bridge-down")

        # The bridge down: the page from the WordPress pointed at a dead port, its admin-ajax calls too.
        page.route(
            "**/wp-admin/admin-ajax.php",
            lambda route: route.continue_(url=route.request.url.replace(wordpress.url, down)),
        )
        assert boxes(down) == ["—", "—", "—"]
        notice = page.inner_text(".notice.wp-customer-bridge-down")
        assert "The customer data service is down." in notice and "cannot be reached" in notice and dead_url in notice
        # WordPress moves notices to the top of the screen, under the title.
        assert page.evaluate(
            "() => document.querySelector('.wrap h1').nextElementSibling.matches('.wp-customer-bridge-down')"
        )
        page.screenshot(path=str(ARTIFACTS / "plugin-customers-bridge-down.png"), full_page=True)
        assert not errors, errors
    finally:
        context.close()
