"""DataTables server-side protocol conformance: every parameter, every transport,
malformed input answered with HTTP 200 + ``error`` (never a 500), rows in the plugin's shape."""

from __future__ import annotations

import orjson
import pytest

from bridge.datatables.protocol import parse_request
from bridge.params import ParamError, parse_brackets
from tests.conftest import run_cli
from tests.dtkit import API, CUSTOMER_COLUMNS, datatable, dt_params, query, row_ids

# ---- parsing (no server) -----------------------------------------------------------------------


def test_bracket_keys_nest_and_keep_blank_values() -> None:
    parsed = parse_brackets(
        [
            ("draw", "1"),
            ("columns[0][data]", "code"),
            ("columns[0][name]", ""),
            ("columns[0][search][value]", ""),
            ("a[]", "x"),
            ("a[]", "y"),
        ]
    )
    assert parsed == {
        "draw": "1",
        "columns": {"0": {"data": "code", "name": "", "search": {"value": ""}}},
        "a": {"0": "x", "1": "y"},
    }


@pytest.mark.parametrize(
    "pairs",
    [[("search", "x"), ("search[value]", "y")], [("search[value]", "y"), ("search", "x")], [("a" + "[b]" * 7, "1")]],
)
def test_bracket_conflicts_and_depth_are_errors(pairs) -> None:
    with pytest.raises(ParamError):
        parse_brackets(pairs)


def test_too_many_parameters_is_an_error() -> None:
    with pytest.raises(ParamError, match="more than"):
        parse_brackets((f"x{i}", "1") for i in range(20_001))


def test_defaults_for_a_minimal_request() -> None:
    dt = parse_request({"draw": "5"}, 100)
    assert (dt.draw, dt.start, dt.length, dt.columns, dt.order, dt.search.value) == (5, 0, 10, (), (), "")


def test_json_shapes_parse_like_forms() -> None:
    form = parse_request(
        parse_brackets(dt_params(CUSTOMER_COLUMNS, **{"order[0][column]": 1, "order[0][dir]": "desc"}).items()), 100
    )
    body = {
        "draw": 1, "start": 0, "length": 10, "search": {"value": "", "regex": False},
        "columns": [{"data": c["data"], "name": "", "searchable": c.get("searchable", True), "orderable": c.get("orderable", True),
                     "search": {"value": "", "regex": False}} for c in CUSTOMER_COLUMNS],
        "order": [{"column": 1, "dir": "desc", "name": ""}],
    }  # fmt: skip
    assert parse_request(body, 100) == parse_request({**body}, 100)
    assert parse_request(body, 100).columns == form.columns and parse_request(body, 100).order == form.order


# ---- transports ----------------------------------------------------------------------------------


def test_get_post_form_and_json_answer_alike(bridge, demo_logins) -> None:
    auth = demo_logins["admin"].auth
    flat = dt_params(
        CUSTOMER_COLUMNS, draw=4, length=5, **{"order[0][column]": 1, "order[0][dir]": "desc", "_": "1419385871518"}
    )
    url = f"{API}/datatables/customers"
    got = bridge.client.get(url, params=flat, auth=auth).json()
    form = bridge.client.post(url, data=flat, auth=auth).json()
    body = {
        "draw": 4, "start": 0, "length": 5, "search": {"value": "", "regex": False},
        "columns": [{"data": c["data"], "name": "", "searchable": c.get("searchable", True), "orderable": c.get("orderable", True),
                     "search": {"value": "", "regex": False}} for c in CUSTOMER_COLUMNS],
        "order": [{"column": 1, "dir": "desc", "name": "name"}],
    }  # fmt: skip
    as_json = bridge.client.post(
        url, content=orjson.dumps(body), headers={"Content-Type": "application/json; charset=utf-8"}, auth=auth
    )
    assert as_json.status_code == 200
    assert got == form == as_json.json()
    assert got["draw"] == 4 and len(got["data"]) == 5
    query_and_form = bridge.client.post(
        url + "?draw=9", data={k: v for k, v in flat.items() if k != "draw"}, auth=auth
    ).json()
    assert query_and_form["draw"] == 9 and query_and_form["data"] == got["data"]


