"""Whole-set export over HTTP (CSV and XLSX) and its keyset reading against the real MariaDB.

The exported rows are compared with the caller's own scope (tests/support/scopes.py) and with the
order MariaDB gives for the same ORDER BY; the keyset reader is driven with tiny chunks so
every boundary case (NULL keys, both directions, ties broken by id) is crossed.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest

from bridge.access import Access
from bridge.datatables.plan import build_plan
from bridge.datatables.protocol import parse_request
from bridge.db import Database
from bridge.export import keyset
from bridge.hooks import Hooks
from bridge.params import parse_brackets
from bridge.pipeline import register_access_filters
from bridge.principal import Principal
from bridge.schema import TableNames, introspect
from bridge.tables.branches import BranchesModel
from bridge.tables.customers import CustomersModel
from bridge.tables.employees import EmployeesModel
from tests.support.database import connect, query
from tests.support.datatables import dt_params
from tests.support.paths import API
from tests.support.scopes import all_scopes

COLUMNS = [
    {"data": "code", "name": "Code"},
    {"data": "name", "name": "Name"},
    {"data": "owner_name"},
    {"data": "actions"},
]


def export(client: Any, auth: Any, fmt: str = "csv", method: str = "GET", **params: Any) -> Any:
    flat = dt_params(params.pop("columns", COLUMNS), **params)
    url = f"{API}/datatables/customers/export"
    if method == "GET":
        return client.get(url, params={**flat, "format": fmt}, auth=auth)
    return client.post(f"{url}?format={fmt}", data=flat, auth=auth)


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_is_the_callers_whole_scope_in_the_asked_order(bridge: Any, demo_db: Any, demo_logins: dict) -> None:
    """Every login gets exactly its own customers, ordered by name descending, labels from the columns."""
    scopes = all_scopes(demo_db, demo_logins)
    codes = {r["code"]: r for r in query(demo_db, "SELECT id, code, name FROM wp_app_customers")}
    for name, login in demo_logins.items():
        scope = scopes.get(name)
        if scope is None or not scope.customers:
            continue
        r = export(
            bridge.client, login.auth, **{"order[0][column]": 1, "order[0][dir]": "desc", "length": "2", "start": "5"}
        )
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/csv")
        today = datetime.now(UTC).strftime("%Y-%m-%d")
        assert re.fullmatch(rf'attachment; filename="customers-{today}\.csv"', r.headers["content-disposition"])
        rows = csv_rows(r.content)
        assert rows[0] == ["Code", "Name", "owner_name"]  # "actions" names no column: left out
        assert {codes[row[0]]["id"] for row in rows[1:]} == scope.customers, name
        names = [row[1] for row in rows[1:]]
        expected = [r["name"] for r in query(demo_db, "SELECT name FROM wp_app_customers ORDER BY name DESC, id")]
        assert names == [n for n in expected if n in set(names)]


def test_export_applies_search_and_extension_filters_like_the_draw(bridge: Any, demo_logins: dict) -> None:
    """The same parameters give the same rows as the DataTables draw, posted as a form too."""
    auth = demo_logins["admin"].auth
    params = {"search[value]": "PT", "searchPanes[status][0]": "active"}
    r = bridge.client.get(f"{API}/datatables/customers", params=dt_params(COLUMNS, length="-1", **params), auth=auth)
    drawn = [row["code"] for row in r.json()["data"]]
    for method in ("GET", "POST"):
        rows = csv_rows(export(bridge.client, auth, method=method, **params).content)
        assert [row[0] for row in rows[1:]] == drawn and drawn


def test_xlsx_holds_the_same_rows(bridge: Any, demo_logins: dict) -> None:
    """The Excel file reads back with the same cells as the CSV."""
    auth = demo_logins["admin"].auth
    r = export(bridge.client, auth, fmt="xlsx")
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    cells = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert cells == csv_rows(export(bridge.client, auth).content)


def test_refusals_are_wordpress_errors(bridge: Any, demo_logins: dict) -> None:
    """Logged out 401, a bad format or parameter 400, an unknown table 404 — never a cut file."""
    assert export(bridge.client, None).status_code == 401
    r = export(bridge.client, demo_logins["admin"].auth, fmt="pdf")
    assert r.status_code == 400 and r.json()["code"] == "rest_invalid_param"
    r = export(bridge.client, demo_logins["admin"].auth, **{"searchPanes_bogus": "1"})
    assert r.status_code == 400 and "searchPanes_bogus" in r.json()["message"]
    r = bridge.client.get(f"{API}/datatables/nope/export", auth=demo_logins["admin"].auth)
    assert r.status_code == 404


def test_the_row_limit_is_checked_before_the_first_byte(demo_db: Any, start_bridge: Any, demo_logins: dict) -> None:
    """Past BRIDGE_EXPORT_MAX_ROWS the answer is a 400 naming the limit and the count."""
    small = start_bridge(demo_db, env={"BRIDGE_EXPORT_MAX_ROWS": "5"})
    r = export(small.client, demo_logins["admin"].auth)
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "wpbridge_export_too_large" and body["data"]["max_rows"] == 5 and body["data"]["rows"] > 5


@pytest.mark.parametrize(
    "order",
    [
        [("regency_name", "asc")],
        [("regency_name", "desc")],
        [("status", "desc"), ("name", "asc")],
        [("owner_name", "asc"), ("code", "desc")],
        [],
    ],
)
async def test_keyset_chunks_cross_every_boundary(demo_db: Any, order: list[tuple[str, str]]) -> None:
    """Read 3 rows at a time, the export has every row once, in the exact ORDER BY of MariaDB."""
    names = TableNames.for_prefix("wp_")
    conn = connect(demo_db)
    schema = introspect(conn, names)
    conn.close()
    model = CustomersModel(names, schema)
    models = {m.resource: m for m in (model, BranchesModel(names, schema), EmployeesModel(names, schema))}
    hooks, access = Hooks(), Access(names, schema)
    await register_access_filters(hooks, access, models)
    db = Database(demo_db, maxsize=2)
    await db.open()
    try:
        svc = SimpleNamespace(hooks=hooks, access=access, models=models, db=db, search_index=None,
                              settings=SimpleNamespace(datatables_max_rows=5000))  # fmt: skip
        columns = [{"data": n} for n in ("code", "name", "owner_name", "status", "regency_name")]
        extra = {}
        for i, (column, way) in enumerate(order):
            extra[f"order[{i}][column]"] = [c["data"] for c in columns].index(column)
            extra[f"order[{i}][dir]"] = way
        dt = parse_request(parse_brackets(dt_params(columns, length="-1", **extra).items()), 5000)
        request = SimpleNamespace(ctx=SimpleNamespace(principal=Principal(user_id=1, roles=("administrator",))))
        plan = await build_plan(svc, model, request, dt)  # type: ignore[arg-type]
        read = [row["__id"] async for chunk in keyset.chunks(svc, model, plan, size=3) for row in chunk]  # type: ignore[arg-type]
    finally:
        await db.close()
    sql_order = ", ".join(
        [
            f"{'reg.name' if c == 'regency_name' else 'u.display_name' if c == 'owner_name' else 'c.' + c} {w}"
            for c, w in order
        ]
        + (["c.code"] if not order else [])
        + ["c.id"]
    )
    expected = [
        r["id"]
        for r in query(
            demo_db,
            "SELECT c.id FROM wp_app_customers c LEFT JOIN wp_users u ON u.ID = c.user_id "
            f"LEFT JOIN wp_wi_regencies reg ON reg.id = c.regency_id ORDER BY {sql_order}",
        )
    ]
    assert read == expected, (str(read), str(expected))
    assert len(set(read)) == len(read)


def test_a_plugin_may_refuse_export_per_table_and_user(
    demo_db: Any, start_bridge: Any, demo_logins: dict, tmp_path: Any
) -> None:
    """``wp_customer_enable_export`` answering False refuses exactly that user's export of that table."""
    (tmp_path / "no_export.py").write_text(
        "def register(registry):\n"
        "    def enabled(allowed, table, principal):\n"
        f"        return allowed and not (table == 'customers' and principal.user_id == {demo_logins['andi_budi'].user_id})\n"
        "    registry.hooks.add_filter('wp_customer_enable_export', enabled)\n"
    )
    hooked = start_bridge(demo_db, env={"BRIDGE_HOOKS_PATH": str(tmp_path)})
    refused = export(hooked.client, demo_logins["andi_budi"].auth)
    assert refused.status_code == 403 and refused.json()["code"] == "wpbridge_export_refused"
    assert export(hooked.client, demo_logins["admin"].auth).status_code == 200
    other = hooked.client.get(
        f"{API}/datatables/branches/export", params={"customer_id": 1}, auth=demo_logins["andi_budi"].auth
    )
    assert other.status_code == 200
