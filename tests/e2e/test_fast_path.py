"""The browser fast path (issue 17 §2–§4): the Customers screen draws from the bridge directly.

One origin, as deploy/nginx/wpbridge.conf serves it: nginx on 127.0.0.1:P passes
``/wp-json/wp-customer/v1/`` to a bridge that validates WordPress's cookie (BRIDGE_WP_CONFIG,
BRIDGE_PUBLIC_URL = that origin) and everything else to a ``php -S`` of the test WordPress whose
site URL is that origin. The e2e wp-config.php computes its site URL at run time, so the bridge
reads the keys from a copy holding only the eight key/salt defines and gets the site URL from
BRIDGE_WP_SITE_URL. The shim's own admin-ajax path still goes to the session's other bridge, so
stopping the fast bridge leaves the browser only the admin-ajax path.
"""

from __future__ import annotations

import re
import statistics
import time
from typing import Any

import httpx

from tests.support.chromium import log_in
from tests.support.one_origin import API, FastSite, direct_requests
from tests.support.wordpress_site import (
    BRANCH_COLUMNS,
    CUSTOMER_COLUMNS,
    EMPLOYEE_COLUMNS,
    datatable_params,
)


def customer_rows(page: Any) -> list[str]:
    return page.eval_on_selector_all("#customers-table tbody tr[id]", "rows => rows.map(r => r.outerHTML)")


def both_paths(client: httpx.Client, page: Any, action: str, pairs: list[tuple[str, str]]) -> tuple[Any, Any]:
    """One DataTables request sent the fast path's way (bridge, cookie + REST nonce, shape=plugin)
    and the shim's way (admin-ajax, the plugin's nonce): the two JSON answers."""
    rest_nonce = page.evaluate("window.wpCustomerBridgeFastPath.nonce")
    plugin_nonce = page.evaluate("window.wpCustomerData.nonce")
    table = {"handle_customer_datatable": "customers", "handle_branch_datatable": "branches"}.get(action, "employees")
    direct = client.post(f"{API}/datatables/{table}?shape=plugin", data=dict(pairs), headers={"X-WP-Nonce": rest_nonce})
    shim = client.post("/wp-admin/admin-ajax.php", data={"action": action, **dict(pairs), "nonce": plugin_nonce})
    assert direct.status_code == 200 and shim.status_code == 200, (direct.text, shim.text)
    return direct.json(), shim.json()


