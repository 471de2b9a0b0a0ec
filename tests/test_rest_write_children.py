"""REST writes of branches and employees over real HTTP, on a database of their own: the
plugin's head-office rules, region → agency resolution, the branch/customer membership of
employees, the capabilities of each kind of user, cascades, and concurrent head offices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.paths import API
from tests.support.write_site import (
    Site,
    branch_body,
    employee_body,
    free_regency,
    new_customer,
    open_site,
    pick_free_users,
    pick_place,
    simultaneously,
)


@pytest.fixture(scope="module")
def site(make_database: Callable, start_bridge: Callable, tmp_path_factory: pytest.TempPathFactory) -> Site:
    return open_site(make_database, start_bridge, tmp_path_factory)


@pytest.fixture(scope="module")
def free_users(site: Site) -> list[int]:
    return pick_free_users(site)


@pytest.fixture(scope="module")
def place(site: Site) -> dict[str, Any]:
    return pick_place(site)


@pytest.fixture(scope="module")
def owner_customer(site: Site) -> dict[str, Any]:
    """andi_budi's customer and its branches: the pusat and the cabang of demo_branch_admin."""
    customer = site.one("SELECT * FROM wp_app_customers WHERE user_id = %s", [site.users["andi_budi"]])
    pusat = site.one(
        "SELECT * FROM wp_app_customer_branches WHERE customer_id = %s AND type = 'pusat'", [customer["id"]]
    )
    admin_branch = site.one(
        "SELECT * FROM wp_app_customer_branches WHERE user_id = %s", [site.users["demo_branch_admin"]]
    )
    assert admin_branch["customer_id"] == customer["id"]
    return {"customer": customer, "pusat": pusat, "admin_branch": admin_branch}


# ---- branches -------------------------------------------------------------------------------------


