"""Writes that repeat nothing, over real HTTP on a database of their own:

* a second DELETE of a soft-deleted customer, branch or employee answers 410
  ``rest_already_trashed`` as WordPress does for a trashed post, with no cascade, no actions and
  no outbox rows; a hard delete (the site's option, WordPress's ``force=true``) still removes it;
* ``POST …?_method=DELETE`` and ``X-HTTP-Method-Override: DELETE`` act as the real DELETE, with
  its permission checks, on every route, and never turn a GET or a DataTables read into a write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.paths import API
from tests.support.server import signed_headers
from tests.support.write_site import Site, new_customer, open_site, pick_free_users, pick_place, simultaneously

STALE = {"If-Match": '"0000000000000000000000000000dead"'}


@pytest.fixture(scope="module")
def site(make_database: Callable, start_bridge: Callable, tmp_path_factory: pytest.TempPathFactory) -> Site:
    return open_site(make_database, start_bridge, tmp_path_factory)


@pytest.fixture(scope="module")
def users(site: Site) -> Iterator[int]:
    """WordPress users with no customer-side rows, handed out one at a time."""
    return iter(pick_free_users(site))


@pytest.fixture(scope="module")
def place(site: Site) -> dict[str, Any]:
    return pick_place(site)


_regencies = iter(range(100))


def customer_with_family(site: Site, place: dict, users: Iterator[int], name: str) -> dict[str, Any]:
    """A customer with its head office, a cabang (with its admin) and one more employee there."""
    customer = new_customer(site, place, next(users), name, regency=next(_regencies) % len(place["regencies"]))
    regency = site.one(
        "SELECT r.id FROM wp_wi_regencies r WHERE r.province_id = %s AND r.id NOT IN "
        "(SELECT regency_id FROM wp_app_customer_branches WHERE customer_id = %s) ORDER BY r.id LIMIT 1",
        [place["province"]["id"], customer["id"]],
    )["id"]
    body = {"customer_id": customer["id"], "name": f"{name} Cabang", "type": "cabang", "regency_id": regency}
    branch = site.call("admin", "POST", "/branches", json={**body, "user_id": next(users)})
    assert branch.status_code == 201, branch.text
    employee = site.call(
        "admin",
        "POST",
        "/employees",
        json={
            "customer_id": customer["id"],
            "branch_id": branch.json()["id"],
            "user_id": next(users),
            "name": f"Staf {name}",
            "position": "Staf",
            "email": f"staf.{customer['id']}@example.com",
            "finance": True,
        },
    )
    assert employee.status_code == 201, employee.text
    return {"customer": customer, "branch": branch.json(), "employee": employee.json()}


def outbox_count(site: Site) -> int:
    return int(site.one("SELECT COUNT(*) AS n FROM wp_wpbridge_outbox")["n"])


def revive(site: Site, table: str, row_id: int) -> None:
    """Make a soft-deleted child active again with a known ``updated_at``, behind the bridge's back."""
    site.sql(f"UPDATE wp_app_{table} SET status = 'active', updated_at = '2001-02-03 04:05:06' WHERE id = %s", [row_id])


def row(site: Site, table: str, row_id: int) -> dict[str, Any]:
    return site.one(f"SELECT status, updated_at FROM wp_app_{table} WHERE id = %s", [row_id])


def assert_already_trashed(response: Any, entity: str) -> None:
    assert response.status_code == 410, response.text
    body = response.json()
    assert body["data"].pop("request_id") == response.headers["X-Request-Id"]
    assert body == {
        "code": "rest_already_trashed",
        "message": f"The {entity} has already been deleted.",
        "data": {"status": 410},
    }


# ---- a second delete of a soft-deleted row --------------------------------------------------------


def test_second_customer_delete_is_410_without_cascade_actions_or_outbox_rows(
    site: Site, place: dict, users: Iterator[int]
) -> None:
    """The first soft delete cascades; a branch is then made active again (as an admin's edit
    would). The second delete must answer 410 and leave that branch, its employee, the customer's
    row and the outbox exactly as they were, with no lifecycle action fired."""
    site.set_hard_delete(False)
    family = customer_with_family(site, place, users, "PT Hapus Dua Kali")
    customer, branch, employee = family["customer"]["id"], family["branch"]["id"], family["employee"]["id"]
    assert site.call("admin", "DELETE", f"/customers/{customer}").status_code == 200
    assert row(site, "customer_branches", branch)["status"] == "inactive"
    revive(site, "customer_branches", branch)
    revive(site, "customer_employees", employee)
    before = (site.snapshot(), outbox_count(site))
    site.events()

    assert_already_trashed(site.call("admin", "DELETE", f"/customers/{customer}"), "customer")
    assert_already_trashed(site.call("admin", "DELETE", f"/customers/{customer}", headers=STALE), "customer")

    assert (site.snapshot(), outbox_count(site)) == before
    assert site.events() == []
    assert str(row(site, "customer_branches", branch)["updated_at"]) == "2001-02-03 04:05:06"
    assert row(site, "customer_employees", employee)["status"] == "active"


