"""Incremental sync over real HTTP on a database of its own: the collection filters
(``include``/``exclude``, ``modified_after``/``after``…, ``status[]``, ``orderby=updated_at``)
and the scoped feed of deletions, ending with a client that mirrors its scope in two calls a round."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.support.write_site import (
    Site,
    branch_body,
    employee_body,
    new_customer,
    open_site,
    pick_free_users,
    pick_place,
)


@pytest.fixture(scope="module")
def site(make_database: Callable, start_bridge: Callable, tmp_path_factory: pytest.TempPathFactory) -> Site:
    return open_site(make_database, start_bridge, tmp_path_factory)


def ids(r: Any) -> list[int]:
    assert r.status_code == 200, r.text
    return [row["id"] for row in r.json()]


def test_include_exclude_status_and_dates_filter_the_collection(site: Site) -> None:
    """include/exclude (comma list and []), status[], modified_after/before and after/before narrow
    the page and X-WP-Total alike; bad values are one 400 naming each parameter."""
    all_ids = ids(site.call("admin", "GET", "/customers", params={"per_page": 100}))
    a, b, c = all_ids[:3]
    assert ids(site.call("admin", "GET", "/customers", params={"include": f"{a},{c}"})) == [a, c]
    r = site.call("admin", "GET", f"/customers?include[]={b}&include[]={c}")
    assert ids(r) == [b, c] and r.headers["X-WP-Total"] == "2"
    r = site.call("admin", "GET", "/customers", params={"exclude": f"{a},{b}", "per_page": 100})
    assert ids(r) == all_ids[2:] and r.headers["X-WP-Total"] == str(len(all_ids) - 2)
    site.sql("UPDATE wp_app_customers SET status = 'inactive' WHERE id = %s", [b])
    both = ids(site.call("admin", "GET", "/customers?status[]=active&status[]=inactive&per_page=100"))
    assert both == all_ids
    assert b not in ids(site.call("admin", "GET", "/customers?status[]=active&per_page=100"))
    site.sql("UPDATE wp_app_customers SET status = 'active' WHERE id = %s", [b])
    site.sql("UPDATE wp_app_customers SET updated_at = '2030-01-02 03:04:05' WHERE id = %s", [c])
    assert ids(site.call("admin", "GET", "/customers", params={"modified_after": "2030-01-01T00:00:00"})) == [c]
    assert c not in ids(
        site.call("admin", "GET", "/customers", params={"modified_before": "2030-01-01", "per_page": 100})
    )
    assert ids(site.call("admin", "GET", "/customers", params={"modified_after": "2030-01-02T04:04:05+01:00"})) == []
    assert ids(site.call("admin", "GET", "/customers", params={"after": "2099-01-01T00:00:00Z"})) == []
    newest = ids(site.call("admin", "GET", "/customers", params={"orderby": "updated_at", "order": "desc"}))
    assert newest[0] == c
    r = site.call(
        "admin", "GET", "/customers", params={"include": "1,x", "modified_after": "yesterday", "status": "gone"}
    )
    assert r.status_code == 400
    assert set(r.json()["data"]["params"]) == {"include", "modified_after", "status"}


def test_deleted_feed_needs_login_and_a_known_entity(site: Site) -> None:
    """The feed is for logged-in callers; entity, after and per_page are validated."""
    assert site.server.client.get("/wp-json/wp-customer/v1/deleted?entity=customer").status_code == 401
    r = site.call("admin", "GET", "/deleted", params={"entity": "agency", "after": "-1"})
    assert r.status_code == 400 and set(r.json()["data"]["params"]) == {"entity", "after"}


def pages(site: Site, login: str, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every page of a collection, following X-WP-TotalPages."""
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        r = site.call(login, "GET", path, params={**params, "per_page": 100, "page": page})
        assert r.status_code == 200, r.text
        rows += r.json()
        if page >= int(r.headers["X-WP-TotalPages"]):
            return rows
        page += 1


def deletions(site: Site, login: str, entity: str, after: int) -> tuple[list[int], int]:
    """Every deletion after the cursor and the next cursor."""
    found: list[int] = []
    while True:
        r = site.call(login, "GET", "/deleted", params={"entity": entity, "after": after, "per_page": 2})
        assert r.status_code == 200, r.text
        body = r.json()
        found += [item["id"] for item in body["items"]]
        if body["next"] == after:
            return found, after
        after = body["next"]