def test_bad_json_body_is_a_datatables_error(bridge, demo_logins) -> None:
    response = bridge.client.post(
        f"{API}/datatables/customers",
        content=b"{nope",
        headers={"Content-Type": "application/json"},
        auth=demo_logins["admin"].auth,
    )
    assert response.status_code == 200
    assert response.json() == {
        "draw": 0,
        "recordsTotal": 0,
        "recordsFiltered": 0,
        "data": [],
        "error": "The request body is not valid JSON.",
    }


# ---- malformed input -----------------------------------------------------------------------------

MALFORMED = [
    ({"draw": None}, "draw is missing"),
    ({"draw": "abc"}, "draw is not of type integer."),
    ({"start": "abc"}, "start is not of type integer."),
    ({"start": "-1"}, "start must be between 0 (inclusive) and 9223372036854775807 (inclusive)."),
    ({"length": "-5"}, "length must be -1"),
    ({"length": "0"}, "length must be -1"),
    ({"length": "ten"}, "length is not of type integer."),
    ({"length": "100000"}, "length must be at most 5000"),
    ({"order[0][column]": "99", "order[0][dir]": "asc"}, "order[0][column] must be the index of one of the 5 columns"),
    ({"order[0][column]": "x", "order[0][dir]": "asc"}, "order[0][column] is not of type integer."),
    ({"order[0][column]": "0", "order[0][dir]": "sideways"}, "order[0][dir] must be asc or desc"),
    ({"order[0][column]": "4", "order[0][dir]": "asc"}, "order[0] asks to order by column 4, which cannot be ordered"),
    ({"columns[0][orderable]": "false", "order[0][column]": "0", "order[0][dir]": "asc"}, "which cannot be ordered"),
    ({"columns[0][searchable]": "maybe"}, "columns[0][searchable] must be true or false"),
    ({"search[regex]": "true", "search[value]": "a.*"}, "search[regex] is true"),
    ({"search[regex]": "true"}, "search[regex] is true"),
    ({"columns[1][search][regex]": "true", "columns[1][search][value]": "^P"}, "columns[1][search][regex] is true"),
    ({"columns[3][search][value]": "5"}, "columns[3][search][value] is set, but column 3 is not searchable"),
    ({"columns[4][search][value]": "x"}, "column 4 is not searchable"),
    ({"search[value]": "x" * 201}, "search[value] is longer than 200"),
    ({"columns[7][data]": "name"}, "columns must be numbered 0, 1, 2"),
    ({"draw": None, "sEcho": "3", "iDisplayStart": "0"}, "Legacy DataTables 1.9 parameters"),
    ({"draw": None, "iSortCol_0": "1"}, "Legacy DataTables 1.9 parameters"),
]


@pytest.mark.parametrize(("change", "message"), MALFORMED, ids=[m for _, m in MALFORMED])
def test_malformed_requests_answer_200_with_an_error(bridge, demo_logins, change, message) -> None:
    params = dt_params(CUSTOMER_COLUMNS, draw=6)
    for key, value in change.items():
        if value is None:
            params.pop(key)
        else:
            params[key] = value
    for method in ("GET", "POST"):
        url = f"{API}/datatables/customers"
        response = (
            bridge.client.get(url, params=params, auth=demo_logins["admin"].auth)
            if method == "GET"
            else bridge.client.post(url, data=params, auth=demo_logins["admin"].auth)
        )
        assert response.status_code == 200
        body = response.json()
        assert message in body["error"]
        assert (body["recordsTotal"], body["recordsFiltered"], body["data"]) == (0, 0, [])
        expected_draw = (
            3 if "sEcho" in change else 0 if change.get("draw", 1) in (None, "abc") else 6
        )  # sEcho: legacy draw
        assert body["draw"] == expected_draw


