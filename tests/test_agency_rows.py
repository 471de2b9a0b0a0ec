"""WP Agency's agency list in its own shape (``/datatables/agencies?shape=plugin``, bridge/agency_rows.py).

Over real HTTP on its own demo database, with agencies of hostile text added before the bridges
start: the rows are WP Agency 1.0.7's (escaping, '-' for a missing region, the buttons each role's
capabilities give), ordered and searched as its model does (the SELECT-list index quirk, the
magic-quoted search over four columns), counted in the user's scope; Python callbacks on
``wp_agency_can_*`` decide what they decide. The ordering, search and counts are checked against
the plugin's own SQL, written here as wp-app-core builds it and run on the same database.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from bridge.demo import demo_application_passwords
from bridge.settings import DatabaseURL
from bridge.wp_escape import esc_html
from tests.support.cli import run_cli
from tests.support.database import fetch
from tests.support.paths import API
from tests.support.server import BridgeServer, signed_headers

SELECT_LIST = (
    "a.code as code, a.name as name, a.provinsi_code, a.regency_code, p.name as provinsi_name, "
    "r.name as regency_name, a.id as id"
)
ORDER_BY = ("code", "name", "a.provinsi_code", "a.regency_code", "provinsi_name", "regency_name", "id")
FROM = (
    "FROM wp_app_agencies a LEFT JOIN wp_wi_provinces p ON a.provinsi_code = p.code "
    "LEFT JOIN wp_wi_regencies r ON a.regency_code = r.code"
)
HOSTILE = (
    ("X<1>", 'Dinas <script>alert("x")</script> & Co', None, None),
    ("X'2", 'O\'Brien &amp; "Sons" 50%_off', "99", None),
    ("X\\3", "back\\slash O\\'Brien", None, "9999"),
)
PLUGIN = """
# Python callbacks on WP Agency's filters: no edit button on even ids, no delete button at all
# for the agency admin, and the subscriber may open the list.
def register(registry):
    def edit(can, agency_id, principal, request):
        return can and agency_id % 2 == 1

    def delete(can, agency_id, principal, request):
        return can and principal.login != "demo_agency_admin"

    def access(can, user_id, request):
        return can or user_id == SUBSCRIBER

    registry.hooks.add_filter("wp_agency_can_edit_agency", edit)
    registry.hooks.add_filter("wp_agency_can_delete_agency", delete)
    registry.hooks.add_filter("wp_agency_can_access_agencies_page", access)
"""


def view(ident: int) -> str:
    return (
        f'<button type="button" class="button button-small wpapp-panel-trigger" data-id="{ident}" data-entity="agency"'
        ' title="View Details">\n                <span class="dashicons dashicons-visibility"></span>\n            </button>'
    )


def button(action: str, icon: str, title: str, ident: int) -> str:
    return (
        f'<button type="button" class="button button-small wpapp-{action}-agency" data-id="{ident}" title="{title}">'
        f'\n                    <span class="dashicons dashicons-{icon}"></span>\n                </button>'
    )


def all_buttons(ident: int) -> str:
    return " ".join((view(ident), button("edit", "edit", "Edit", ident), button("delete", "trash", "Delete", ident)))


@pytest.fixture(scope="module")
def site(
    make_database: Callable[[], DatabaseURL], start_bridge: Callable[..., BridgeServer], tmp_path_factory: Any
) -> SimpleNamespace:
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "30", "--seed", "1")
    for code, name, province, regency in HOSTILE:
        fetch(
            url,
            "INSERT INTO wp_app_agencies (code, name, status, provinsi_code, regency_code, created_by)"
            " VALUES (%s, %s, 'inactive', %s, %s, 1)",
            (code, name, province, regency),
        )
    users = {r["user_login"]: int(r["ID"]) for r in fetch(url, "SELECT ID, user_login FROM wp_users")}
    folder = tmp_path_factory.mktemp("agency_hooks")
    (folder / "agency_buttons.py").write_text(f"SUBSCRIBER = {users['demo_subscriber']}\n" + textwrap.dedent(PLUGIN))
    return SimpleNamespace(
        url=url,
        users=users,
        plain=start_bridge(url),
        hooked=start_bridge(url, {"BRIDGE_HOOKS_PATH": str(folder)}),
        passwords=demo_application_passwords(seed=1),
    )


def ask(site: SimpleNamespace, user: str, *, bridge: BridgeServer | None = None, **params: str) -> dict[str, Any]:
    """One list request as WP Agency's JavaScript sends it (POST form), as ``user`` (Basic auth)."""
    form = {
        "draw": "3",
        "start": "0",
        "length": "10",
        "search[value]": "",
        "search[regex]": "false",
        "order[0][column]": "1",
        "order[0][dir]": "asc",
        "status_filter": "active",
    }
    for i, data in enumerate(("code", "name", "provinsi_name", "regency_name", "actions")):
        form[f"columns[{i}][data]"] = data
        form[f"columns[{i}][orderable]"] = "false" if data == "actions" else "true"
    form.update(params)
    form = {k: v for k, v in form.items() if v is not None}
    client: httpx.Client = (bridge or site.plain).client
    response = client.post(f"{API}/datatables/agencies?shape=plugin", data=form, auth=(user, site.passwords[user]))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def accessible_where(site: SimpleNamespace, user: str) -> str:
    """The shim's WHERE for ``user`` (WP_Customer_Bridge_Agency::filter_where), from the bridge's answer."""
    target = f"{API}/relations/agency/accessible"
    found = site.plain.client.get(target, headers=signed_headers("GET", target, site.users[user])).json()
    return {"all": "", "some": f"a.id IN ({','.join(map(str, found['ids']))})", "none": "a.id IN (0)"}[found["scope"]]


