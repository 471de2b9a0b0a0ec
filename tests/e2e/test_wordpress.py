"""The shim installed from its zip in a real WordPress: activation, settings, the Customers page."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import httpx

from tests.support.server import signed_headers
from tests.support.wordpress_site import OWNER, OWNER_CUSTOMERS, WordPress


def test_zip_layout(shim_zip: Path) -> None:
    """One top folder, as WordPress's uploader wants; DataTables, Select and SearchPanes from npm inside
    at their pinned versions; nothing else stray."""
    names = zipfile.ZipFile(shim_zip).namelist()
    assert all(name.startswith("wp-customer-bridge/") for name in names)
    for required in (
        "wp-customer-bridge/wp-customer-bridge.php",
        "wp-customer-bridge/uninstall.php",
        "wp-customer-bridge/readme.txt",
        "wp-customer-bridge/assets/vendor/datatables/dataTables.min.js",
        "wp-customer-bridge/assets/vendor/datatables/dataTables.dataTables.min.css",
        "wp-customer-bridge/assets/vendor/datatables/License.txt",
        "wp-customer-bridge/assets/vendor/datatables/dataTables.select.min.js",
        "wp-customer-bridge/assets/vendor/datatables/select.dataTables.min.css",
        "wp-customer-bridge/assets/vendor/datatables/dataTables.searchPanes.min.js",
        "wp-customer-bridge/assets/vendor/datatables/searchPanes.dataTables.min.js",
        "wp-customer-bridge/assets/vendor/datatables/searchPanes.dataTables.min.css",
    ):
        assert required in names
    assert not [n for n in names if "/." in n or n.endswith((".pyc", ".tgz"))]
    header = zipfile.ZipFile(shim_zip).read("wp-customer-bridge/wp-customer-bridge.php").decode()
    assert "Requires PHP:      7.4" in header and "Requires at least: 5.8" in header
    assert (
        b"DataTables 2.3.8"
        in zipfile.ZipFile(shim_zip).read("wp-customer-bridge/assets/vendor/datatables/dataTables.min.js")[:300]
    )
    vendor = "wp-customer-bridge/assets/vendor/datatables/"
    assert b"SearchPanes 2.3.5" in zipfile.ZipFile(shim_zip).read(vendor + "dataTables.searchPanes.min.js")[:100]
    assert b"Select for DataTables 3.1.3" in zipfile.ZipFile(shim_zip).read(vendor + "dataTables.select.min.js")[:100]


def test_zip_installs_and_activates(wordpress: WordPress) -> None:
    out = wordpress.php(
        "require_once ABSPATH . 'wp-admin/includes/plugin.php';"
        "echo WP_CUSTOMER_BRIDGE_VERSION, ' ', get_option( 'wp_customer_bridge_db_version' ), ' ', "
        "is_plugin_active( 'wp-customer-bridge/wp-customer-bridge.php' ) ? 'active' : 'inactive';"
        "global $wpdb; echo ' ', $wpdb->get_var( \"SHOW TABLES LIKE '{$wpdb->prefix}customer_bridge_events'\" );"
    )
    assert out.split() == ["0.1.0", "1", "active", "wp_customer_bridge_events"]


def test_settings_page_tests_the_connection(wordpress: WordPress) -> None:
    admin = wordpress.login("admin")
    page = admin.get("/wp-admin/options-general.php", params={"page": "wp-customer-bridge-settings"})
    assert page.status_code == 200
    assert "Set by WP_CUSTOMER_BRIDGE_URL in wp-config.php." in page.text
    assert wordpress.events_url in page.text
    nonce = re.search(r'name="_wpnonce" value="([0-9a-f]+)"', page.text.split("admin-post.php")[1]).group(1)
    tested = admin.post("/wp-admin/admin-post.php", data={"action": "wp_customer_bridge_test", "_wpnonce": nonce})
    assert tested.status_code == 302
    result = admin.get(
        "/wp-admin/options-general.php", params={"page": "wp-customer-bridge-settings", "tested": "1"}
    ).text
    assert "Bridge reachable and its database ready" in result
    assert "OK: the bridge sees you as user 1 (admin)." in result
    assert "notice-error" not in result.split("wp-customer-bridge-test-result")[0][-200:]


def test_settings_are_for_administrators_only(wordpress: WordPress) -> None:
    owner = wordpress.login("andi_budi")
    assert owner.get("/wp-admin/options-general.php", params={"page": "wp-customer-bridge-settings"}).status_code == 403
    forged = owner.post("/wp-admin/admin-post.php", data={"action": "wp_customer_bridge_test", "_wpnonce": "x"})
    assert forged.status_code == 403


def test_customers_page_for_users_with_the_capability(wordpress: WordPress) -> None:
    owner = wordpress.login("andi_budi")
    page = wordpress.shim_page(owner)
    assert 'id="customers-table"' in page and "dataTables.min.js" in page
    assert re.fullmatch(r"[0-9a-f]{10}", wordpress.nonce(owner))
    subscriber = wordpress.login("demo_subscriber")
    assert subscriber.get("/wp-admin/admin.php", params={"page": "wp-customer-bridge"}).status_code == 403


def export_nonce(wordpress: WordPress, client: httpx.Client) -> str:
    """The wp_customer_bridge_export nonce the Customers page hands its Export buttons."""
    match = re.search(r"var wpCustomerBridgeExport = (\{.*?\});", wordpress.shim_page(client))
    assert match, "wpCustomerBridgeExport not found on the Customers page"
    return str(json.loads(match.group(1))["nonce"])


def test_export_refusals_are_readable_pages(wordpress: WordPress, user_ids: dict[str, int]) -> None:
    """admin-post.php?action=wp_customer_bridge_export: a forged nonce and a request the bridge
    refuses get WordPress's error page with the reason — never a file; a good request gets the
    bridge's file (the owner's own customers) with its headers."""
    owner = wordpress.login(OWNER)
    nonce = export_nonce(wordpress, owner)
    form = {"action": "wp_customer_bridge_export", "_wpnonce": nonce, "table": "customers", "format": "csv"}
    columns = {"columns[0][data]": "code", "columns[0][name]": "Code", "columns[0][searchable]": "true"}
    columns |= {"columns[0][orderable]": "true", "columns[0][search][value]": "", "columns[0][search][regex]": "false"}

    good = owner.post("/wp-admin/admin-post.php", data={**form, **columns})
    assert good.status_code == 200, good.text[:500]
    assert good.headers["content-type"].startswith("text/csv")
    assert re.fullmatch(r'attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"', good.headers["content-disposition"])
    target = "/wp-json/wp-customer/v1/datatables/customers?" + str(
        httpx.QueryParams(
            {**columns, "draw": "1", "start": "0", "length": "100", "search[value]": "", "search[regex]": "false"}
        )
    )
    mine = wordpress.bridge.client.get(target, headers=signed_headers("GET", target, user_ids[OWNER])).json()
    assert "error" not in mine, mine
    codes = [row["code"] for row in mine["data"]]
    assert len(codes) >= OWNER_CUSTOMERS  # other tests may add the owner customers
    assert good.content == "\r\n".join(["\ufeffCode", *codes, ""]).encode()

    forged = owner.post("/wp-admin/admin-post.php", data={**form, "_wpnonce": "0123456789"})
    assert forged.status_code == 403 and "The export link has expired" in forged.text

    refused = owner.post("/wp-admin/admin-post.php", data={**form, **columns, "searchPanes_bogus": "1"})
    assert refused.status_code == 400 and "text/html" in refused.headers["content-type"]
    assert "searchPanes_bogus" in refused.text and "Export failed" in refused.text