def test_second_branch_and_employee_delete_are_410(site: Site, place: dict, users: Iterator[int]) -> None:
    """The same for the two child resources: nothing cascades, nothing is queued."""
    site.set_hard_delete(False)
    family = customer_with_family(site, place, users, "PT Cabang Dua Kali")
    branch, employee = family["branch"]["id"], family["employee"]["id"]
    assert site.call("admin", "DELETE", f"/branches/{branch}").status_code == 200
    revive(site, "customer_employees", employee)
    before = (site.snapshot(), outbox_count(site))
    site.events()
    assert_already_trashed(site.call("admin", "DELETE", f"/branches/{branch}"), "branch")
    assert (site.snapshot(), outbox_count(site)) == before and site.events() == []

    assert site.call("admin", "DELETE", f"/employees/{employee}").status_code == 200
    before = (site.snapshot(), outbox_count(site))
    site.events()
    assert_already_trashed(site.call("admin", "DELETE", f"/employees/{employee}"), "employee")
    assert (site.snapshot(), outbox_count(site)) == before and site.events() == []


def test_two_simultaneous_deletes_queue_the_events_once(site: Site, place: dict, users: Iterator[int]) -> None:
    """The check runs under the row lock: of two racing deletes one succeeds and one is 410."""
    site.set_hard_delete(False)
    customer = customer_with_family(site, place, users, "PT Balapan Hapus")["customer"]["id"]
    start = int(site.one("SELECT COALESCE(MAX(id), 0) AS n FROM wp_wpbridge_outbox")["n"])
    statuses = simultaneously(site, [("DELETE", f"/customers/{customer}", {})] * 2)
    assert sorted(statuses) == [200, 410]
    deleted = site.sql(
        "SELECT id FROM wp_wpbridge_outbox WHERE id > %s AND action = 'wp_customer_deleted' AND entity_id = %s",
        [start, customer],
    )
    assert len(deleted) == 1


def test_hard_delete_removes_a_soft_deleted_customer_for_good(site: Site, place: dict, users: Iterator[int]) -> None:
    """With the site's hard-delete option on, every delete is WordPress's ``force=true``: a row
    soft-deleted earlier is removed, with its branches and employees, and the actions say so."""
    site.set_hard_delete(False)
    family = customer_with_family(site, place, users, "PT Hapus Lalu Keras")
    customer = family["customer"]["id"]
    assert site.call("admin", "DELETE", f"/customers/{customer}").status_code == 200
    site.events()
    site.set_hard_delete(True)
    try:
        r = site.call("admin", "DELETE", f"/customers/{customer}")
    finally:
        site.set_hard_delete(False)
    assert r.status_code == 200, r.text
    assert r.json()["deleted"] is True and r.json()["previous"]["status"] == "inactive"
    assert site.sql("SELECT id FROM wp_app_customers WHERE id = %s", [customer]) == []
    assert site.sql("SELECT id FROM wp_app_customer_branches WHERE customer_id = %s", [customer]) == []
    assert site.sql("SELECT id FROM wp_app_customer_employees WHERE customer_id = %s", [customer]) == []
    deleted = [e for e in site.events() if e["name"] == "wp_customer_deleted"]
    assert len(deleted) == 1 and deleted[0]["args"][2] is True
    assert site.call("admin", "DELETE", f"/customers/{customer}").status_code == 404


def test_who_may_not_delete_gets_their_answer_before_the_410(site: Site, place: dict, users: Iterator[int]) -> None:
    """Permissions come first, as in WordPress: a caller who may not delete the row learns
    nothing about whether it was deleted already."""
    site.set_hard_delete(False)
    family = customer_with_family(site, place, users, "PT Hapus Tanpa Hak")
    customer = family["customer"]["id"]
    assert site.call("admin", "DELETE", f"/customers/{customer}").status_code == 200
    assert site.call(None, "DELETE", f"/customers/{customer}").status_code == 401
    assert site.call("demo_subscriber", "DELETE", f"/customers/{customer}").status_code == 404
    assert site.call("demo_platform_admin", "DELETE", f"/customers/{customer}").status_code == 403