def plugin_sql(site: SimpleNamespace, user: str, order: str, search: str = "", start: int = 0, length: int = 10) -> Any:
    """What WP Agency's model runs (wp-app-core's builder), for ``user``: (total, filtered, ids of the page).
    Ties in id order: WP Agency leaves them to MariaDB, which orders them differently from one
    request to the next; the bridge's order of ties is the id's."""
    scope = accessible_where(site, user)
    like = ""
    args: list[str] = []
    if search:
        like = "(" + " OR ".join(f"{c} LIKE %s" for c in ("a.code", "a.name", "p.name", "r.name")) + ")"
        args = [search] * 4
    where = " AND ".join(w for w in (scope, like) if w) or "1=1"
    total = fetch(site.url, f"SELECT COUNT(a.id) n {FROM}" + (f" WHERE {scope}" if scope else ""))[0]["n"]
    filtered = fetch(site.url, f"SELECT COUNT(a.id) n {FROM} WHERE {where}", args)[0]["n"]
    rows = fetch(
        site.url, f"SELECT {SELECT_LIST} {FROM} WHERE {where} ORDER BY {order}, a.id ASC LIMIT {start}, {length}", args
    )
    return int(total), int(filtered), [str(r["id"]) for r in rows]


def page_of(body: dict[str, Any]) -> tuple[int, int, list[str]]:
    return body["recordsTotal"], body["recordsFiltered"], [r["DT_RowData"]["id"] for r in body["data"]]


def test_rows_are_wp_agencys_with_escaped_text_and_the_administrators_buttons(site: SimpleNamespace) -> None:
    body = ask(site, "admin", **{"search[value]": "X", "order[0][column]": "0", "length": "100"})
    assert list(body) == ["draw", "recordsTotal", "recordsFiltered", "data"] and body["draw"] == 3
    rows = {r["DT_RowData"]["id"]: r for r in body["data"]}
    ids = {r["code"]: str(r["id"]) for r in fetch(site.url, "SELECT id, code FROM wp_app_agencies")}
    for code, name, _province, _regency in HOSTILE:
        ident = ids[code]
        assert rows[ident] == {
            "DT_RowId": f"agency-{ident}",
            "DT_RowData": {"id": ident, "entity": "agency"},
            "code": esc_html(code),
            "name": esc_html(name),
            "provinsi_name": "-",  # no province row has code 99 either
            "regency_name": "-",
            "actions": all_buttons(int(ident)),
        }
    assert rows[ids["X<1>"]]["name"] == "Dinas &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"
    assert rows[ids["X'2"]]["name"] == "O&#039;Brien &amp; &quot;Sons&quot; 50%_off"  # &amp; is not encoded twice
    demo = ask(site, "admin", **{"search[value]": "AGN-"})["data"][0]
    assert demo["provinsi_name"] != "-" and demo["regency_name"] != "-"


def test_each_roles_buttons_follow_its_capabilities(site: SimpleNamespace) -> None:
    """Administrator and agency admin (edit_agency, delete_agency): all three; a pengawas and a
    customer owner (view_agency_list only): the view button; a subscriber: the plugin's refusal."""
    for user, full in (("admin", True), ("demo_agency_admin", True), ("demo_pengawas", False), ("andi_budi", False)):
        body = ask(site, user)
        assert body["data"], user
        for row in body["data"]:
            ident = int(row["DT_RowData"]["id"])
            assert row["actions"] == (all_buttons(ident) if full else view(ident)), user
    assert ask(site, "demo_subscriber") == {"success": False, "data": {"message": "Permission denied"}}


def test_python_callbacks_on_wp_agencys_filters_decide_buttons_and_access(site: SimpleNamespace) -> None:
    for row in ask(site, "admin", bridge=site.hooked)["data"]:
        ident = int(row["DT_RowData"]["id"])
        expected = [view(ident)] + ([button("edit", "edit", "Edit", ident)] if ident % 2 else [])
        assert row["actions"] == " ".join([*expected, button("delete", "trash", "Delete", ident)])
    for row in ask(site, "demo_agency_admin", bridge=site.hooked)["data"]:
        assert "wpapp-delete-agency" not in row["actions"]
    # Let in by the callback, the subscriber gets the list in the shim's scope for them: no agency.
    assert ask(site, "demo_subscriber", bridge=site.hooked) == {
        "draw": 3,
        "recordsTotal": 0,
        "recordsFiltered": 0,
        "data": [],
    }