def test_a_hostile_column_name_only_fails_to_match(bridge, demo_logins, demo_db) -> None:
    columns = [{"data": "name; DROP TABLE wp_app_customers"}, {"data": "code"}]
    body = datatable(bridge.client, "customers", demo_logins["admin"].auth, columns=columns, length=3)
    assert "error" not in body and body["recordsTotal"] == 30
    ordered = datatable(
        bridge.client,
        "customers",
        demo_logins["admin"].auth,
        columns=columns,
        **{"order[0][column]": 0, "order[0][dir]": "asc"},
    )
    assert "cannot be ordered" in ordered["error"]
    assert query(demo_db, "SELECT COUNT(*) AS n FROM wp_app_customers")[0]["n"] == 30


def test_two_thousand_columns_are_refused(bridge, demo_logins) -> None:
    columns = [{"data": "name"}] * 2000
    body = datatable(bridge.client, "customers", demo_logins["admin"].auth, method="POST", columns=columns)
    assert body["error"] == "The request has 2000 columns; at most 100 are accepted."


def test_unknown_table_is_a_404_naming_the_tables(bridge, demo_logins) -> None:
    response = bridge.client.get(f"{API}/datatables/nope", params={"draw": 1}, auth=demo_logins["admin"].auth)
    assert response.status_code == 404
    assert response.json()["data"]["tables"] == ["agencies", "branches", "customers", "employees"]


@pytest.mark.parametrize(
    ("table", "extra", "message"),
    [
        ("branches", {}, "customer_id is required for the branches table."),
        ("employees", {}, "customer_id is required for the employees table."),
        ("branches", {"customer_id": "abc"}, "customer_id is not of type integer."),
        (
            "employees",
            {"customer_id": "1", "branch_id": "0"},
            "branch_id must be between 1 (inclusive) and 9223372036854775807 (inclusive).",
        ),
    ],
)
def test_table_filters_are_validated(bridge, demo_logins, table, extra, message) -> None:
    assert datatable(bridge.client, table, demo_logins["admin"].auth, **extra)["error"] == message


# ---- numbers, repeated keys and bodies through bridge/params.py -------------------------

TABLE_EXTRA = {"customers": {}, "branches": {"customer_id": 1}, "employees": {"customer_id": 1}, "agencies": {}}


def _json_dt(bridge, table: str, body: bytes, auth=None, query: str = ""):
    response = bridge.client.post(
        f"{API}/datatables/{table}{query}", content=body, headers={"Content-Type": "application/json"}, auth=auth
    )
    assert response.status_code == 200, (table, body[:60], response.status_code, response.text[:200])
    return response.json()


def _new_log(bridge, before: int) -> str:
    return bridge.log()[before:]


@pytest.mark.parametrize("draw", [b"1e20", b"100000000000000000000", b"18446744073709551616", b"9223372036854775808"])
def test_a_json_draw_too_large_to_echo_is_an_in_band_error_on_every_table(bridge, demo_logins, draw) -> None:
    """orjson cannot encode an echoed draw of 2^64 or more (it was a 500, logged in or not): the
    draw goes through the one parser, and a draw that cannot be echoed echoes 0."""
    before = len(bridge.log())
    for table, extra in TABLE_EXTRA.items():
        for auth in (demo_logins["admin"].auth, None):
            body = _json_dt(
                bridge,
                table,
                b'{"draw": '
                + draw
                + b', "start": 0, "length": 5'
                + b"".join(b', "' + k.encode() + b'": ' + str(v).encode() for k, v in extra.items())
                + b"}",
                auth,
            )
            assert body["draw"] == 0 and body["data"] == [] and body["error"].startswith("draw "), (table, body)
    assert "Traceback" not in _new_log(bridge, before)


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (b"18446744073709551616", "start is not of type integer."),  # 2^64: orjson reads a float
        (b"1e30", "start is not of type integer."),
        (b"9223372036854775808", "start must be between 0 (inclusive) and 9223372036854775807 (inclusive)."),
        (b"true", "start is not of type integer."),
        (b"2.0", "start is not of type integer."),
        (rb'"\uff11\uff10"', "start is not of type integer."),  # fullwidth "10"
    ],
)
def test_a_json_start_mysql_cannot_take_never_reaches_offset(bridge, demo_logins, start, message) -> None:
    """A JSON ``start`` of 2^64 or 1e30 reached OFFSET and MariaDB refused the statement (500)."""
    body = _json_dt(
        bridge, "customers", b'{"draw": 3, "length": 5, "start": ' + start + b"}", demo_logins["admin"].auth
    )
    assert (body["draw"], body["data"], body["error"]) == (3, [], message)