def test_owner_creates_a_branch_as_the_plugin_does(site: Site, owner_customer: dict, free_users: list) -> None:
    customer = owner_customer["customer"]
    regency = free_regency(site, customer["id"])
    site.events()
    r = site.call(
        "andi_budi",
        "POST",
        "/branches",
        json={
            "customer_id": customer["id"],
            "name": "Cabang Pemilik",
            "type": "cabang",
            "regency_id": regency["id"],
            "user_id": free_users[10],
            "email": "cabang@example.com",
            "phone": "+62 (21) 555-0101",
            "postal_code": "12190",
            "latitude": "-6.2",
            "longitude": 106.8,
            "nitku": "1234567890123",
            "address": "Jl. O'Neil \\\\ 5",
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["Location"].endswith(f"{API}/branches/{body['id']}")
    assert body["code"].startswith(customer["code"] + "-") and body["created_by"] == site.users["andi_budi"]
    assert body["provinsi_id"] == regency["province_id"] and body["address"] == "Jl. O'Neil \\\\ 5"
    assert body["latitude"] == -6.2 and body["customer_name"] == customer["name"]
    agency = site.one(
        "SELECT id FROM wp_app_agencies WHERE provinsi_code = %s ORDER BY id LIMIT 1", [regency["province_code"]]
    )
    assert body["agency_id"] == agency["id"] and body["division_id"] is not None and body["agency_name"]
    division = site.one("SELECT agency_id FROM wp_app_agency_divisions WHERE id = %s", [body["division_id"]])
    assert division["agency_id"] == agency["id"]
    if body["inspector_id"] is not None:
        caps = site.one(
            "SELECT meta_value FROM wp_usermeta WHERE user_id = %s AND meta_key = 'wp_capabilities'",
            [body["inspector_id"]],
        )
        assert "agency_pengawas" in caps["meta_value"]
    employee = site.one("SELECT * FROM wp_app_customer_employees WHERE branch_id = %s", [body["id"]])
    assert (employee["user_id"], employee["position"], employee["customer_id"]) == (
        free_users[10],
        "Branch Manager",
        customer["id"],
    )
    assert [e["name"] for e in site.events()] == ["wp_customer_branch_created", "wp_customer_employee_created"]


def test_head_office_rules(site: Site, place: dict) -> None:
    customer = new_customer(site, place, None, "CV Kantor Pusat")
    first = branch_body(site, customer["id"], "Cabang Satu")
    r = site.call("admin", "POST", "/branches", json=first)
    assert r.status_code == 400 and r.json()["data"]["params"] == {"type": "Cabang pertama harus bertipe kantor pusat"}
    r = site.call("admin", "POST", "/branches", json={**first, "type": "pusat"})
    assert r.status_code == 201, r.text
    pusat = r.json()
    r = site.call("admin", "POST", "/branches", json=branch_body(site, customer["id"], "Pusat Kedua", type="pusat"))
    assert r.status_code == 409 and r.json()["data"]["params"] == {"type": "Customer ini sudah memiliki kantor pusat."}
    r = site.call("admin", "POST", "/branches", json=branch_body(site, customer["id"], "Cabang Dua"))
    assert r.status_code == 201
    cabang = r.json()
    r = site.call("admin", "PATCH", f"/branches/{pusat['id']}", json={"type": "cabang"})
    assert r.status_code == 409 and "kantor pusat terakhir" in r.json()["data"]["params"]["type"]
    r = site.call("admin", "PATCH", f"/branches/{cabang['id']}", json={"type": "pusat"})
    assert r.status_code == 409 and r.json()["data"]["params"]["type"] == "Customer ini sudah memiliki kantor pusat."
    r = site.call("admin", "DELETE", f"/branches/{pusat['id']}")
    assert r.status_code == 409
    assert r.json()["data"]["params"]["type"] == "Tidak dapat menghapus kantor pusat karena masih ada cabang aktif"
    assert site.call("admin", "DELETE", f"/branches/{cabang['id']}").status_code == 200
    r = site.call("admin", "DELETE", f"/branches/{pusat['id']}")
    assert r.status_code == 200 and r.json()["deleted"] is True and r.json()["previous"]["type"] == "pusat"


def test_concurrent_head_offices_only_one_is_created(site: Site, place: dict) -> None:
    customer = new_customer(site, place, None, "CV Dua Pusat")
    bodies = [branch_body(site, customer["id"], f"Pusat {n}", type="pusat") for n in range(3)]
    assert sorted(simultaneously(site, [("POST", "/branches", {"json": body}) for body in bodies])) == [201, 409, 409]
    assert len(site.sql("SELECT id FROM wp_app_customer_branches WHERE customer_id = %s", [customer["id"]])) == 1


def test_branch_uniqueness_within_the_customer(site: Site, owner_customer: dict, place: dict) -> None:
    customer = owner_customer["customer"]
    pusat = owner_customer["pusat"]
    r = site.call("admin", "POST", "/branches", json=branch_body(site, customer["id"], pusat["name"]))
    assert r.status_code == 409 and r.json()["data"]["params"] == {"name": "Nama cabang sudah ada dalam customer ini."}
    r = site.call(
        "admin",
        "POST",
        "/branches",
        json={**branch_body(site, customer["id"], "Cabang Regensi Sama"), "regency_id": pusat["regency_id"]},
    )
    assert r.status_code == 409 and r.json()["data"]["params"] == {
        "regency_id": "Customer ini sudah memiliki cabang di kabupaten/kota ini."
    }
    other = new_customer(site, place, None, "CV Nama Sama")
    site.call("admin", "POST", "/branches", json=branch_body(site, other["id"], "Pusat", type="pusat"))
    r = site.call("admin", "POST", "/branches", json=branch_body(site, other["id"], pusat["name"]))
    assert r.status_code == 201


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"customer_id": None}, "customer_id", "customer_id must not be null."),
        ({"name": ""}, "name", "Nama cabang wajib diisi."),
        ({"name": "n" * 101}, "name", "Nama cabang maksimal 100 karakter."),
        ({"type": None}, "type", "type must not be null."),
        ({"type": "gudang"}, "type", "Tipe cabang tidak valid."),
        ({"email": "bukan-email"}, "email", "Format email tidak valid."),
        ({"email": "a@b"}, "email", "Format email tidak valid."),
        ({"phone": "0812-ABC"}, "phone", "Format nomor telepon tidak valid."),
        ({"phone": "0" * 21}, "phone", "Nomor telepon maksimal 20 karakter."),
        ({"postal_code": "1234"}, "postal_code", "Kode pos harus 5 digit."),
        ({"nitku": "12ab"}, "nitku", None),
        ({"latitude": 91}, "latitude", "Latitude harus di antara -90 dan 90."),
        ({"longitude": "-181"}, "longitude", "Longitude harus di antara -180 dan 180."),
        ({"latitude": "north"}, "latitude", "latitude is not of type number."),
        ({"address": "a" * 1001}, "address", "Alamat maksimal 1000 karakter."),
        ({"user_id": 99999999}, "user_id", "User WordPress tidak ditemukan."),
        ({"inspector_id": 99999999}, "inspector_id", "User WordPress tidak ditemukan."),
        ({"regency_id": 99999999}, "regency_id", "Kabupaten/kota tidak ditemukan."),
        ({"agency_id": 99999999}, "agency_id", "Agency tidak ditemukan."),
        ({"customer_id": 99999999}, "customer_id", "Customer tidak ditemukan."),
        ({"code": "X-01"}, "code", "code is read-only."),
        ({"status": "archived"}, "status", "Invalid status value"),
    ],
)
def test_branch_validation(site: Site, owner_customer: dict, extra: dict, field: str, message: str | None) -> None:
    body = {**branch_body(site, owner_customer["customer"]["id"], "Cabang Validasi"), **extra}
    body = {k: v for k, v in body.items() if not (k == "customer_id" and v is None and "customer_id" not in extra)}
    before = site.snapshot()
    r = site.call("admin", "POST", "/branches", json=body)
    assert r.status_code == 400, r.text
    assert field in r.json()["data"]["params"], r.json()
    if message:
        assert r.json()["data"]["params"][field] == message
    assert site.snapshot() == before