def test_customers_screen_draws_from_the_bridge_and_matches_the_shim_path(fast_site: FastSite, browser: Any) -> None:  # noqa: F811
    """In Chromium on the one origin, the Customers screen's tables and statistics come from the
    bridge directly (the browser's requests go to /wp-json/wp-customer/v1 and the fast bridge
    counts them; no admin-ajax call for them), and every row, count and HTML fragment is the one the
    shim's admin-ajax path answers for the same request."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(f"{r.method} {r.url} {r.post_data or ''}"))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        log_in(page, fast_site.url)
        before = direct_requests(fast_site.bridge, "/datatables/")
        page.goto(f"{fast_site.url}/wp-admin/admin.php?page=wp-customer-bridge")
        page.wait_for_function("document.querySelectorAll('#customers-table tbody tr[id]').length === 10")
        assert re.search(r"of \d+ entries", page.inner_text(".dt-info"))  # other e2e tests add the owner customers
        page.click("#customers-table tbody tr[id] .view-customer")
        page.wait_for_function("document.querySelectorAll('#branches-table tbody tr').length > 0")
        page.wait_for_function("/\\d/.test(document.querySelector('#customer-stats').textContent)")
        page.wait_for_function("document.querySelectorAll('#employees-table tbody tr').length > 0")

        assert direct_requests(fast_site.bridge, "/datatables/") - before >= 3
        sent = [r for r in requests if f"{API}/" in r]
        for route in (
            "/datatables/customers?shape=plugin",
            "/datatables/branches?shape=plugin",
            "/statistics/customers",
        ):
            assert any(f"{fast_site.url}{API}{route}" in r for r in sent), (route, requests)
        ajax = [r for r in requests if "admin-ajax.php" in r]
        assert not any(a in r for r in ajax for a in ("_datatable", "get_customer_stats")), ajax
        assert not errors, errors

        # The same requests answered both ways: equal, row by row.
        client = httpx.Client(
            base_url=fast_site.url, timeout=30, cookies={c["name"]: c["value"] for c in context.cookies()}
        )
        owner_customer = page.evaluate("jQuery('#customers-table').DataTable().row(0).data().id")
        cases = [
            ("handle_customer_datatable", datatable_params(CUSTOMER_COLUMNS)),
            ("handle_customer_datatable", datatable_params(CUSTOMER_COLUMNS, start=10, draw=2)),
            ("handle_customer_datatable", datatable_params(CUSTOMER_COLUMNS, search="PT", order=((1, "desc"),))),
            ("handle_branch_datatable", [*datatable_params(BRANCH_COLUMNS), ("customer_id", str(owner_customer))]),
            (
                "handle_customer_employee_datatable",
                [*datatable_params(EMPLOYEE_COLUMNS), ("customer_id", str(owner_customer))],
            ),
        ]
        for action, pairs in cases:
            direct, shim = both_paths(client, page, action, pairs)
            assert direct["data"], (action, direct)
            assert [row for row in direct["data"]] == shim["data"], action
            assert {k: direct[k] for k in ("draw", "recordsTotal", "recordsFiltered")} == {
                k: shim[k] for k in ("draw", "recordsTotal", "recordsFiltered")
            }
        print(fast_path_timings(client, page, cases[0][1]))
    finally:
        context.close()


def fast_path_timings(client: httpx.Client, page: Any, pairs: list[tuple[str, str]]) -> str:
    """Sequential p50 of one customers draw each way, through the same nginx (a report, not a target:
    bench/ measures under load)."""
    rest_nonce = page.evaluate("window.wpCustomerBridgeFastPath.nonce")
    plugin_nonce = page.evaluate("window.wpCustomerData.nonce")
    timings: dict[str, list[float]] = {"direct": [], "admin-ajax": []}
    for _ in range(20):
        started = time.perf_counter()
        client.post(f"{API}/datatables/customers?shape=plugin", data=dict(pairs), headers={"X-WP-Nonce": rest_nonce})
        timings["direct"].append(time.perf_counter() - started)
        started = time.perf_counter()
        client.post(
            "/wp-admin/admin-ajax.php",
            data={"action": "handle_customer_datatable", **dict(pairs), "nonce": plugin_nonce},
        )
        timings["admin-ajax"].append(time.perf_counter() - started)
    p50 = {k: statistics.median(v) * 1000 for k, v in timings.items()}
    return f"customers draw p50: direct {p50['direct']:.2f} ms, admin-ajax {p50['admin-ajax']:.2f} ms"


def test_with_the_bridge_stopped_the_screen_still_draws_through_admin_ajax(fast_site: FastSite, browser: Any) -> None:  # noqa: F811
    """With the browser's bridge gone (nginx answers 502), the fast path falls back: the Customers
    screen still draws its rows, through admin-ajax and the shim."""
    fast_site.bridge.stop()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(f"{r.url} {r.post_data or ''}"))
    try:
        log_in(page, fast_site.url)
        page.goto(f"{fast_site.url}/wp-admin/admin.php?page=wp-customer-bridge")
        page.wait_for_function("document.querySelectorAll('#customers-table tbody tr[id]').length === 10")
        assert re.search(r"of \d+ entries", page.inner_text(".dt-info"))  # other e2e tests add the owner customers
        assert any(f"{API}/datatables/customers" in r for r in requests), "the bridge was tried first"
        assert any("admin-ajax.php" in r and "handle_customer_datatable" in r for r in requests), requests
        assert page.is_hidden("#wp-customer-bridge-error")
    finally:
        context.close()