def test_the_largest_start_is_an_empty_page(bridge, demo_logins) -> None:
    body = _json_dt(
        bridge, "customers", b'{"draw": 2, "length": 5, "start": 9223372036854775807}', demo_logins["admin"].auth
    )
    assert "error" not in body and body["data"] == [] and body["recordsTotal"] == 30


@pytest.mark.parametrize(
    ("table", "change", "message"),
    [
        ("customers", {"start": "\uff11\uff10"}, "start is not of type integer."),
        ("customers", {"length": "\u0661\u0660"}, "length is not of type integer."),  # Arabic-Indic "10"
        ("customers", {"draw": "\uff17"}, "draw is not of type integer."),
        ("customers", {"start": "1_0"}, "start is not of type integer."),
        ("branches", {"customer_id": "\u0661"}, "customer_id is not of type integer."),
        ("employees", {"customer_id": "1", "branch_id": "\uff11"}, "branch_id is not of type integer."),
        (
            "customers",
            {"order[0][column]": "\u0661", "order[0][dir]": "asc"},
            "order[0][column] is not of type integer.",
        ),
    ],
)
def test_non_ascii_digits_are_not_numbers(bridge, demo_logins, table, change, message) -> None:
    """int() and str.isdigit() take fullwidth and Arabic-Indic digits (and "1_0"); the parser does not."""
    for method in ("GET", "POST"):
        body = datatable(bridge.client, table, demo_logins["admin"].auth, method, columns=CUSTOMER_COLUMNS, **change)
        assert body["error"] == message, (method, body)


@pytest.mark.parametrize(
    "query",
    [
        "draw=1&draw=2",
        "draw=1&start=0&start=10",
        "draw=1&columns[0][data]=code&columns[0][data]=name",
        "draw=1&customer_id=1&customer_id=2",
    ],
)
def test_repeated_keys_are_an_in_band_error(bridge, demo_logins, query) -> None:
    """One rule on every route: a key may appear once unless it ends in []; DataTables said
    nothing and took the last value."""
    auth = demo_logins["admin"].auth
    for table in ("customers", "branches"):
        got = bridge.client.get(f"{API}/datatables/{table}?{query}", auth=auth)
        form = bridge.client.post(
            f"{API}/datatables/{table}",
            content=query.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            auth=auth,
        )
        for response in (got, form):
            assert response.status_code == 200
            assert "is sent more than once" in response.json()["error"], (table, query, response.json())


def test_query_and_body_may_not_both_send_a_key(bridge, demo_logins) -> None:
    auth = demo_logins["admin"].auth
    form = bridge.client.post(f"{API}/datatables/customers?start=5", data=dt_params(draw=4), auth=auth).json()
    assert form["error"].startswith("start is sent more than once")
    body = _json_dt(bridge, "customers", b'{"draw": 4, "start": 0}', auth, "?start=5")
    assert body["error"].startswith("start is sent more than once")
    arrays = bridge.client.get(f"{API}/datatables/customers?draw=1&ids[]=1&ids[]=2", auth=auth).json()
    assert "error" not in arrays


def test_multipart_without_boundary_is_in_band_and_logs_nothing(bridge, demo_logins) -> None:
    """Sanic's form parser logged an ERROR with a traceback for every such request, anonymous ones too."""
    before = len(bridge.log())
    for auth in (None, demo_logins["admin"].auth):
        for ctype in ("multipart/form-data", "multipart/form-data; charset=utf-8", "multipart/form-data; boundary="):
            response = bridge.client.post(
                f"{API}/datatables/customers", content=b"draw=1&start=0", headers={"Content-Type": ctype}, auth=auth
            )
            assert response.status_code == 200
            assert response.json()["error"].startswith(
                "A multipart/form-data body needs a boundary"
            ) or response.json()["error"].startswith("The multipart/form-data boundary must be"), response.json()
    log = _new_log(bridge, before)
    assert "Traceback" not in log and "ERROR" not in log and "Failed when parsing form" not in log, log