def test_branch_agency_and_division_must_belong_together(site: Site, owner_customer: dict) -> None:
    agencies = site.sql("SELECT id FROM wp_app_agencies ORDER BY id LIMIT 2")
    division = site.one("SELECT id FROM wp_app_agency_divisions WHERE agency_id = %s LIMIT 1", [agencies[1]["id"]])
    body = branch_body(
        site, owner_customer["customer"]["id"], "Cabang Silang", agency_id=agencies[0]["id"], division_id=division["id"]
    )
    r = site.call("admin", "POST", "/branches", json=body)
    assert r.status_code == 400 and r.json()["data"]["params"] == {
        "division_id": "Division tidak ditemukan dalam agency ini."
    }


@pytest.mark.parametrize(
    ("login", "status"),
    [
        ("demo_branch_admin", 403),
        ("demo_employee", 403),
        ("demo_agency_admin", 403),
        ("demo_pengawas", 403),
        ("demo_platform_viewer", 403),
        ("demo_subscriber", 400),
        ("demo_platform_admin", 201),
        ("andi_budi", 201),
    ],
)
def test_who_may_create_branches(site: Site, owner_customer: dict, login: str, status: int) -> None:
    customer = owner_customer["customer"]["id"]
    r = site.call(login, "POST", "/branches", json=branch_body(site, customer, f"Cabang {login}"))
    assert r.status_code == status, (login, r.text)
    if status == 400:
        assert r.json()["data"]["params"]["customer_id"] == "Customer tidak ditemukan."


def test_branch_updates_and_who_may_make_them(site: Site, owner_customer: dict) -> None:
    mine, pusat = owner_customer["admin_branch"], owner_customer["pusat"]
    r = site.call("demo_branch_admin", "PATCH", f"/branches/{mine['id']}", json={"phone": "021-555"})
    assert r.status_code == 200 and r.json()["phone"] == "021-555"
    for login, status in (
        ("demo_branch_admin", 403),
        ("demo_employee", 403),
        ("demo_agency_admin", 403),
        ("demo_subscriber", 404),
    ):
        r = site.call(login, "PATCH", f"/branches/{pusat['id']}", json={"phone": "000"})
        assert r.status_code == status, (login, r.text)
    r = site.call("andi_budi", "PATCH", f"/branches/{pusat['id']}", json={"customer_id": 1})
    assert r.status_code == 400 and r.json()["data"]["params"] == {"customer_id": "customer_id cannot be changed."}
    regency = free_regency(site, owner_customer["customer"]["id"])
    site.events()
    r = site.call("andi_budi", "PATCH", f"/branches/{mine['id']}", json={"regency_id": regency["id"]})
    assert r.status_code == 200, r.text
    agency = site.one(
        "SELECT id FROM wp_app_agencies WHERE provinsi_code = %s ORDER BY id LIMIT 1", [regency["province_code"]]
    )
    assert r.json()["agency_id"] == agency["id"] and r.json()["provinsi_id"] == regency["province_id"]
    updated = site.events()
    assert [e["name"] for e in updated] == ["wp_customer_branch_updated"]
    assert (
        updated[0]["args"][1]["regency_id"] == mine["regency_id"]
        and updated[0]["args"][2]["regency_id"] == regency["id"]
    )


