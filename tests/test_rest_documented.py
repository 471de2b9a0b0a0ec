"""The REST routes on the documented layout (region codes on customers, few branch and employee
columns, employees unique by user, real foreign keys): same API, fields the layout lacks are
refused by name, region ids are translated to the codes the layout stores."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.cli import run_cli
from tests.support.database import fetch

API = "/wp-json/wp-customer/v1"


class Doc:
    def __init__(self, url: Any, server: Any, passwords: dict[str, str]) -> None:
        self.url, self.server, self.passwords = url, server, passwords

    def call(self, login: str, method: str, path: str, **kw: Any) -> Any:
        return self.server.client.request(method, API + path, auth=(login, self.passwords[login]), **kw)

    def sql(self, query: str, args: Any = None) -> list[dict[str, Any]]:
        return fetch(self.url, query, args)


@pytest.fixture(scope="module")
def doc(make_database: Callable, start_bridge: Callable) -> Doc:
    from bridge.demo import demo_application_passwords

    url = make_database()
    run_cli(url, "migrate", "--layout", "documented")
    run_cli(url, "demo", "--customers", "8")
    return Doc(url, start_bridge(url), demo_application_passwords(seed=1))


@pytest.fixture(scope="module")
def region(doc: Doc) -> dict[str, Any]:
    return doc.sql(
        "SELECT p.id AS provinsi_id, p.code AS provinsi_code, r.id AS regency_id, r.code AS regency_code, "
        "r.name AS regency_name FROM wp_wi_provinces p JOIN wp_wi_regencies r ON r.province_id = p.id "
        "JOIN wp_app_agencies a ON a.provinsi_code = p.code ORDER BY r.id DESC LIMIT 1"
    )[0]


def test_reads_and_filters(doc: Doc) -> None:
    customer = doc.sql(
        "SELECT c.id, c.provinsi_code, p.id AS provinsi_id FROM wp_app_customers c "
        "JOIN wp_wi_provinces p ON p.code = c.provinsi_code ORDER BY c.id LIMIT 1"
    )[0]
    body = doc.call("admin", "GET", f"/customers/{customer['id']}").json()
    assert body["provinsi_code"] == customer["provinsi_code"] and body["province_name"] and body["type"]
    expected = {
        r["id"]
        for r in doc.sql("SELECT id FROM wp_app_customers WHERE provinsi_code = %s", [customer["provinsi_code"]])
    }
    r = doc.call("admin", "GET", "/customers", params={"provinsi_id": customer["provinsi_id"], "per_page": 100})
    assert {c["id"] for c in r.json()} == expected and r.headers["X-WP-Total"] == str(len(expected))
    branch = doc.call("admin", "GET", "/branches/1").json()
    assert branch["admin_name"] is None and branch["agency_name"] and "type" not in branch
    employee = doc.call("admin", "GET", "/employees/1").json()
    assert employee["name"] and employee["email"] and employee["branch_name"]
    r = doc.call("admin", "GET", "/branches", params={"type": "pusat"})
    assert r.status_code == 400 and "type" in r.json()["data"]["params"]
    owned = {
        r["id"]
        for r in doc.sql(
            "SELECT id FROM wp_app_customers WHERE user_id = 2 AND status = 'active' UNION "
            "SELECT customer_id FROM wp_app_customer_employees WHERE user_id = 2 AND status = 'active'"
        )
    }
    assert {c["id"] for c in doc.call("andi_budi", "GET", "/customers").json()} == owned


def test_create_customer_stores_codes_and_builds_the_head_office(doc: Doc, region: dict) -> None:
    owner = doc.sql(
        "SELECT ID FROM wp_users WHERE ID NOT IN (SELECT user_id FROM wp_app_customer_employees) "
        "ORDER BY ID DESC LIMIT 1"
    )[0]["ID"]
    body = {
        "name": "PT Dokumen",
        "provinsi_id": region["provinsi_id"],
        "regency_id": region["regency_id"],
        "user_id": owner,
    }
    r = doc.call("admin", "POST", "/customers", json=body)
    assert r.status_code == 201, r.text
    customer = r.json()
    assert (customer["provinsi_code"], customer["regency_code"], customer["type"]) == (
        region["provinsi_code"],
        region["regency_code"],
        "PT",
    )
    assert customer["branch_count"] == 1 and customer["employee_count"] == 1
    branch = doc.sql("SELECT * FROM wp_app_customer_branches WHERE customer_id = %s", [customer["id"]])[0]
    agency = doc.sql(
        "SELECT id FROM wp_app_agencies WHERE provinsi_code = %s ORDER BY id LIMIT 1", [region["provinsi_code"]]
    )[0]
    assert branch["agency_id"] == agency["id"] and branch["name"] == f"PT Dokumen Cabang {region['regency_name']}"
    r = doc.call("admin", "POST", "/customers", json={**body, "name": "CV Kedua Pemilik Sama"})
    assert r.status_code == 201 and r.json()["employee_count"] == 0 and r.json()["type"] == "CV"
    r = doc.call(
        "admin",
        "POST",
        "/customers",
        json={"name": "PT Dokumen", "provinsi_id": region["provinsi_id"], "regency_id": region["regency_id"]},
    )
    assert r.status_code == 409 and r.json()["data"]["params"] == {"name": "Nama customer sudah ada."}
    r = doc.call("admin", "POST", "/customers", json={"name": "PT Tanpa NPWP", "npwp": "01.234.567.8-901.234"})
    assert r.status_code == 400 and r.json()["data"]["params"]["npwp"].startswith("npwp is not available")
    r = doc.call("admin", "PATCH", f"/customers/{customer['id']}", json={"type": "Koperasi"})
    assert r.status_code == 200 and r.json()["type"] == "Koperasi"


def test_branches_and_employees_in_the_documented_layout(doc: Doc) -> None:
    customer = doc.sql("SELECT id, provinsi_code FROM wp_app_customers WHERE user_id = 2")[0]
    r = doc.call(
        "andi_budi",
        "POST",
        "/branches",
        json={"customer_id": customer["id"], "name": "Cabang Dokumen", "type": "cabang"},
    )
    assert r.status_code == 400 and r.json()["data"]["params"] == {
        "type": "type is not available in this site's database layout."
    }
    r = doc.call("andi_budi", "POST", "/branches", json={"customer_id": customer["id"], "name": "Cabang Dokumen"})
    assert r.status_code == 201, r.text
    agency = doc.sql(
        "SELECT id FROM wp_app_agencies WHERE provinsi_code = %s ORDER BY id LIMIT 1", [customer["provinsi_code"]]
    )[0]
    assert r.json()["agency_id"] == agency["id"]
    branch = r.json()["id"]
    user = doc.sql("SELECT user_id FROM wp_app_customer_employees ORDER BY id LIMIT 1")[0]["user_id"]
    r = doc.call(
        "andi_budi", "POST", "/employees", json={"customer_id": customer["id"], "branch_id": branch, "user_id": user}
    )
    assert r.status_code == 409 and r.json()["data"]["params"] == {
        "user_id": "User ini sudah terdaftar sebagai karyawan."
    }
    fresh = doc.sql(
        "SELECT ID FROM wp_users WHERE ID NOT IN (SELECT user_id FROM wp_app_customer_employees) ORDER BY ID LIMIT 1"
    )[0]["ID"]
    r = doc.call(
        "andi_budi",
        "POST",
        "/employees",
        json={"customer_id": customer["id"], "branch_id": branch, "user_id": fresh, "name": "X"},
    )
    assert r.status_code == 400 and list(r.json()["data"]["params"]) == ["name"]
    r = doc.call(
        "andi_budi", "POST", "/employees", json={"customer_id": customer["id"], "branch_id": branch, "user_id": fresh}
    )
    assert r.status_code == 201, r.text
    assert r.json()["email"] and r.json()["branch_name"] == "Cabang Dokumen"


def test_delete_cascades_soft_then_hard_with_foreign_keys(doc: Doc) -> None:
    from bridge.demo import GENERAL_OPTIONS
    from bridge.wordpress import php_dumps

    active = doc.sql("SELECT id FROM wp_app_customers WHERE status = 'active' AND user_id <> 2 ORDER BY id LIMIT 1")
    customer = active[0]["id"]
    r = doc.call("admin", "DELETE", f"/customers/{customer}")
    assert r.status_code == 200
    statuses = doc.sql(
        "SELECT status FROM wp_app_customer_branches WHERE customer_id = %s "
        "UNION SELECT status FROM wp_app_customer_employees WHERE customer_id = %s",
        [customer, customer],
    )
    assert {s["status"] for s in statuses} == {"inactive"}
    option = php_dumps({**GENERAL_OPTIONS, "enable_hard_delete_branch": True})
    doc.sql("UPDATE wp_options SET option_value = %s WHERE option_name = 'wp_customer_general_options'", [option])
    r = doc.call("admin", "DELETE", f"/customers/{customer}")
    assert r.status_code == 200 and r.json()["previous"]["status"] == "inactive"
    assert doc.sql("SELECT id FROM wp_app_customer_branches WHERE customer_id = %s", [customer]) == []
    assert doc.sql("SELECT id FROM wp_app_customers WHERE id = %s", [customer]) == []
