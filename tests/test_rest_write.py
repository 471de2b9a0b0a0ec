"""REST writes over real HTTP on a database of their own (migrate + demo of 8 customers):
creation as the plugin creates, validation with the plugin's messages, duplicates, write
permissions, cascading soft and hard deletes, the head-office guard, If-Match, lifecycle
actions and the outbox, and hostile bodies that must never cause a 500 or touch other rows."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.paths import API
from tests.support.write_site import Site, new_customer, open_site, pick_free_users, pick_place, simultaneously


@pytest.fixture(scope="module")
def site(make_database: Callable, start_bridge: Callable, tmp_path_factory: pytest.TempPathFactory) -> Site:
    return open_site(make_database, start_bridge, tmp_path_factory)


@pytest.fixture(scope="module")
def free_users(site: Site) -> list[int]:
    return pick_free_users(site)


@pytest.fixture(scope="module")
def place(site: Site) -> dict[str, Any]:
    return pick_place(site)


# ---- the write matrix: update and delete by every kind of user ------------------------------------

OK = 412  # allowed: the stale If-Match then stops the write, so the matrix changes nothing
WRITE_MATRIX = {
    # login: (customer update, customer delete, branch update, branch delete, employee update, employee delete)
    "admin": (OK, OK, OK, OK, OK, OK),
    "demo_platform_admin": (OK, 403, OK, 403, 403, 403),
    "demo_platform_viewer": (403, 403, 403, 403, 403, 403),
    "demo_agency_admin": (403, 403, 404, 404, 403, 403),
    "demo_pengawas": (403, 403, 404, 404, 403, 403),
    "andi_budi": (OK, 403, OK, OK, OK, OK),
    "demo_branch_admin": (403, 403, OK, 403, 404, 404),
    "demo_employee": (403, 403, 403, 403, 403, 403),
    "demo_subscriber": (404, 404, 404, 404, 404, 404),
}


@pytest.mark.parametrize("login", list(WRITE_MATRIX))
def test_write_matrix(site: Site, login: str) -> None:
    """The owner's customer, the branch admin's cabang (another agency, another inspector) and the
    demo employee's row at the head office; expectations from the plugin's capabilities
    (bridge/roles.py): outside the scope 404, inside without the capability 403."""
    of_user = "SELECT id FROM {} WHERE user_id = %s ORDER BY id LIMIT 1"
    customer = site.one(of_user.format("wp_app_customers"), [site.users["andi_budi"]])["id"]
    branch = site.one(of_user.format("wp_app_customer_branches"), [site.users["demo_branch_admin"]])["id"]
    employee = site.one(of_user.format("wp_app_customer_employees"), [site.users["demo_employee"]])["id"]
    before = site.snapshot()
    stale = {"If-Match": '"0000"'}
    got = []
    for path, body in ((f"/customers/{customer}", {"name": "X"}), (f"/branches/{branch}", {"phone": "1"})):
        got += [site.call(login, "PATCH", path, json=body, headers=stale).status_code]
        got += [site.call(login, "DELETE", path, headers=stale).status_code]
    got += [site.call(login, "PUT", f"/employees/{employee}", json={"phone": "1"}, headers=stale).status_code]
    got += [site.call(login, "DELETE", f"/employees/{employee}", headers=stale).status_code]
    assert tuple(got) == WRITE_MATRIX[login]
    assert site.snapshot() == before


# ---- customers: create ----------------------------------------------------------------------------


def test_create_customer_with_location_makes_head_office_and_owner_employee(
    site: Site, place: dict, free_users: list
) -> None:
    site.events()
    owner = free_users[0]
    r = site.call(
        "admin",
        "POST",
        "/customers",
        json={
            "name": 'PT Uji "Kutip" O\'Neil',
            "npwp": "01 234 567 8-901 234",
            "nib": "1111 2222 33333",
            "provinsi_id": str(place["province"]["id"]),
            "regency_id": place["regencies"][0]["id"],
            "user_id": owner,
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["Location"].endswith(f"{API}/customers/{body['id']}")
    assert r.headers["ETag"]
    assert body["name"] == 'PT Uji "Kutip" O\'Neil'
    assert body["npwp"] == "01.234.567.8-901.234" and body["nib"] == "1111222233333"
    assert re.fullmatch(r"\d{4}[A-Z][a-z]\d{2}[A-Z][a-z]", body["code"])
    assert (body["reg_type"], body["created_by"], body["status"]) == ("by_admin", site.users["admin"], "active")
    assert (body["branch_count"], body["employee_count"]) == (1, 1)

    branch = site.one("SELECT * FROM wp_app_customer_branches WHERE customer_id = %s", [body["id"]])
    regency = place["regencies"][0]
    agency = site.one(
        "SELECT id FROM wp_app_agencies WHERE provinsi_code = %s ORDER BY id LIMIT 1", [place["province"]["code"]]
    )
    assert branch["type"] == "pusat" and branch["status"] == "active" and branch["user_id"] == owner
    assert branch["name"] == f'PT Uji "Kutip" O\'Neil Cabang {regency["name"]}'
    assert branch["code"].startswith(body["code"] + "-") and len(branch["code"]) == len(body["code"]) + 3
    assert branch["agency_id"] == agency["id"] and branch["division_id"] is not None
    assert branch["created_by"] == site.users["admin"]
    employee = site.one("SELECT * FROM wp_app_customer_employees WHERE customer_id = %s", [body["id"]])
    assert (employee["branch_id"], employee["user_id"], employee["position"]) == (branch["id"], owner, "Admin")
    assert all(employee[d] == 1 for d in ("finance", "operation", "legal", "purchase"))

    names = [e["name"] for e in site.events()]
    assert names == [
        "wp_customer_created",
        "wp_customer_customer_created",
        "wp_customer_branch_created",
        "wp_customer_employee_created",
    ]
    outbox = site.sql("SELECT entity, entity_id, action, payload FROM wp_wpbridge_outbox ORDER BY id DESC LIMIT 3")[
        ::-1
    ]
    assert [(o["entity"], o["action"]) for o in outbox] == [
        ("customer", "wp_customer_created"),
        ("branch", "wp_customer_branch_created"),
        ("employee", "wp_customer_employee_created"),
    ]
    payload = json.loads(outbox[0]["payload"])
    assert payload["aliases"] == ["wp_customer_customer_created"] and payload["args"][0] == body["id"]
    assert "id" not in payload["args"][1] and payload["args"][1]["name"] == body["name"]


def test_create_customer_without_location_has_no_branch(site: Site, place: dict) -> None:
    body = new_customer(site, place, None, "CV Tanpa Lokasi")
    assert body["branch_count"] == 0 and body["provinsi_id"] is None and body["user_id"] is None


def test_customer_create_evicts_the_statistics_cache(site: Site, place: dict) -> None:
    before = site.call("admin", "GET", "/statistics/customers").json()["total_customers"]
    new_customer(site, place, None, "CV Statistik")
    assert site.call("admin", "GET", "/statistics/customers").json()["total_customers"] == before + 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "name", "Nama customer wajib diisi."),
        ({"name": "   "}, "name", "Nama customer wajib diisi."),
        ({"name": "x" * 101}, "name", "Nama customer maksimal 100 karakter."),
        ({"name": "A", "npwp": "12.345"}, "npwp", "Format NPWP tidak valid. Format: XX.XXX.XXX.X-XXX.XXX"),
        ({"name": "A", "npwp": "1234567890123456"}, "npwp", "Format NPWP tidak valid. Format: XX.XXX.XXX.X-XXX.XXX"),
        ({"name": "A", "nib": "123456789012"}, "nib", "Format NIB tidak valid. Harus 13 digit."),
        ({"name": "A", "nib": "12345678901234"}, "nib", "Format NIB tidak valid. Harus 13 digit."),
        ({"name": "A", "nib": "abc"}, "nib", "Format NIB tidak valid. Harus 13 digit."),
        ({"name": "A", "status": "deleted"}, "status", "Invalid status value"),
        ({"name": "A", "code": "has space"}, "code", None),
        ({"name": "A", "provinsi_id": 999999}, "provinsi_id", "Provinsi tidak ditemukan."),
        ({"name": "A", "regency_id": 999999}, "regency_id", "Kabupaten/kota tidak ditemukan."),
        ({"name": "A", "user_id": 99999999}, "user_id", "User WordPress tidak ditemukan."),
        ({"name": 123}, "name", "name is not of type string."),
        ({"name": ["A"]}, "name", "name is not of type string."),
        ({"name": {"a": 1}}, "name", "name is not of type string."),
        ({"name": "A", "provinsi_id": "abc"}, "provinsi_id", "provinsi_id is not of type integer."),
        ({"name": "A", "provinsi_id": True}, "provinsi_id", "provinsi_id is not of type integer."),
        ({"name": "A", "provinsi_id": 1.5}, "provinsi_id", "provinsi_id is not of type integer."),
        ({"name": "A", "provinsi_id": -3}, "provinsi_id", None),
        ({"name": "A", "status": ["active"]}, "status", "status is not of type string."),
        ({"name": "A", "branch_count": 4}, "branch_count", "branch_count is read-only."),
        ({"name": "A", "id": 1}, "id", "id is read-only."),
        (
            {"name": "A", "favourite_colour": "red"},
            "favourite_colour",
            "favourite_colour is not a field of this resource.",
        ),
    ],
)
def test_customer_validation(site: Site, body: dict, field: str, message: str | None) -> None:
    before = site.snapshot()
    r = site.call("admin", "POST", "/customers", json=body)
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "rest_invalid_param"
    params = r.json()["data"]["params"]
    assert field in params
    if message:
        assert params[field] == message
    assert site.snapshot() == before


def test_regency_must_lie_in_the_province(site: Site, place: dict) -> None:
    r = site.call(
        "admin",
        "POST",
        "/customers",
        json={"name": "A", "provinsi_id": place["province"]["id"], "regency_id": place["foreign_regency"]},
    )
    assert r.status_code == 400 and r.json()["data"]["params"] == {
        "regency_id": "Kabupaten/kota tidak berada di provinsi yang dipilih."
    }


def test_all_field_errors_come_at_once(site: Site) -> None:
    body = {"name": "", "npwp": "1", "nib": "2", "user_id": 99999999, "foo": 1, "status": ["a"], "provinsi_id": "x"}
    r = site.call("admin", "POST", "/customers", json=body)
    assert r.status_code == 400
    assert set(r.json()["data"]["params"]) == {"foo", "name", "npwp", "nib", "user_id", "status", "provinsi_id"}
    assert r.json()["message"].startswith("Invalid parameter(s): ")


def test_invalid_json_and_other_bodies(site: Site) -> None:
    for raw in (b'{"name": "A",', b"[1, 2]", b'"just a string"', b"\xff\xfe", b'{"name": "\\ud800"}'):
        r = site.call("admin", "POST", "/customers", content=raw, headers={"content-type": "application/json"})
        assert r.status_code == 400 and r.json()["code"] == "rest_invalid_json", raw
    r = site.call("admin", "POST", "/customers", data={"name": "CV Formulir", "status": "inactive", "nib": ""})
    assert r.status_code == 201 and r.json()["status"] == "inactive" and r.json()["nib"] is None


def test_duplicates_are_409_naming_the_field(site: Site, place: dict, free_users: list) -> None:
    first = new_customer(site, place, free_users[1], "PT Kembar", regency=1)
    for field in ("npwp", "nib", "code"):
        r = site.call("admin", "POST", "/customers", json={"name": f"PT Lain {field}", field: first[field]})
        assert r.status_code == 409, r.text
        assert r.json()["code"] == "rest_customer_conflict" and field in r.json()["data"]["params"]
    same_region = {
        "name": "PT Kembar",
        "provinsi_id": place["province"]["id"],
        "regency_id": place["regencies"][1]["id"],
    }
    r = site.call("admin", "POST", "/customers", json=same_region)
    assert r.status_code == 409 and r.json()["data"]["params"] == {"name": "Nama customer sudah ada."}
    r = site.call("admin", "POST", "/customers", json={**same_region, "regency_id": place["regencies"][2]["id"]})
    assert r.status_code == 201
    r = site.call("admin", "POST", "/customers", json={"name": "PT X", "npwp": first["npwp"], "nib": first["nib"]})
    assert set(r.json()["data"]["params"]) == {"npwp", "nib"}


@pytest.mark.parametrize(
    ("login", "status"),
    [
        ("andi_budi", 403),
        ("demo_branch_admin", 403),
        ("demo_employee", 403),
        ("demo_agency_admin", 403),
        ("demo_pengawas", 403),
        ("demo_platform_viewer", 403),
        ("demo_subscriber", 403),
        ("demo_platform_admin", 201),
    ],
)
def test_who_may_create_customers(site: Site, login: str, status: int) -> None:
    r = site.call(login, "POST", "/customers", json={"name": f"CV Oleh {login}"})
    assert r.status_code == status, r.text
    if status == 403:
        assert r.json()["code"] == "rest_forbidden"


# ---- customers: update ----------------------------------------------------------------------------


def test_owner_edits_own_customer_but_not_its_owner(site: Site) -> None:
    customer = site.one("SELECT id FROM wp_app_customers WHERE user_id = %s", [site.users["andi_budi"]])["id"]
    r = site.call("andi_budi", "PATCH", f"/customers/{customer}", json={"name": "PT Maju Bersama Jaya"})
    assert r.status_code == 200 and r.json()["name"] == "PT Maju Bersama Jaya"
    r = site.call("andi_budi", "PUT", f"/customers/{customer}", json={"user_id": site.users["andi_budi"]})
    assert r.status_code == 403 and r.json()["code"] == "rest_forbidden"
    for login, status in (
        ("demo_branch_admin", 403),
        ("demo_employee", 403),
        ("demo_platform_viewer", 403),
        ("demo_subscriber", 404),
        ("demo_pengawas", 403),
    ):
        r = site.call(login, "PATCH", f"/customers/{customer}", json={"name": "Diretas"})
        assert r.status_code == status, (login, r.text)
    assert site.one("SELECT name FROM wp_app_customers WHERE id = %s", [customer])["name"] == "PT Maju Bersama Jaya"
    events = site.events()
    updated = [e for e in events if e["name"] == "wp_customer_updated"]
    assert updated and updated[-1]["args"][1]["name"] != updated[-1]["args"][2]["name"] == "PT Maju Bersama Jaya"
    assert "wp_customer_customer_updated" in [e["name"] for e in events]


def test_update_validates_and_normalises(site: Site, place: dict) -> None:
    target = new_customer(site, place, None, "CV Ubah")
    other = new_customer(site, place, None, "CV Lain")
    r = site.call("admin", "PATCH", f"/customers/{target['id']}", json={"npwp": "123456789012345", "nib": None})
    assert r.status_code == 200 and r.json()["npwp"] == "12.345.678.9-012.345" and r.json()["nib"] is None
    r = site.call("admin", "PATCH", f"/customers/{target['id']}", json={"npwp": other["npwp"]})
    assert r.status_code == 409 and r.json()["data"]["params"] == {"npwp": "NPWP sudah terdaftar."}
    r = site.call("admin", "PATCH", f"/customers/{target['id']}", json={"name": "", "code": ""})
    assert r.status_code == 400 and set(r.json()["data"]["params"]) == {"name", "code"}
    r = site.call("admin", "PATCH", f"/customers/{target['id']}", json={"regency_id": place["regencies"][3]["id"]})
    assert r.status_code == 200 and r.json()["provinsi_id"] == place["province"]["id"]
    r = site.call("admin", "PATCH", f"/customers/{target['id']}", json={})
    assert r.status_code == 200 and r.json()["name"] == "CV Ubah"


def test_if_match_guards_updates_and_deletes(site: Site, place: dict) -> None:
    target = new_customer(site, place, None, "CV Versi")
    etag = site.call("admin", "GET", f"/customers/{target['id']}").headers["ETag"]
    r = site.call(
        "admin", "PATCH", f"/customers/{target['id']}", json={"name": "CV Versi 2"}, headers={"If-Match": etag}
    )
    assert r.status_code == 200 and r.headers["ETag"] != etag
    for method, body in (("PATCH", {"name": "CV Versi 3"}), ("PUT", {"name": "CV Versi 3"}), ("DELETE", None)):
        r = site.call("admin", method, f"/customers/{target['id']}", json=body, headers={"If-Match": etag})
        assert r.status_code == 412 and r.json()["code"] == "rest_precondition_failed", method
    assert site.one("SELECT name, status FROM wp_app_customers WHERE id = %s", [target["id"]]) == {
        "name": "CV Versi 2",
        "status": "active",
    }
    r = site.call(
        "admin", "PATCH", f"/customers/{target['id']}", json={"name": "CV Versi 3"}, headers={"If-Match": "*"}
    )
    assert r.status_code == 200


def test_concurrent_updates_with_the_same_if_match_exactly_one_wins(site: Site, place: dict) -> None:
    for round_ in range(4):
        target = new_customer(site, place, None, f"CV Balapan {round_}")
        etag = site.call("admin", "GET", f"/customers/{target['id']}").headers["ETag"]
        requests = [
            (
                "PATCH",
                f"/customers/{target['id']}",
                {"json": {"name": f"CV Pemenang {round_} {n}"}, "headers": {"If-Match": etag}},
            )
            for n in range(3)
        ]
        assert sorted(simultaneously(site, requests)) == [200, 412, 412]


# ---- customers: delete ----------------------------------------------------------------------------


def test_soft_delete_cascades_and_touches_nothing_else(site: Site, place: dict, free_users: list) -> None:
    site.set_hard_delete(False)
    customer = new_customer(site, place, free_users[2], "PT Hapus Lunak", regency=4)
    extra = site.call(
        "admin",
        "POST",
        "/branches",
        json={
            "customer_id": customer["id"],
            "name": "Cabang Lunak",
            "type": "cabang",
            "regency_id": place["regencies"][5]["id"],
            "user_id": free_users[3],
        },
    )
    assert extra.status_code == 201, extra.text
    before = site.snapshot()
    site.events()
    r = site.call("andi_budi", "DELETE", f"/customers/{customer['id']}")
    assert r.status_code == 404
    r = site.call("admin", "DELETE", f"/customers/{customer['id']}")
    assert r.status_code == 200
    assert r.json()["deleted"] is True and r.json()["previous"]["id"] == customer["id"]
    assert r.json()["previous"]["status"] == "active"
    after = site.snapshot()
    changed = {t: [row for row in after[t] if row not in before[t]] for t in after}
    assert [row[0] for row in changed["wp_app_customers"]] == [customer["id"]]
    assert len(changed["wp_app_customer_branches"]) == 2 and len(changed["wp_app_customer_employees"]) == 2
    assert site.one("SELECT status FROM wp_app_customers WHERE id = %s", [customer["id"]])["status"] == "inactive"
    assert {
        r["status"]
        for r in site.sql("SELECT status FROM wp_app_customer_branches WHERE customer_id = %s", [customer["id"]])
    } == {"inactive"}
    assert {
        r["status"]
        for r in site.sql("SELECT status FROM wp_app_customer_employees WHERE customer_id = %s", [customer["id"]])
    } == {"inactive"}
    names = [e["name"] for e in site.events()]
    assert names[:5] == [
        "wp_customer_before_delete",
        "wp_customer_customer_before_delete",
        "wp_customer_deletion_logged",
        "wp_customer_deleted",
        "wp_customer_customer_deleted",
    ]
    assert names[5:9] == [
        "wp_customer_branch_before_delete",
        "wp_customer_branch_deletion_logged",
        "wp_customer_branch_deleted",
        "wp_customer_branch_cleanup_completed",
    ]
    assert names[-2:] == ["wp_customer_cleanup_completed", "wp_customer_customer_cleanup_completed"]
    deleted = [
        e
        for e in site.sql(
            "SELECT payload FROM wp_wpbridge_outbox WHERE action = 'wp_customer_deleted' ORDER BY id DESC LIMIT 1"
        )
    ]
    assert json.loads(deleted[0]["payload"])["args"][2] is False


def test_hard_delete_per_option_removes_every_row(site: Site, place: dict, free_users: list) -> None:
    customer = new_customer(site, place, free_users[4], "PT Hapus Keras", regency=6)
    others = site.snapshot()
    site.set_hard_delete(True)
    try:
        r = site.call("admin", "DELETE", f"/customers/{customer['id']}")
    finally:
        site.set_hard_delete(False)
    assert r.status_code == 200 and r.json()["previous"]["branch_count"] == 1
    assert site.sql("SELECT id FROM wp_app_customers WHERE id = %s", [customer["id"]]) == []
    assert site.sql("SELECT id FROM wp_app_customer_branches WHERE customer_id = %s", [customer["id"]]) == []
    assert site.sql("SELECT id FROM wp_app_customer_employees WHERE customer_id = %s", [customer["id"]]) == []
    after = site.snapshot()
    for table in after:
        assert set(after[table]) <= set(others[table])
    assert [len(others[t]) - len(after[t]) for t in after] == [1, 1, 1]
    assert site.call("admin", "GET", f"/customers/{customer['id']}").status_code == 404


def test_who_may_delete_customers(site: Site, place: dict) -> None:
    customer = site.one("SELECT id FROM wp_app_customers WHERE user_id = %s", [site.users["andi_budi"]])["id"]
    for login, status in (
        ("andi_budi", 403),
        ("demo_branch_admin", 403),
        ("demo_platform_admin", 403),
        ("demo_agency_admin", 403),
        ("demo_subscriber", 404),
    ):
        r = site.call(login, "DELETE", f"/customers/{customer}")
        assert r.status_code == status, (login, r.text)
    assert site.one("SELECT status FROM wp_app_customers WHERE id = %s", [customer])["status"] == "active"


def test_a_failure_midway_leaves_no_partial_write(site: Site, place: dict, free_users: list) -> None:
    """A branch insert that fails inside the customer's transaction takes the customer and the
    outbox rows with it (a trigger makes the database refuse the head office)."""
    before, outbox = site.snapshot(), site.one("SELECT COUNT(*) AS n FROM wp_wpbridge_outbox")["n"]
    site.sql(
        "CREATE TRIGGER rest_test_refuse BEFORE INSERT ON wp_app_customer_branches FOR EACH ROW "
        "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by test'"
    )
    try:
        r = site.call(
            "admin",
            "POST",
            "/customers",
            json={
                "name": "PT Setengah",
                "user_id": free_users[5],
                "provinsi_id": place["province"]["id"],
                "regency_id": place["regencies"][7]["id"],
            },
        )
    finally:
        site.sql("DROP TRIGGER rest_test_refuse")
    assert r.status_code == 500 and r.json()["code"] == "rest_internal_error"
    assert site.snapshot() == before
    assert site.one("SELECT COUNT(*) AS n FROM wp_wpbridge_outbox")["n"] == outbox