def test_branch_delete_permissions_and_cascade(site: Site, owner_customer: dict, free_users: list) -> None:
    customer = owner_customer["customer"]["id"]
    r = site.call(
        "andi_budi", "POST", "/branches", json=branch_body(site, customer, "Cabang Hapus", user_id=free_users[11])
    )
    assert r.status_code == 201
    branch = r.json()
    staff = site.call(
        "andi_budi",
        "POST",
        "/employees",
        json={
            "customer_id": customer,
            "branch_id": branch["id"],
            "user_id": free_users[12],
            "name": "Staf Hapus",
            "position": "Staf",
            "email": "staf.hapus@example.com",
            "finance": True,
        },
    )
    assert staff.status_code == 201, staff.text
    for login, status in (("demo_branch_admin", 403), ("demo_employee", 403), ("demo_platform_admin", 403)):
        assert site.call(login, "DELETE", f"/branches/{branch['id']}").status_code == status, login
    before = site.snapshot()
    r = site.call("andi_budi", "DELETE", f"/branches/{branch['id']}")
    assert r.status_code == 200 and r.json()["previous"]["id"] == branch["id"]
    statuses = site.sql("SELECT status FROM wp_app_customer_employees WHERE branch_id = %s", [branch["id"]])
    assert len(statuses) == 2 and {s["status"] for s in statuses} == {"inactive"}
    after = site.snapshot()
    assert sum(row not in before[t] for t in after for row in after[t]) == 3


# ---- employees ------------------------------------------------------------------------------------


def test_owner_creates_an_employee(site: Site, owner_customer: dict, free_users: list) -> None:
    customer, branch = owner_customer["customer"]["id"], owner_customer["pusat"]["id"]
    site.events()
    r = site.call(
        "andi_budi",
        "POST",
        "/employees",
        json=employee_body(customer, branch, free_users[13], "satu", legal=True, purchase="0", keterangan="Kontrak"),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["operation"], body["legal"], body["purchase"], body["finance"]) == (True, True, False, False)
    assert body["created_by"] == site.users["andi_budi"] and body["status"] == "active"
    assert (
        body["branch_name"] == owner_customer["pusat"]["name"]
        and body["customer_name"] == owner_customer["customer"]["name"]
    )
    events = site.events()
    assert [e["name"] for e in events] == ["wp_customer_employee_created"] and events[0]["args"][1][
        "user_id"
    ] == free_users[13]


