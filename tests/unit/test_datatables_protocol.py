"""bridge/datatables/protocol.py with bridge/params.py's bracket keys, alone (no database, no
server): what a DataTables request becomes, and every refusal worded for the in-band ``error``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import pytest

from bridge.datatables.protocol import (
    DataTableError,
    check_regex,
    draw_of,
    error_body,
    parse_request,
)
from bridge.params import ParamError, parse_brackets, query_args, query_pairs


def from_query(query: str) -> dict[str, Any]:
    """The parameters of a GET query string, as the route reads them."""
    return parse_brackets((key, value) for key, values in query_args(query).items() for value in values)


def test_a_jquery_query_string_becomes_the_request() -> None:
    """The bracket keys jQuery sends (percent-encoded, blanks kept) become columns, order and search."""
    query = (
        "draw=3&columns%5B0%5D%5Bdata%5D=code&columns%5B0%5D%5Bname%5D=&columns%5B0%5D%5Bsearchable%5D=true"
        "&columns%5B0%5D%5Borderable%5D=true&columns%5B0%5D%5Bsearch%5D%5Bvalue%5D=&columns%5B0%5D%5Bsearch%5D%5Bregex%5D=false"
        "&columns[1][data]=name&columns[1][searchable]=false&columns[1][orderable]=false"
        "&order[0][column]=0&order[0][dir]=DESC&start=20&length=25&search[value]=+pt+a%25&search[regex]=false"
        "&customer_id=7"
    )
    dt = parse_request(from_query(query), 100)
    assert (dt.draw, dt.start, dt.length) == (3, 20, 25)
    assert [(c.index, c.data, c.searchable, c.orderable) for c in dt.columns] == [
        (0, "code", True, True),
        (1, "name", False, False),
    ]
    assert [(o.column, o.dir) for o in dt.order] == [(0, "desc")]
    assert (dt.search.value, dt.search.regex) == ("pt a%", False)  # trimmed, decoded; the % stays literal text
    assert dt.params["customer_id"] == "7"  # table filters read the rest


def test_a_json_body_is_the_same_request() -> None:
    """``ajax.submitAs: 'json'`` sends lists and JSON scalars; they mean what the form keys mean."""
    dt = parse_request(
        {
            "draw": 2,
            "start": 0,
            "length": -1,
            "columns": [
                {"data": "code", "searchable": True, "orderable": True, "search": {"value": "x", "regex": False}}
            ],
            "order": [{"column": 0, "dir": "asc"}],
            "search": {"value": "", "regex": False},
        },
        100,
    )
    assert (dt.draw, dt.length, dt.columns[0].search.value, dt.order[0].dir) == (2, -1, "x", "asc")


def test_defaults_of_a_minimal_request() -> None:
    """Only ``draw`` is needed: first page of 10, no columns, no order, no search."""
    dt = parse_request({"draw": "5"}, 100)
    assert (dt.draw, dt.start, dt.length, dt.columns, dt.order, dt.search.value) == (5, 0, 10, (), (), "")


def test_array_and_object_data_name_no_column() -> None:
    """``columns[i][data]`` as an array index or an object (orthogonal data) selects no model column."""
    dt = parse_request({"draw": 1, "columns": [{"data": 0}, {"data": {"_": "x"}}, {"data": "code"}]}, 100)
    assert [c.data for c in dt.columns] == ["0", None, "code"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "draw is missing"),
        ({"draw": "x"}, "draw is not of type integer"),
        ({"draw": 1, "start": "-1"}, "start must be between 0"),
        ({"draw": 1, "length": "0"}, "length must be -1 or between 1"),
        ({"draw": 1, "length": "101"}, "length must be at most 100"),
        ({"draw": 1, "sEcho": "1"}, "Legacy DataTables 1.9"),
        ({"draw": 1, "mDataProp_0": "a"}, "Legacy DataTables 1.9"),
        ({"draw": 1, "columns": {"0": {"data": "a"}, "2": {"data": "b"}}}, "numbered 0, 1, 2"),
        ({"draw": 1, "columns": {"01": {"data": "a"}}}, "numbered 0, 1, 2"),
        ({"draw": 1, "columns": "a"}, "columns must be a list"),
        ({"draw": 1, "columns": [{"data": "a"}] * 101}, "at most 100 are accepted"),
        ({"draw": 1, "columns": ["a"]}, "columns[0] must have [data]"),
        (
            {"draw": 1, "columns": [{"data": "a", "searchable": "maybe"}]},
            "columns[0][searchable] must be true or false",
        ),
        ({"draw": 1, "order": [{"column": 0}]}, "order needs the columns"),
        ({"draw": 1, "columns": [{"data": "a"}], "order": [{"column": 1}]}, "index of one of the 1 columns"),
        ({"draw": 1, "columns": [{"data": "a"}], "order": [{"column": 0, "dir": "up"}]}, "order[0][dir] must be asc"),
        ({"draw": 1, "columns": [{"data": "a"}], "order": [{"column": 0}] * 2}, "more entries than there are columns"),
        ({"draw": 1, "search": {"value": "x" * 201}}, "longer than 200 characters"),
        ({"draw": 1, "search": "x"}, "search must have [value] and [regex]"),
        ({"draw": 1, "search": {"value": ["x"]}}, "search[value] must be text"),
    ],
)
def test_malformed_requests_are_refused_naming_what_is_wrong(params: dict[str, Any], message: str) -> None:
    """Each mistake gets a message the DataTables client can show; nothing reaches SQL."""
    with pytest.raises(DataTableError) as refused:
        parse_request(params, 100)
    assert message in str(refused.value)


def test_refusals_never_repeat_the_clients_text() -> None:
    """A hostile value is not echoed back into the page that shows ``error``."""
    hostile = "<script>alert(1)</script>"
    for params in ({"draw": hostile}, {"draw": 1, "start": hostile}, {"draw": 1, "columns": {hostile: {}}}):
        with pytest.raises(DataTableError) as refused:
            parse_request(params, 100)
        assert "<script>" not in str(refused.value)
    with pytest.raises(ParamError) as repeated:
        parse_brackets([(hostile, "1"), (hostile, "2")])
    assert "<script>" not in repeated.value.message


@pytest.mark.parametrize(
    "pairs",
    [
        [("draw", "1"), ("draw", "2")],
        [("search", "x"), ("search[value]", "y")],
        [("search[value]", "y"), ("search", "x")],
        [("a" + "[b]" * 6, "1")],
    ],
)
def test_bracket_keys_that_cannot_be_one_value_are_refused(pairs: list[tuple[str, str]]) -> None:
    """A key sent twice, a key that is both a value and a parent, or nesting deeper than 6 levels."""
    with pytest.raises(ParamError):
        parse_brackets(pairs)


def test_bracket_arrays_append_and_blank_values_stay() -> None:
    """``a[]`` repeats into 0, 1, …; the blank values DataTables sends are kept."""
    assert parse_brackets([("ids[]", "1"), ("ids[]", "2"), ("columns[0][name]", "")]) == {
        "ids": {"0": "1", "1": "2"},
        "columns": {"0": {"name": ""}},
    }


def test_query_args_decode_like_parse_qs() -> None:
    """``+`` is a space and percent escapes decode, in keys and values; order and blanks are kept."""
    assert query_args("a=1&b=&a=x+y&c%5B0%5D=%2B&&d") == {"a": ["1", "x y"], "b": [""], "c[0]": ["+"], "d": [""]}


@pytest.mark.parametrize(("params", "draw"), [({"draw": "7"}, 7), ({"draw": "x"}, 0), ({}, 0), ({"draw": 2**64}, 0)])
def test_the_error_answer_echoes_a_draw_it_can_encode(params: dict[str, Any], draw: int) -> None:
    """The in-band error answer: HTTP 200's body with no rows, the reason in ``error``, a safe ``draw``."""
    assert error_body(draw_of(params), "why") == {
        "draw": draw,
        "recordsTotal": 0,
        "recordsFiltered": 0,
        "data": [],
        "error": "why",
    }