# ---- method override ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "how",
    [
        {"params": {"_method": "DELETE"}},
        {"params": {"_method": "delete"}},
        {"headers": {"X-HTTP-Method-Override": "DELETE"}},
        {"headers": {"X-HTTP-Method-Override": "Delete"}},
    ],
    ids=["query", "query-lower", "header", "header-mixed"],
)
def test_post_with_a_delete_override_deletes(site: Site, place: dict, users: Iterator[int], how: dict) -> None:
    """``POST /customers/N`` with ``_method=DELETE`` or the header is a DELETE (the name in any
    case): the answer, the soft delete with its cascade and the outbox are the real DELETE's."""
    site.set_hard_delete(False)
    family = customer_with_family(site, place, users, f"PT Timpa {next(_regencies)}")
    customer = family["customer"]["id"]
    start = int(site.one("SELECT COALESCE(MAX(id), 0) AS n FROM wp_wpbridge_outbox")["n"])
    r = site.call("admin", "POST", f"/customers/{customer}", json={"name": "Tidak Dipakai"}, **how)
    assert r.status_code == 200, r.text
    assert r.json()["deleted"] is True and r.json()["previous"]["id"] == customer
    assert r.json()["previous"]["name"] == family["customer"]["name"]
    assert row(site, "customers", customer)["status"] == "inactive"
    assert row(site, "customer_branches", family["branch"]["id"])["status"] == "inactive"
    actions = {o["action"] for o in site.sql("SELECT action FROM wp_wpbridge_outbox WHERE id > %s", [start])}
    assert {"wp_customer_deleted", "wp_customer_branch_deleted"} <= actions
    assert_already_trashed(site.call("admin", "POST", f"/customers/{customer}", **how), "customer")


@pytest.mark.parametrize("resource", ["customers", "branches", "employees"])
def test_overridden_delete_has_the_permission_checks_of_delete(site: Site, resource: str) -> None:
    """Every caller gets from the override exactly what DELETE gives them (401, 404, 403, or
    for those allowed the stale If-Match's 412), and no row changes."""
    of_user = {
        "customers": "SELECT id FROM wp_app_customers WHERE user_id = %s ORDER BY id LIMIT 1",
        "branches": "SELECT id FROM wp_app_customer_branches WHERE user_id = %s ORDER BY id LIMIT 1",
        "employees": "SELECT id FROM wp_app_customer_employees WHERE user_id = %s ORDER BY id LIMIT 1",
    }[resource]
    owner = "andi_budi" if resource == "customers" else "demo_branch_admin"
    row_id = site.one(of_user, [site.users[owner]])["id"]
    before = site.snapshot()
    path = f"/{resource}/{row_id}"
    for login in (
        None,
        "admin",
        "demo_platform_admin",
        "demo_agency_admin",
        "andi_budi",
        "demo_branch_admin",
        "demo_employee",
        "demo_subscriber",
    ):
        real = site.call(login, "DELETE", path, headers=STALE)
        by_query = site.call(login, "POST", path, params={"_method": "DELETE"}, headers=STALE)
        by_header = site.call(login, "POST", path, headers={**STALE, "X-HTTP-Method-Override": "DELETE"})
        assert real.status_code in (401, 403, 404, 412), (login, real.text)
        assert (by_query.status_code, by_query.json()["code"]) == (real.status_code, real.json()["code"]), login
        assert (by_header.status_code, by_header.json()["code"]) == (real.status_code, real.json()["code"]), login
    assert site.snapshot() == before


def test_query_override_wins_over_the_header(site: Site, place: dict, users: Iterator[int]) -> None:
    """As in WordPress, ``_method`` is used when present and the header only otherwise."""
    customer = new_customer(site, place, next(users), "PT Dua Penimpa", regency=next(_regencies) % 8)["id"]
    r = site.call(
        "admin",
        "POST",
        f"/customers/{customer}",
        params={"_method": "PATCH"},
        headers={"X-HTTP-Method-Override": "DELETE"},
        json={"name": "PT Dua Penimpa Baru"},
    )
    assert r.status_code == 200 and r.json()["name"] == "PT Dua Penimpa Baru", r.text
    before = site.snapshot()
    r = site.call(
        "admin",
        "POST",
        f"/customers/{customer}",
        params={"_method": "GET"},
        headers={"X-HTTP-Method-Override": "DELETE"},
        json={"name": "Tidak Dipakai"},
    )
    assert r.status_code == 200 and r.json()["name"] == "PT Dua Penimpa Baru", r.text
    assert site.snapshot() == before and row(site, "customers", customer)["status"] == "active"


def test_override_is_honoured_on_post_only(site: Site, place: dict, users: Iterator[int]) -> None:
    """A GET (or a PATCH) stays what it is: a link, a prefetcher or a cache can never delete."""
    customer = new_customer(site, place, next(users), "PT Hanya POST", regency=next(_regencies) % 8)["id"]
    before = site.snapshot()
    r = site.call("admin", "GET", f"/customers/{customer}", params={"_method": "DELETE"})
    assert r.status_code == 200 and r.json()["id"] == customer
    r = site.call("admin", "GET", f"/customers/{customer}", headers={"X-HTTP-Method-Override": "DELETE"})
    assert r.status_code == 200 and r.json()["id"] == customer
    r = site.call("admin", "PATCH", f"/customers/{customer}", params={"_method": "DELETE"}, json={})
    assert r.status_code == 200 and "deleted" not in r.json()
    assert site.snapshot() == before