@pytest.mark.parametrize(
    ("extra", "field", "message", "status"),
    [
        ({"name": ""}, "name", "Nama karyawan wajib diisi.", 400),
        ({"name": "n" * 101}, "name", "Nama karyawan maksimal 100 karakter.", 400),
        ({"email": ""}, "email", "Email wajib diisi.", 400),
        ({"email": "karyawan@"}, "email", "Format email tidak valid.", 400),
        ({"position": None}, "position", "Jabatan wajib diisi.", 400),
        ({"position": "p" * 101}, "position", "Jabatan maksimal 100 karakter.", 400),
        ({"phone": "08xx"}, "phone", "Format nomor telepon tidak valid.", 400),
        ({"phone": "1" * 21}, "phone", "Nomor telepon maksimal 20 karakter.", 400),
        ({"keterangan": "k" * 201}, "keterangan", "Keterangan maksimal 200 karakter.", 400),
        ({"operation": "0"}, "departments", "Minimal satu departemen harus dipilih.", 400),
        ({"finance": "maybe"}, "finance", "finance is not of type boolean.", 400),
        ({"user_id": 99999999}, "user_id", "User WordPress tidak ditemukan.", 400),
        ({"user_id": None}, "user_id", "user_id must not be null.", 400),
        ({"branch_id": 99999999}, "branch_id", "Cabang tidak ditemukan.", 400),
        ({"customer_id": 99999999}, "customer_id", "Customer tidak ditemukan.", 400),
        ({"email": "demo_employee_row"}, "email", "Email sudah digunakan.", 409),
    ],
)
def test_employee_validation(
    site: Site, owner_customer: dict, free_users: list, extra: dict, field: str, message: str, status: int
) -> None:
    if extra.get("email") == "demo_employee_row":
        extra = {"email": site.one("SELECT email FROM wp_app_customer_employees ORDER BY id LIMIT 1")["email"].upper()}
    body = {
        **employee_body(owner_customer["customer"]["id"], owner_customer["pusat"]["id"], free_users[14], "validasi"),
        **extra,
    }
    before = site.snapshot()
    r = site.call("andi_budi", "POST", "/employees", json=body)
    assert r.status_code == status, r.text
    assert r.json()["data"]["params"][field] == message
    assert site.snapshot() == before


def test_employee_branch_must_belong_to_its_customer(site: Site, owner_customer: dict, free_users: list) -> None:
    foreign = site.one(
        "SELECT id FROM wp_app_customer_branches WHERE customer_id <> %s ORDER BY id LIMIT 1",
        [owner_customer["customer"]["id"]],
    )
    body = employee_body(owner_customer["customer"]["id"], foreign["id"], free_users[14], "asing")
    r = site.call("admin", "POST", "/employees", json=body)
    assert r.status_code == 400 and r.json()["data"]["params"] == {
        "branch_id": "Cabang tidak termasuk dalam customer ini."
    }
    employee = site.one(
        "SELECT id FROM wp_app_customer_employees WHERE customer_id = %s ORDER BY id LIMIT 1",
        [owner_customer["customer"]["id"]],
    )
    r = site.call("admin", "PATCH", f"/employees/{employee['id']}", json={"branch_id": foreign["id"]})
    assert r.status_code == 400 and r.json()["data"]["params"] == {
        "branch_id": "Cabang tidak termasuk dalam customer ini."
    }


@pytest.mark.parametrize(
    ("login", "branch", "status"),
    [
        ("demo_branch_admin", "admin_branch", 201),
        ("demo_branch_admin", "pusat", 403),
        ("demo_employee", "pusat", 403),
        ("demo_agency_admin", "pusat", 403),
        ("demo_platform_admin", "pusat", 403),
        ("demo_platform_viewer", "pusat", 403),
        ("demo_subscriber", "pusat", 400),
        ("admin", "pusat", 201),
    ],
)
def test_who_may_create_employees(
    site: Site, owner_customer: dict, free_users: list, login: str, branch: str, status: int
) -> None:
    body = employee_body(
        owner_customer["customer"]["id"], owner_customer[branch]["id"], free_users[15], f"{login}.{branch}"
    )
    r = site.call(login, "POST", "/employees", json=body)
    assert r.status_code == status, (login, r.text)