class Mirror:
    """A sync client: a full copy once, then per round the changes since its watermark (less a
    second: the columns keep whole seconds) and the deletions since its cursor."""

    def __init__(self, site: Site, login: str, resource: str, entity: str) -> None:
        self.site, self.login, self.resource, self.entity = site, login, resource, entity
        self.rows = {row["id"]: row for row in pages(site, login, f"/{resource}")}
        _, self.cursor = deletions(site, login, entity, 0)
        self.watermark = max(row["updated_at"] for row in self.rows.values())

    def sync(self) -> list[int]:
        since = datetime.fromisoformat(self.watermark) - timedelta(seconds=1)
        changed = pages(self.site, self.login, f"/{self.resource}", modified_after=since.isoformat())
        gone, self.cursor = deletions(self.site, self.login, self.entity, self.cursor)
        self.changed = {row["id"] for row in changed}
        self.rows.update({row["id"]: row for row in changed})
        for row_id in gone:
            self.rows.pop(row_id, None)
        self.watermark = max([self.watermark, *(row["updated_at"] for row in changed)])
        return gone


def test_a_sync_client_mirrors_its_scope_with_changes_and_deletions(site: Site) -> None:
    """An owner's mirror of their branches and employees, kept by modified_after + /deleted, equals
    a fresh full read after creates, updates, hard deletes and a deleted customer of theirs (whose
    branches they no longer see, yet hear of); other customers' deletions never reach their feed."""
    site.set_hard_delete(True)
    owner = site.users["andi_budi"]
    place = pick_place(site)
    second = new_customer(site, place, owner, "PT Sync Kedua", regency=1)
    mine = site.one("SELECT id FROM wp_app_customers WHERE user_id = %s ORDER BY id LIMIT 1", [owner])["id"]
    extra = [site.call("admin", "POST", "/branches", json=branch_body(site, mine, f"Sync {n}")).json() for n in (1, 2)]
    other = site.one(
        "SELECT b.id FROM wp_app_customer_branches b JOIN wp_app_customers c ON c.id = b.customer_id "
        "WHERE c.user_id <> %s AND b.type = 'cabang' ORDER BY b.id LIMIT 1",
        [owner],
    )["id"]
    free = pick_free_users(site)
    second_branch = site.one("SELECT id FROM wp_app_customer_branches WHERE customer_id = %s", [second["id"]])["id"]
    for user, customer, branch, tag in (
        (free[0], second["id"], second_branch, "sync.a"),
        (free[1], mine, extra[0]["id"], "sync.b"),
    ):
        r = site.call("admin", "POST", "/employees", json=employee_body(customer, branch, user, tag))
        assert r.status_code == 201, r.text
    lone = r.json()["id"]
    branches = Mirror(site, "andi_budi", "branches", "branch")
    employees = Mirror(site, "andi_budi", "employees", "employee")
    second_branches = [b["id"] for b in branches.rows.values() if b["customer_id"] == second["id"]]
    second_staff = [e["id"] for e in employees.rows.values() if e["customer_id"] == second["id"]]
    assert second_branches and second_staff and lone in employees.rows

    created = site.call("admin", "POST", "/branches", json=branch_body(site, mine, "Sync 3")).json()
    assert (
        site.call("admin", "PATCH", f"/branches/{extra[0]['id']}", json={"name": "Sync 1 renamed"}).status_code == 200
    )
    assert site.call("admin", "DELETE", f"/branches/{extra[1]['id']}").status_code == 200
    assert site.call("admin", "DELETE", f"/employees/{lone}").status_code == 200
    assert site.call("admin", "DELETE", f"/branches/{other}").status_code == 200
    assert site.call("admin", "DELETE", f"/customers/{second['id']}").status_code == 200

    gone = branches.sync()
    gone_staff = employees.sync()
    assert {lone, *second_staff} <= set(gone_staff)
    assert {extra[1]["id"], *second_branches} <= set(gone) and other not in gone
    assert branches.rows == {row["id"]: row for row in pages(site, "andi_budi", "/branches")}
    assert {created["id"], extra[0]["id"]} <= branches.changed and len(branches.changed) < len(branches.rows)
    assert branches.rows[extra[0]["id"]]["name"] == "Sync 1 renamed" and created["id"] in branches.rows
    assert employees.rows == {row["id"]: row for row in pages(site, "andi_budi", "/employees")}
    assert not set(second_staff) & set(employees.rows)
    everything, _ = deletions(site, "admin", "branch", 0)
    assert other in everything