@pytest.mark.parametrize("column", range(8))
@pytest.mark.parametrize("direction", ("asc", "desc"))
def test_order_column_indexes_the_select_list(site: SimpleNamespace, column: int, direction: str) -> None:
    """Index 2 (the JavaScript's provinsi_name) sorts by a.provinsi_code, 3 by a.regency_code, 6 by
    id; 7 is outside the list: a.id DESC, as with no order at all."""
    body = ask(site, "admin", **{"order[0][column]": str(column), "order[0][dir]": direction, "length": "100"})
    order = f"{ORDER_BY[column]} {direction.upper()}" if column < len(ORDER_BY) else "a.id DESC"
    assert page_of(body) == plugin_sql(site, "admin", order, length=100)


def test_the_quirk_is_visible_provinsi_name_header_sorts_by_province_code(site: SimpleNamespace) -> None:
    by_code = page_of(ask(site, "admin", **{"order[0][column]": "2", "length": "100"}))[2]
    assert by_code == plugin_sql(site, "admin", "a.provinsi_code ASC", length=100)[2]
    assert by_code != plugin_sql(site, "admin", "provinsi_name ASC", length=100)[2]
    assert (
        page_of(ask(site, "admin", **{"order[0][column]": None, "order[0][dir]": None}))[2]
        == plugin_sql(site, "admin", "a.id DESC")[2]
    )


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("Aceh", "%Aceh%"),  # a province name (p.name)
        ("agn-1", "%agn-1%"),  # a code, case-insensitive
        ("Kab", "%Kab%"),  # regency names (r.name)
        ("50%_", "%50\\%\\_%"),  # LIKE's wildcards taken literally
        ("O'Brien", "%O\\\\'Brien%"),  # magic quotes: PHP looks for O\\'Brien, backslash included
        ("O\\'Brien", "%O\\\\\\\\\\\\'Brien%"),
        ("0", ""),  # empty() in PHP: no search
        ("zzz-none", "%zzz-none%"),
    ],
)
def test_search_is_the_plugins(site: SimpleNamespace, typed: str, searched: str) -> None:
    body = ask(site, "admin", **{"search[value]": typed, "length": "100"})
    assert page_of(body) == plugin_sql(site, "admin", "name ASC", searched, length=100)
    if typed == "O'Brien":  # the row with a backslash before the quote is found, not the plain O'Brien
        assert [r["code"] for r in body["data"]] == ["X\\3"]
    if typed == "O\\'Brien":
        assert body["recordsFiltered"] == 0


@pytest.mark.parametrize("user", ("admin", "demo_agency_admin", "demo_pengawas", "andi_budi"))
def test_counts_and_pages_are_in_the_users_scope(site: SimpleNamespace, user: str) -> None:
    first = ask(site, user, length="3", **{"order[0][column]": "0"})
    second = ask(site, user, start="3", length="3", **{"order[0][column]": "0"})
    assert page_of(first) == plugin_sql(site, user, "code ASC", length=3)
    assert page_of(second) == plugin_sql(site, user, "code ASC", start=3, length=3)
    searched = ask(site, user, **{"search[value]": "Jawa"})
    assert page_of(searched) == plugin_sql(site, user, "name ASC", "%Jawa%")
    if user == "demo_pengawas":
        assert 0 < first["recordsTotal"] < page_of(ask(site, "admin"))[0]


@pytest.mark.parametrize(("length", "rows"), [("-1", 1), ("0", 1), ("500", 100), (None, 10)])
def test_length_is_capped_as_wp_app_core_caps_it(site: SimpleNamespace, length: str | None, rows: int) -> None:
    body = ask(site, "admin", length=length, **{"order[0][column]": "6"})
    assert len(body["data"]) == min(rows, body["recordsFiltered"])


@pytest.mark.parametrize(
    "params",
    [{"start": "1e2"}, {"draw": "x"}, {"order[0][column]": "1 "}, {"order[0][dir]": "<b>desc"}, {"search": "x"}],
)
def test_what_php_would_read_otherwise_is_refused_in_band(site: SimpleNamespace, params: dict[str, str]) -> None:
    """So the fast path asks admin-ajax, whose PHP answers it its own way."""
    if "search" in params:
        params = {**params, "search[value]": None, "search[regex]": None}  # type: ignore[dict-item]
    body = ask(site, "admin", **params)
    assert body["error"] and body["data"] == []


def test_the_other_shapes_are_unchanged(site: SimpleNamespace) -> None:
    response = site.plain.client.get(
        f"{API}/datatables/agencies", params={"draw": "1"}, auth=("admin", site.passwords["admin"])
    )
    body = response.json()
    assert "error" not in body and body["data"][0]["provinsi_name"] is None  # the data, not WP Agency's cells
