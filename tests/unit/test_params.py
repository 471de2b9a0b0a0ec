"""bridge/params.py alone (no database, no server): the one integer parser, the repeated-key rule,
bracket keys, strict form bodies, and bridge/sanitize.py's sanitize_text_field, the last checked against WordPress's own PHP when
Debian's WordPress and php-cli are installed (as `make test` installs them)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from bridge.datatables.protocol import DataTableError, draw_of, parse_request
from bridge.params import (
    MAX_INT,
    ParamError,
    boundary_of,
    integer,
    multipart_pairs,
    parse_brackets,
    path_id,
    repeated_key,
    urlencoded_pairs,
)
from bridge.sanitize import sanitize_text

NOT_INT = "n is not of type integer."
RANGE = "n must be between 0 (inclusive) and 9223372036854775807 (inclusive)."

# ---- integers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        ("12", 12),
        (" 12\t", 12),
        ("+7", 7),
        ("007", 7),
        ("0" * 40 + "5", 5),
        (12, 12),
        (MAX_INT, MAX_INT),
        (str(MAX_INT), MAX_INT),
    ],
)
def test_ascii_integers_are_accepted(value: object, expected: int) -> None:
    assert integer(value, "n") == expected


@pytest.mark.parametrize(
    "value",
    [
        "１２",  # fullwidth digits: int() and str.isdigit() accept them
        "١٢",  # Arabic-Indic digits
        "۱۲",  # extended Arabic-Indic
        "१२",  # Devanagari
        "1_000",  # int() reads it as 1000
        "1e3",
        "1.0",
        "0x10",
        "12abc",
        " ",
        "\u00a012",  # a non-ASCII space around digits
        "1 2",
        True,  # JSON true is not 1
        False,
        1.0,  # JSON floats are refused, even whole ones
        1e20,
        float("nan"),
        [1],
        {"a": 1},
    ],
)
def test_anything_but_ascii_digits_is_not_an_integer(value: object) -> None:
    with pytest.raises(ParamError) as caught:
        integer(value, "n")
    assert caught.value.message == NOT_INT and caught.value.field == "n"


@pytest.mark.parametrize("value", ["-1", -1, str(MAX_INT + 1), MAX_INT + 1, 2**64, "9" * 5000, "100000000000000000000"])
def test_out_of_range_has_one_message(value: object) -> None:
    with pytest.raises(
        ParamError, match=r"^n must be between 0 \(inclusive\) and 9223372036854775807 \(inclusive\)\.$"
    ):
        integer(value, "n")


def test_bounds_extra_values_defaults_and_json_only_fields() -> None:
    assert integer(None, "n") is None and integer("", "n", default=10) == 10
    assert integer("-1", "length", low=1, also=(-1,)) == -1
    with pytest.raises(
        ParamError, match=r"^length must be -1 or between 1 \(inclusive\) and 9223372036854775807 \(inclusive\)\.$"
    ):
        integer("0", "length", low=1, also=(-1,))
    with pytest.raises(ParamError, match=r"^per_page must be between 1 \(inclusive\) and 100 \(inclusive\)\.$"):
        integer("101", "per_page", low=1, high=100)
    assert integer(3, "id", text=False) == 3
    with pytest.raises(ParamError, match="not of type integer"):
        integer("3", "id", text=False)


def test_path_ids_are_bare_ascii_digits() -> None:
    assert path_id("42") == 42 and path_id("0") == 0
    for text in ("１", "١", "1_0", "+1", "-1", " 1", "1.0", str(MAX_INT + 1), ""):
        with pytest.raises(ValueError):
            path_id(text)


# ---- DataTables through the same parser -----------------------------------------------------------


@pytest.mark.parametrize("draw", [1e20, 10**20, 2**64, 2**63, -1, True, 1.5, "１", [1]])
def test_a_draw_that_cannot_be_echoed_echoes_0(draw: object) -> None:
    assert draw_of({"draw": draw}) == 0
    with pytest.raises(DataTableError, match="^draw "):
        parse_request({"draw": draw}, 100)


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (2**64, "start must be between"),
        (1e20, "start is not"),
        (1e30, "start is not"),
        (2**63, "start must be between"),
        (True, "start is not"),
        ("١٠", "start is not"),
    ],
)
def test_a_start_mysql_cannot_take_is_refused(start: object, message: str) -> None:
    with pytest.raises(DataTableError, match=f"^{message}"):
        parse_request({"draw": 1, "start": start}, 100)


def test_column_numbers_must_be_ascii_and_canonical() -> None:
    good = parse_brackets([("draw", "1"), ("columns[0][data]", "a"), ("columns[1][data]", "b")])
    assert [c.data for c in parse_request(good, 100).columns] == ["a", "b"]
    for key in ("columns[١][data]", "columns[01][data]", "columns[+1][data]"):
        pairs = [("draw", "1"), ("columns[0][data]", "a"), (key, "b")]
        with pytest.raises(DataTableError, match="numbered 0, 1, 2"):
            parse_request(parse_brackets(pairs), 100)


# ---- repeated keys --------------------------------------------------------------------------------


def test_repeated_keys_are_refused_except_arrays() -> None:
    assert repeated_key(["a", "b", "a"]) == "a"
    assert repeated_key(["a[]", "a[]", "b"]) is None
    assert repeated_key(["columns[0][data]", "columns[1][data]"]) is None
    with pytest.raises(ParamError, match=r"^draw is sent more than once"):
        parse_brackets([("draw", "1"), ("draw", "2")])
    with pytest.raises(ParamError, match=r"^columns\[0\]\[data\] is sent more than once"):
        parse_brackets([("columns[0][data]", "a"), ("columns[0][data]", "b")])
    assert parse_brackets([("ids[]", "1"), ("ids[]", "2")]) == {"ids": {"0": "1", "1": "2"}}


# ---- form bodies ----------------------------------------------------------------------------------


def test_urlencoded_bodies_decode_strictly_and_name_the_bad_field() -> None:
    assert urlencoded_pairs(b"a=1&b=%C3%A9+x&c=&d&&e=%2B") == [
        ("a", "1"),
        ("b", "é x"),
        ("c", ""),
        ("d", ""),
        ("e", "+"),
    ]
    for body in (b"name=%FF%FE", b"name=\xff", b"name=%ED%A0%80"):  # the last: an encoded surrogate
        with pytest.raises(ParamError) as caught:
            urlencoded_pairs(b"code=A1&" + body)
        assert caught.value.field == "name" and caught.value.message == "name is not valid UTF-8."
    with pytest.raises(ParamError, match="parameter name"):
        urlencoded_pairs(b"%FF=1")


def _multipart(boundary: str, *parts: bytes) -> bytes:
    return (
        b"".join(b"--" + boundary.encode() + b"\r\n" + p + b"\r\n" for p in parts)
        + b"--"
        + boundary.encode()
        + b"--\r\n"
    )


def test_multipart_needs_a_valid_boundary_before_parsing() -> None:
    with pytest.raises(ParamError, match="needs a boundary"):
        boundary_of("multipart/form-data")
    with pytest.raises(ParamError, match="needs a boundary"):
        boundary_of("multipart/form-data; charset=utf-8")
    for bad in ('boundary=""', "boundary=" + "x" * 71, 'boundary="ends with space "', "boundary=a\\b"):
        with pytest.raises(ParamError, match="boundary must be 1 to 70"):
            boundary_of(f"multipart/form-data; {bad}")
    assert boundary_of('multipart/form-data; BOUNDARY="a b:c"') == "a b:c"


def test_multipart_fields_are_read_and_checked() -> None:
    body = _multipart(
        "XyZ",
        b'Content-Disposition: form-data; name="name"\r\n\r\nPT \xc3\x89tude',
        b'Content-Disposition: form-data; name="empty"\r\n\r\n',
        b'Content-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nignored',
    )
    assert multipart_pairs(body, "multipart/form-data; boundary=XyZ") == [("name", "PT Étude"), ("empty", "")]
    bad = _multipart("XyZ", b'Content-Disposition: form-data; name="name"\r\n\r\n\xff\xfe')
    with pytest.raises(ParamError) as caught:
        multipart_pairs(bad, "multipart/form-data; boundary=XyZ")
    assert caught.value.field == "name"
    with pytest.raises(ParamError, match="does not contain its boundary"):
        multipart_pairs(b"name=x", "multipart/form-data; boundary=XyZ")


# ---- sanitize_text_field ------------------------------------------------------------------------

SANITIZE = {
    "  PT Maju  ": "PT Maju",
    "nul\u0000byte": "nulbyte",
    "bell\u0007 and\u001b escape\u007f": "bell and escape",
    "<script>alert(1)</script>PT": "PT",
    "<b>bold</b> text": "bold text",
    "line\r\nbreak\tand   spaces": "line break and spaces",
    "A < B": "A &lt; B",
    "1 < 2 & 3": "1 &lt; 2 &amp; 3",
    "a < b > c": "a < b > c",
    "PT <Maju": "PT &lt;Maju",
    "50%OFF": "50%OFF",
    "50%ab": "50",
    "x %20 y": "x y",
    "%2541": "41",
    "%%4141": "",  # octets are removed until none is left
    "a<!-- note -->b": "ab",
    '<a title=">">x</a>y': "xy",
    "&amp; <": "&amp; &lt;",
    "Ω≈ç√ 😀": "Ω≈ç√ 😀",
}


@pytest.mark.parametrize(("raw", "clean"), SANITIZE.items())
def test_sanitize_text(raw: str, clean: str) -> None:
    assert sanitize_text(raw) == clean


WORDPRESS = Path("/usr/share/wordpress/wp-includes")
PHP_SANITIZE = """<?php
function apply_filters($tag, $value) { return $value; }
function get_option($name) { return 'UTF-8'; }
function wp_load_alloptions() { return array('blog_charset' => 'UTF-8'); }
function is_utf8_charset($charset = null) { return true; }
function _deprecated_argument() {}
define('ABSPATH', '/usr/share/wordpress/');
define('WPINC', 'wp-includes');
require ABSPATH . WPINC . '/formatting.php';
require ABSPATH . WPINC . '/kses.php';
echo json_encode(array_map('sanitize_text_field', json_decode(stream_get_contents(STDIN), true)));
"""


@pytest.mark.skipif(
    shutil.which("php") is None or not (WORDPRESS / "formatting.php").exists(),
    reason="needs php-cli and Debian's wordpress package (scripts/ensure-test-packages.sh installs both)",
)
def test_sanitize_text_agrees_with_wordpress(tmp_path: Path) -> None:
    """Every case above except the control characters (which WordPress keeps unless the text has a
    tag, and the bridge never stores) gives exactly what WordPress's own function gives."""
    script = tmp_path / "sanitize.php"
    script.write_text(PHP_SANITIZE)
    cases = [
        raw for raw in SANITIZE if not any(ord(c) < 32 and c not in "\t\r\n" or 0x7F <= ord(c) <= 0x9F for c in raw)
    ]
    cases += [
        "&#65;<x",
        "&bogus; <",
        "&#0;<",
        "&#x0041; <",
        "<?php echo 1; ?>PT",
        "<!-->x",
        "<style>p{}</style>CV",
        "<\nfoo>",
    ]
    run = subprocess.run(["php", str(script)], input=json.dumps(cases), capture_output=True, text=True, check=True)
    assert dict(zip(cases, json.loads(run.stdout), strict=True)) == {raw: sanitize_text(raw) for raw in cases}