def test_override_to_a_method_the_route_lacks_is_rest_no_route(site: Site) -> None:
    """The route is chosen by the overriding method: none there → WordPress's 404
    ``rest_no_route``; a repeated ``_method`` is refused rather than guessed."""
    customer = site.one("SELECT id FROM wp_app_customers ORDER BY id LIMIT 1")["id"]
    before = site.snapshot()
    for path, how in (
        ("/customers", {"params": {"_method": "DELETE"}}),
        (f"/customers/{customer}", {"params": {"_method": "FROB"}}),
        (f"/customers/{customer}", {"params": {"_method": ""}}),
        ("/users/me", {"headers": {"X-HTTP-Method-Override": "DELETE"}}),
        ("/statistics/customers", {"params": {"_method": "PUT"}}),
    ):
        r = site.call("admin", "POST", path, **how)
        assert (r.status_code, r.json()["code"]) == (404, "rest_no_route"), (path, how, r.text)
    r = site.call("admin", "POST", f"/customers/{customer}?_method=DELETE&_method=PATCH")
    assert r.status_code == 400 and r.json()["data"]["params"] == {"_method": "_method must be a single method name."}
    # refused before any route is chosen, yet answered like any error, with its request id
    assert r.headers.get("x-request-id"), dict(r.headers)
    r = site.call("admin", "POST", f"/customers/{customer}?_method[]=DELETE")
    assert r.status_code == 400 and r.json()["code"] == "rest_invalid_param"
    r = site.call("admin", "POST", "/users/me", params={"_method": "get"})
    assert r.status_code == 200 and r.json()["id"] == site.users["admin"]
    r = site.call("admin", "POST", f"/customers/{customer}", params={"_method": "HEAD"})
    assert r.status_code == 200 and r.json()["id"] == customer, "HEAD answers as GET, with the body a POST expects"
    assert site.snapshot() == before


def without_request_id(body: Any) -> Any:
    """An error body without ``data.request_id``, which differs from one request to the next."""
    if isinstance(body, dict) and isinstance(body.get("data"), dict):
        body["data"].pop("request_id", None)
    return body


def test_datatables_post_stays_a_read_whatever_the_override(site: Site) -> None:
    """``POST /datatables/customers?_method=GET`` is the same read (its form body still counts);
    an override to a method DataTables lacks is answered like that method, and writes nothing."""
    form = {"draw": "7", "start": "0", "length": "3", "columns[0][data]": "code", "order[0][column]": "0"}
    before = site.snapshot()
    plain = site.call("admin", "POST", "/datatables/customers", data=form)
    assert plain.status_code == 200 and plain.json()["draw"] == 7 and len(plain.json()["data"]) == 3, plain.text
    for how in ({"params": {"_method": "GET"}}, {"headers": {"X-HTTP-Method-Override": "get"}}):
        r = site.call("admin", "POST", "/datatables/customers", data=form, **how)
        assert r.status_code == 200 and r.json() == plain.json(), r.text
    for method in ("DELETE", "PUT", "PATCH"):
        real = site.call("admin", method, "/datatables/customers", data=form)
        for how in ({"params": {"_method": method}}, {"headers": {"X-HTTP-Method-Override": method}}):
            r = site.call("admin", "POST", "/datatables/customers", data=form, **how)
            assert (r.status_code, without_request_id(r.json())) == (
                real.status_code,
                without_request_id(real.json()),
            ), (method, how)
    assert site.snapshot() == before


def test_signed_requests_sign_the_method_they_act_as(site: Site, place: dict, users: Iterator[int]) -> None:
    """The signature covers the effective method: a header added to a request signed as POST
    (the header itself is not signed) cannot turn it into a DELETE."""
    customer = new_customer(site, place, next(users), "PT Tanda Tangan", regency=next(_regencies) % 8)["id"]
    target = f"{API}/customers/{customer}"
    admin = site.users["admin"]
    headers = {**signed_headers("POST", target, admin), "X-HTTP-Method-Override": "DELETE"}
    r = site.server.client.post(target, headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "wpbridge_signature_invalid", r.text
    assert row(site, "customers", customer)["status"] == "active"
    headers = {**signed_headers("DELETE", target, admin), "X-HTTP-Method-Override": "DELETE"}
    r = site.server.client.post(target, headers=headers)
    assert r.status_code == 200 and r.json()["deleted"] is True, r.text
    query_target = f"{target}?_method=DELETE"
    r = site.server.client.post(query_target, headers=signed_headers("DELETE", query_target, admin))
    assert_already_trashed(r, "customer")