def test_multipart_with_a_boundary_answers_like_a_form(bridge, demo_logins) -> None:
    auth = demo_logins["admin"].auth
    flat = dt_params(CUSTOMER_COLUMNS, draw=4, length=5)
    form = bridge.client.post(f"{API}/datatables/customers", data=flat, auth=auth).json()
    multipart = bridge.client.post(
        f"{API}/datatables/customers", data=flat, files={"x": ("x.txt", b"ignored")}, auth=auth
    )
    assert multipart.request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert multipart.json() == form and len(form["data"]) == 5


def test_a_form_body_that_is_not_utf8_is_an_in_band_error(bridge, demo_logins) -> None:
    before = len(bridge.log())
    for body in (b"draw=2&search[value]=%FF", b"draw=2&search[value]=\xff"):
        response = bridge.client.post(
            f"{API}/datatables/customers",
            content=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            auth=demo_logins["admin"].auth,
        )
        assert response.json()["error"] == "search[value] is not valid UTF-8.", response.json()
    assert "Traceback" not in _new_log(bridge, before)


# ---- paging, ordering, searching -----------------------------------------------------------------

ORDER_SQL = (
    "SELECT c.id FROM wp_app_customers c ORDER BY "
    "(SELECT COUNT(*) FROM wp_app_customer_branches b WHERE b.customer_id = c.id) DESC, c.name ASC, c.id"
)


def test_multi_column_order_and_stable_paging(bridge, demo_logins, demo_db) -> None:
    expected = [r["id"] for r in query(demo_db, ORDER_SQL)]
    order = {"order[0][column]": 3, "order[0][dir]": "desc", "order[1][column]": 1, "order[1][dir]": "asc"}
    auth = demo_logins["admin"].auth
    everything = datatable(bridge.client, "customers", auth, columns=CUSTOMER_COLUMNS, length=-1, **order)
    assert row_ids(everything) == expected
    pages: list[int] = []
    for start in range(0, 30, 7):
        page = datatable(bridge.client, "customers", auth, columns=CUSTOMER_COLUMNS, start=start, length=7, **order)
        assert page["recordsTotal"] == page["recordsFiltered"] == 30
        pages += row_ids(page)
    assert pages == expected


def test_ties_break_on_the_primary_key(bridge, demo_logins) -> None:
    body = datatable(
        bridge.client, "customers", demo_logins["admin"].auth, columns=CUSTOMER_COLUMNS, length=-1,
        **{"order[0][column]": 3, "order[0][dir]": "asc"},
    )  # fmt: skip
    keys = [(row["branch_count"], row["id"]) for row in body["data"]]
    assert keys == sorted(keys)


def test_a_page_past_the_end_keeps_the_counts(bridge, demo_logins) -> None:
    body = datatable(bridge.client, "customers", demo_logins["admin"].auth, start=1000, length=10)
    assert (body["recordsTotal"], body["recordsFiltered"], body["data"]) == (30, 30, [])


def test_global_search_uses_columns_searchable_on_both_sides(bridge, demo_logins, demo_db) -> None:
    owner = query(demo_db, "SELECT display_name FROM wp_users WHERE ID = 2")[0]["display_name"]
    auth = demo_logins["admin"].auth
    found = datatable(bridge.client, "customers", auth, columns=CUSTOMER_COLUMNS, **{"search[value]": owner})
    assert 1 in row_ids(found) and found["recordsTotal"] == 30
    assert found["recordsFiltered"] == len(row_ids(found))
    hidden = [dict(c) for c in CUSTOMER_COLUMNS]
    hidden[2]["searchable"] = False
    assert (
        datatable(bridge.client, "customers", auth, columns=hidden, **{"search[value]": owner})["recordsFiltered"] == 0
    )
    no_columns = datatable(bridge.client, "customers", auth, **{"search[value]": owner})
    assert row_ids(no_columns) == row_ids(found)


