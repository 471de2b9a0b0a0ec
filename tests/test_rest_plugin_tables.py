"""REST for the tables plugins register (the agencies of hooks/agency.py) and the region
lookups, over real HTTP on the shared demo database: the same rows and scope as the table's
DataTable for every demo login, the collection conventions, and 404s outside the scope."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.database import connect
from tests.support.datatables import datatable, row_ids
from tests.support.logins import Login
from tests.support.server import BridgeServer

API = "/wp-json/wp-customer/v1"
LOGINS = ("admin", "demo_platform_viewer", "demo_agency_admin", "demo_pengawas", "andi_budi", "demo_employee")


def all_rows(bridge: BridgeServer, path: str, auth: Any, **params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        r = bridge.client.get(f"{API}{path}", params={**params, "per_page": 100, "page": page}, auth=auth)
        assert r.status_code == 200, r.text
        rows += r.json()
        if page >= int(r.headers["X-WP-TotalPages"]):
            return rows
        page += 1


@pytest.mark.parametrize("login", LOGINS)
def test_agencies_rest_shows_what_the_datatable_shows(
    bridge: BridgeServer, demo_db: Any, demo_logins: dict[str, Login], login: str
) -> None:
    """GET /agencies lists exactly the agencies /datatables/agencies shows the same login, with
    the same permissions; an agency outside the scope is a 404 by id, one inside a 200."""
    auth = demo_logins[login].auth
    dt = datatable(bridge.client, "agencies", auth, length=-1, columns=[{"data": "id"}])
    rest = all_rows(bridge, "/agencies", auth)
    assert sorted(r["id"] for r in rest) == sorted(row_ids(dt))
    by_id = {row["DT_RowData"]["id"]: row for row in dt["data"]}
    assert all(row["permissions"] == by_id[row["id"]]["permissions"] for row in rest)
    conn = connect(demo_db)
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM wp_app_agencies ORDER BY id")
        every = [int(r["id"]) for r in cur.fetchall()]
    conn.close()
    hidden = sorted(set(every) - {r["id"] for r in rest})
    if rest:
        r = bridge.client.get(f"{API}/agencies/{rest[0]['id']}", auth=auth)
        assert r.status_code == 200 and r.json()["id"] == rest[0]["id"]
    if hidden:
        r = bridge.client.get(f"{API}/agencies/{hidden[0]}", auth=auth)
        assert r.status_code == 404 and r.json()["code"] == "rest_agency_invalid_id"


def test_agencies_collection_conventions(bridge: BridgeServer, demo_logins: dict[str, Login]) -> None:
    """Paging headers, search, orderby, include and _fields work as on the core resources;
    anonymous callers get 401, unknown tables and writes 404 rest_no_route."""
    auth = demo_logins["admin"].auth
    r = bridge.client.get(f"{API}/agencies", params={"per_page": 2, "orderby": "name", "_fields": "id,name"}, auth=auth)
    assert r.status_code == 200 and len(r.json()) == 2
    assert int(r.headers["X-WP-Total"]) > 2 and 'rel="next"' in r.headers["Link"]
    assert set(r.json()[0]) == {"id", "name"}
    first = r.json()[0]
    found = bridge.client.get(f"{API}/agencies", params={"search": first["name"]}, auth=auth).json()
    assert first["id"] in [a["id"] for a in found]
    only = bridge.client.get(f"{API}/agencies", params={"include": str(first["id"])}, auth=auth).json()
    assert [a["id"] for a in only] == [first["id"]]
    assert bridge.client.get(f"{API}/agencies").status_code == 401
    assert bridge.client.get(f"{API}/agencies", params={"orderby": "nope"}, auth=auth).status_code == 400
    r = bridge.client.get(f"{API}/nonexistent", auth=auth)
    assert r.status_code == 404 and r.json()["code"] == "rest_no_route"
    assert bridge.client.get(f"{API}/nonexistent/1").json()["code"] == "rest_no_route"
    assert bridge.client.post(f"{API}/agencies", json={}, auth=auth).status_code == 404


def test_region_lookups_for_logged_in_callers(
    bridge: BridgeServer, demo_db: Any, demo_logins: dict[str, Login]
) -> None:
    """/regions/provinces lists every province; /regions/provinces/{id}/regencies that province's
    regencies (404 for an unknown one); logged-out visitors get 401."""
    auth = demo_logins["demo_employee"].auth
    conn = connect(demo_db)
    with conn.cursor() as cur:
        cur.execute("SELECT id, code, name FROM wp_wi_provinces ORDER BY name")
        provinces = [dict(r) for r in cur.fetchall()]
        cur.execute(
            "SELECT id, code, name FROM wp_wi_regencies WHERE province_id = %s ORDER BY name", [provinces[0]["id"]]
        )
        regencies = [dict(r) for r in cur.fetchall()]
    conn.close()
    r = bridge.client.get(f"{API}/regions/provinces", auth=auth)
    assert r.status_code == 200 and r.json() == provinces
    r = bridge.client.get(f"{API}/regions/provinces/{provinces[0]['id']}/regencies", auth=auth)
    assert r.status_code == 200 and r.json() == regencies
    assert bridge.client.get(f"{API}/regions/provinces/999999/regencies", auth=auth).status_code == 404
    assert bridge.client.get(f"{API}/regions/provinces").status_code == 401