LAYOUT_CASES = [
    [
        "columns[0][data]",
        "columns[0][name]",
        "columns[0][search][value]",
        "columns[1][data]",
        "order[0][column]",
        "draw",
    ],
    ["ids[]", "ids[]", "ids[0]", "x[][y]", "x[][y]", "x[0][z]"],  # appends; a[0] after a[] replaces
    ["a[b]", "a"],  # a parent, then a value: refused
    ["a", "a[b]"],  # a value, then a parent: refused
    ["a", "b", "a"],  # repeated
    ["a[b][c][d][e][f][g]"],  # too deep
    ["[x]", "]", "a[b]c", "a[][]", "a[][]", "%5B", ""],  # odd keys
]


@pytest.mark.parametrize("keys", LAYOUT_CASES)
def test_bracket_layouts_replay_exactly_what_parsing_gives(keys: list[str]) -> None:
    """parse_brackets keeps the dict operations of a sequence of keys and replays them with the
    next values: the answer (or the refusal) is the one parsing those pairs afresh gives."""
    import bridge.params as params

    for round_ in range(3):  # the first builds the layout, the next replay it
        pairs = [(key, f"v{round_}.{i}") for i, key in enumerate(keys)]
        try:
            expected: object = params._nest(pairs, None)
        except ParamError as exc:
            expected = ("refused", exc.field, exc.message)
        try:
            got: object = parse_brackets(pairs)
        except ParamError as exc:
            got = ("refused", exc.field, exc.message)
        assert got == expected
        assert json.dumps(got) == json.dumps(expected)  # the same order of keys too


def test_a_layout_is_built_once_per_sequence_of_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    import bridge.params as params

    built: list[int] = []
    real = params._nest
    monkeypatch.setattr(params, "_nest", lambda pairs, layout: built.append(1) or real(pairs, layout))
    keys = ["draw", "columns[0][data]", "columns[0][search][value]", "start", "layout-probe"]
    first = parse_brackets([(k, "1") for k in keys])
    second = parse_brackets([(k, "2") for k in keys])
    assert built == [1]
    assert second == {
        "draw": "2",
        "columns": {"0": {"data": "2", "search": {"value": "2"}}},
        "start": "2",
        "layout-probe": "2",
    }
    assert first["columns"]["0"]["search"]["value"] == "1"
    parse_brackets([(k, 3) for k in keys])  # not text: parsed afresh
    assert built == [1, 1]