def test_per_column_search_and_global_search_combine(bridge, demo_logins, demo_db) -> None:
    expected = query(
        demo_db,
        "SELECT c.id FROM wp_app_customers c LEFT JOIN wp_users u ON u.ID = c.user_id WHERE c.name LIKE '%%Maju%%' "
        "AND (c.code LIKE '%%4%%' OR c.name LIKE '%%4%%' OR u.display_name LIKE '%%4%%') ORDER BY c.code, c.id",
    )
    columns = [dict(c) for c in CUSTOMER_COLUMNS]
    columns[1]["search"] = "Maju"
    body = datatable(
        bridge.client, "customers", demo_logins["admin"].auth, columns=columns, length=-1, **{"search[value]": "4"}
    )
    assert row_ids(body) == [r["id"] for r in expected] and expected
    assert body["recordsFiltered"] == len(expected) and body["recordsTotal"] == 30


def test_like_wildcards_in_search_text_are_literal(bridge, demo_logins, demo_db) -> None:
    auth = demo_logins["admin"].auth
    assert datatable(bridge.client, "customers", auth, **{"search[value]": "%"})["recordsFiltered"] == 0
    underscored = {
        r["id"]
        for r in query(
            demo_db, "SELECT id FROM wp_app_customer_employees WHERE customer_id = 1 AND LOCATE('_', email) > 0"
        )
    }
    columns = [{"data": "email", "search": "_"}]
    body = datatable(bridge.client, "employees", auth, columns=columns, length=-1, customer_id=1)
    assert set(row_ids(body)) == underscored
    for text in ("x' OR 1=1 -- ", "\\", "\\%", '"; SELECT 1'):
        assert datatable(bridge.client, "customers", auth, **{"search[value]": text})["recordsFiltered"] == 0


def test_two_x_order_names_and_unknown_parameters_are_ignored(bridge, demo_logins) -> None:
    auth = demo_logins["admin"].auth
    plain = datatable(
        bridge.client, "customers", auth, columns=CUSTOMER_COLUMNS, **{"order[0][column]": 0, "order[0][dir]": "asc"}
    )
    extra = datatable(
        bridge.client, "customers", auth, columns=CUSTOMER_COLUMNS,
        **{"order[0][column]": 0, "order[0][dir]": "ASC", "order[0][name]": "code", "search[fixed][0][name]": "f",
           "search[fixed][0][term]": "function", "action": "handle_customer_datatable", "nonce": "abc", "_": "123"},
    )  # fmt: skip
    assert plain["data"] == extra["data"]


# ---- rows ------------------------------------------------------------------------------------------


def test_rows_have_the_plugin_keys_json_typed(bridge, demo_logins) -> None:
    auth = demo_logins["admin"].auth
    customer = datatable(bridge.client, "customers", auth, columns=CUSTOMER_COLUMNS, length=1)["data"][0]
    assert list(customer) == [
        "id",
        "code",
        "name",
        "owner_name",
        "branch_count",
        "DT_RowId",
        "DT_RowData",
        "permissions",
    ]
    assert isinstance(customer["id"], int) and isinstance(customer["branch_count"], int)
    assert customer["DT_RowId"] == f"customer-{customer['id']}"
    assert customer["DT_RowData"] == {"id": customer["id"], "entity": "customer"}
    branch = datatable(bridge.client, "branches", auth, length=1, customer_id=1)["data"][0]
    assert list(branch)[:5] == ["id", "code", "name", "admin_name", "type"] and branch["DT_RowId"].startswith("branch-")
    employee = datatable(bridge.client, "employees", auth, length=1, customer_id=1)["data"][0]
    assert list(employee)[:10] == [
        "id",
        "name",
        "position",
        "email",
        "branch_name",
        "status",
        "finance",
        "operation",
        "legal",
        "purchase",
    ]
    assert all(isinstance(employee[k], bool) for k in ("finance", "operation", "legal", "purchase"))
    agency = datatable(bridge.client, "agencies", auth, length=1)["data"][0]
    assert list(agency)[:4] == ["code", "name", "provinsi_name", "regency_name"]
    assert agency["DT_RowId"] == f"agency-{agency['DT_RowData']['id']}" and agency["DT_RowData"]["entity"] == "agency"


