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
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from bridge.settings import DatabaseURL
from tests.support.one_origin import API, KEY_DEFINE, NGINX, nginx_conf
from tests.support.server import BridgeServer, free_port
from tests.support.wordpress_site import (
    BRANCH_COLUMNS,
    CUSTOMER_COLUMNS,
    DEMO_PASSWORD,
    EMPLOYEE_COLUMNS,
    OWNER,
    WordPress,
    datatable_params,
    require_tools,
    stop_group,
)


@dataclass
class FastSite:
    url: str
    bridge: BridgeServer
    nginx: subprocess.Popen


@pytest.fixture(scope="module")
def fast_site(
    wordpress: WordPress,
    e2e_db: DatabaseURL,
    start_bridge: Callable[..., BridgeServer],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[FastSite]:
    if not NGINX.exists():
        require_tools("nginx")
    tmp = tmp_path_factory.mktemp("fastpath")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    keys = "\n".join(KEY_DEFINE.findall((wordpress.root / "wp-config.php").read_text()))
    assert keys.count("define(") == 8
    (tmp / "wp-config-keys.php").write_text(f"<?php\n{keys}\n")
    bridge = start_bridge(
        e2e_db,
        {
            "BRIDGE_WP_CONFIG": str(tmp / "wp-config-keys.php"),
            "BRIDGE_WP_SITE_URL": url,
            "BRIDGE_PUBLIC_URL": url,
            "SANIC_PROXIES_COUNT": "1",
        },
    )
    wp_url = wordpress.serve_variant({"WPBRIDGE_E2E_SITE_URL": url})
    process = subprocess.Popen(
        [str(NGINX), "-p", f"{tmp}/", "-c", str(nginx_conf(tmp, port, bridge.port, int(wp_url.rsplit(":", 1)[1])))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.time() + 10
    while True:
        try:
            httpx.get(f"{url}/readyz", timeout=2)
            break
        except httpx.TransportError:
            assert time.time() < deadline and process.poll() is None, (tmp / "error.log").read_text()
            time.sleep(0.05)
    yield FastSite(url, bridge, process)
    stop_group(process)


def direct_requests(bridge: BridgeServer, route: str) -> float:
    """Requests the fast bridge answered on ``route`` (its /metrics, read from loopback)."""
    text = bridge.client.get("/metrics").text
    pattern = re.compile(r"^wpbridge_http_requests_total\{([^}]*)\} ([0-9.e+]+)$", re.M)
    return sum(float(n) for labels, n in pattern.findall(text) if f'route="{API}{route}' in labels)


def log_in(page: Any, site: str) -> None:
    page.goto(f"{site}/wp-login.php")
    page.fill("#user_login", OWNER)
    page.fill("#user_pass", DEMO_PASSWORD)
    page.click("#wp-submit")
    page.wait_for_url("**/wp-admin/**")


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