def test_employee_updates_and_deletes_by_role(site: Site, owner_customer: dict, free_users: list) -> None:
    customer, mine = owner_customer["customer"]["id"], owner_customer["admin_branch"]["id"]
    r = site.call("andi_budi", "POST", "/employees", json=employee_body(customer, mine, free_users[16], "cabang"))
    assert r.status_code == 201
    employee = r.json()
    site.events()
    r = site.call(
        "demo_branch_admin", "PATCH", f"/employees/{employee['id']}", json={"position": "Supervisor", "finance": True}
    )
    assert r.status_code == 200 and r.json()["position"] == "Supervisor"
    updated = site.events()
    assert [e["name"] for e in updated] == ["wp_customer_employee_updated"]
    assert (
        updated[0]["args"][1] == {"position": "Supervisor", "finance": True}
        and updated[0]["args"][2]["position"] == "Supervisor"
    )
    r = site.call(
        "demo_branch_admin", "PATCH", f"/employees/{employee['id']}", json={"finance": False, "operation": False}
    )
    assert r.status_code == 400 and r.json()["data"]["params"] == {
        "departments": "Minimal satu departemen harus dipilih."
    }
    for login in ("demo_employee", "demo_agency_admin", "demo_platform_viewer", "demo_subscriber"):
        status = 403 if site.call(login, "GET", f"/employees/{employee['id']}").status_code == 200 else 404
        assert (
            site.call(login, "PATCH", f"/employees/{employee['id']}", json={"position": "X"}).status_code == status
        ), login
        assert site.call(login, "DELETE", f"/employees/{employee['id']}").status_code == status, login
    to_pusat = {"branch_id": owner_customer["pusat"]["id"]}
    r = site.call("demo_branch_admin", "PATCH", f"/employees/{employee['id']}", json=to_pusat)
    assert r.status_code == 403, "a branch admin may not move staff into a branch they cannot add staff to"
    r = site.call("andi_budi", "PATCH", f"/employees/{employee['id']}", json=to_pusat)
    assert r.status_code == 200 and r.json()["branch_id"] == owner_customer["pusat"]["id"]
    assert site.call("demo_branch_admin", "DELETE", f"/employees/{employee['id']}").status_code == 404
    site.call("andi_budi", "PATCH", f"/employees/{employee['id']}", json={"branch_id": mine})
    r = site.call("demo_branch_admin", "DELETE", f"/employees/{employee['id']}")
    assert r.status_code == 200 and r.json() == {"deleted": True, "previous": r.json()["previous"]}
    assert (
        site.one("SELECT status FROM wp_app_customer_employees WHERE id = %s", [employee["id"]])["status"] == "inactive"
    )
    names = [e["name"] for e in site.events()]
    assert names[-4:] == [
        "wp_customer_employee_before_delete",
        "wp_customer_employee_before_delete_processing",
        "wp_customer_employee_deleted",
        "wp_customer_employee_cleanup_completed",
    ]
    site.set_hard_delete(True)
    try:
        assert site.call("admin", "DELETE", f"/employees/{employee['id']}").status_code == 200
    finally:
        site.set_hard_delete(False)
    assert site.sql("SELECT id FROM wp_app_customer_employees WHERE id = %s", [employee["id"]]) == []


def test_employee_email_uniqueness_on_update(site: Site, owner_customer: dict) -> None:
    rows = site.sql(
        "SELECT id, email FROM wp_app_customer_employees WHERE customer_id = %s ORDER BY id LIMIT 2",
        [owner_customer["customer"]["id"]],
    )
    r = site.call("andi_budi", "PATCH", f"/employees/{rows[0]['id']}", json={"email": rows[1]["email"]})
    assert r.status_code == 409 and r.json()["data"]["params"] == {"email": "Email sudah digunakan."}
    r = site.call("andi_budi", "PATCH", f"/employees/{rows[0]['id']}", json={"email": rows[0]["email"]})
    assert r.status_code == 200


def test_an_owner_employed_elsewhere_cannot_edit_that_customers_branches(site: Site, owner_customer: dict) -> None:
    """customer_admin holds edit_all_customer_branches for its own customer; as mere staff of
    another customer it gets no more than the plugin gives staff."""
    other = site.one(
        "SELECT b.id, b.customer_id FROM wp_app_customer_branches b JOIN wp_app_customers c ON c.id = b.customer_id "
        "WHERE c.status = 'active' AND b.customer_id <> %s ORDER BY b.id LIMIT 1",
        [owner_customer["customer"]["id"]],
    )
    body = employee_body(other["customer_id"], other["id"], site.users["andi_budi"], "andi.lain")
    assert site.call("admin", "POST", "/employees", json=body).status_code == 201
    branch = site.call("andi_budi", "GET", f"/branches/{other['id']}")
    assert branch.status_code == 200 and branch.json()["permissions"]["edit"] is False
    assert site.call("andi_budi", "PATCH", f"/branches/{other['id']}", json={"phone": "0"}).status_code == 403
    assert site.call("andi_budi", "PATCH", f"/customers/{other['customer_id']}", json={"name": "X"}).status_code == 403