def test_a_requested_model_column_joins_the_row(bridge, demo_logins) -> None:
    columns = [*CUSTOMER_COLUMNS, {"data": "status"}]
    row = datatable(bridge.client, "customers", demo_logins["admin"].auth, columns=columns, length=1)["data"][0]
    assert row["status"] in ("active", "inactive")


def test_agencies_sort_by_region_names(bridge, demo_logins, demo_db) -> None:
    columns = [{"data": "code"}, {"data": "name"}, {"data": "provinsi_name"}, {"data": "regency_name"}]
    body = datatable(
        bridge.client,
        "agencies",
        demo_logins["admin"].auth,
        columns=columns,
        length=-1,
        **{"order[0][column]": 2, "order[0][dir]": "desc"},
    )
    expected = query(
        demo_db,
        "SELECT a.id FROM wp_app_agencies a LEFT JOIN wp_wi_provinces p ON p.code = a.provinsi_code ORDER BY p.name DESC, a.id",
    )
    assert row_ids(body) == [r["id"] for r in expected]


# ---- speed ------------------------------------------------------------------------------------------


def test_one_statement_per_warm_datatables_request(bridge, demo_logins) -> None:
    auth = demo_logins["demo_employee"].auth
    url = f"{API}/datatables/employees"
    params = dt_params(draw=1, customer_id=1, length=2)
    bridge.client.get(url, params=params, auth=auth)
    warm = bridge.client.get(url, params=params, auth=auth)
    assert warm.headers["X-WPBridge-Statements"] == "1"
    bridge.client.post(f"{API}/cache/invalidate", json={"groups": ["employees"]}, auth=demo_logins["admin"].auth)
    cold = bridge.client.get(url, params={**params, "start": "2", "search[value]": "zzzz"}, auth=auth)
    assert cold.headers["X-WPBridge-Statements"] == "1"  # rows, filtered count and recordsTotal together
    assert cold.json()["recordsTotal"] == warm.json()["recordsTotal"] > cold.json()["recordsFiltered"] == 0


# ---- server limits (own server) -----------------------------------------------------------------------


def test_length_minus_one_is_capped_by_max_rows(make_database, start_bridge, demo_logins) -> None:
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "30", "--seed", "1")
    server = start_bridge(url, {"BRIDGE_DATATABLES_MAX_ROWS": "20"})
    auth = demo_logins["admin"].auth
    body = datatable(server.client, "customers", auth, length=-1)
    assert "length=-1 asks for all 30 rows, more than the 20" in body["error"]
    assert datatable(server.client, "customers", auth, length=21)["error"].startswith("length must be at most 20")
    small = datatable(server.client, "employees", auth, length=-1, customer_id=1)
    assert "error" not in small and len(small["data"]) == small["recordsTotal"]
    assert datatable(server.client, "customers", auth, length=20)["recordsTotal"] == 30


def test_the_documented_layout_serves_every_table(make_database, start_bridge, demo_logins) -> None:
    url = make_database()
    run_cli(url, "migrate", "--layout", "documented")
    run_cli(url, "demo", "--customers", "10", "--seed", "1")
    server = start_bridge(url)
    auth = demo_logins["admin"].auth
    for table, extra in (
        ("customers", {}),
        ("branches", {"customer_id": 1}),
        ("employees", {"customer_id": 1}),
        ("agencies", {}),
    ):
        body = datatable(server.client, table, auth, length=-1, **{"search[value]": "a"}, **extra)
        assert "error" not in body and body["data"], table
        assert body["recordsFiltered"] == len(body["data"]) <= body["recordsTotal"]
    stats = server.client.get(f"{API}/statistics/customers", auth=auth).json()
    assert stats["total_customers"] == 10