def test_regular_expressions_are_short_and_well_formed() -> None:
    """A column's regex search is checked before MySQL sees it."""
    assert check_regex("^PT [A-Z]+$", "search[value]") == "^PT [A-Z]+$"
    with pytest.raises(DataTableError, match="not a valid regular expression"):
        check_regex("(", "search[value]")
    with pytest.raises(DataTableError, match="longer than 100"):
        check_regex("a" * 101, "search[value]")


@pytest.mark.parametrize(
    "query",
    [
        "a=1&b=&a=x+y&c%5B0%5D=%2B&&d",
        "columns%5B0%5D%5Bdata%5D=code&columns%5B0%5D%5Bsearch%5D%5Bvalue%5D=&draw=1",
        "s=%FF%FE&k%FF=v&x=%E2%82%AC+%&y=a=b=c&=v&&&z",
        "caf%C3%A9=%C3%A9t%C3%A9&plus+key=1+2&pct=%25%32%35",
        "",
        "&",
        "only",
    ],
)
def test_query_pairs_are_parse_qsl_with_blanks(query: str) -> None:
    """What the app's request answers for ``get_query_args(keep_blank_values=True)`` (every
    route's query pairs) is exactly parse_qsl's: order, blanks, '+', invalid UTF-8 replaced."""
    assert query_pairs(query) == parse_qsl(query, keep_blank_values=True)
    assert query_pairs(query * 2 + "&" + query) == parse_qsl(query * 2 + "&" + query, keep_blank_values=True)


def test_the_app_request_reads_its_query_with_query_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's request class answers get_query_args(keep_blank_values=True) with query_pairs,
    once per request, and every other combination as Sanic does."""
    from sanic import Sanic

    import bridge.context
    from bridge.context import BridgeRequest

    parsed: list[str] = []
    monkeypatch.setattr(bridge.context, "query_pairs", lambda q: parsed.append(q) or query_pairs(q))
    app = Sanic("query_pairs_probe", request_class=BridgeRequest)
    request = BridgeRequest(b"/x?a=1&b=&a=%FF", {}, "1.1", "GET", None, app)  # type: ignore[arg-type]
    assert request.get_query_args(keep_blank_values=True) == [("a", "1"), ("b", ""), ("a", "\ufffd")]
    assert request.get_query_args(keep_blank_values=True) is request.get_query_args(keep_blank_values=True)
    assert parsed == ["a=1&b=&a=%FF"]
    assert request.get_query_args() == [("a", "1"), ("a", "\ufffd")]
    assert parsed == ["a=1&b=&a=%FF"]
