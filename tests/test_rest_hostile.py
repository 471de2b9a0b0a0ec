"""Hostile input on every REST write route: quotes, backslashes, LIKE wildcards, SQL fragments,
10,000-character strings, emoji, NUL, numbers as strings, arrays and objects where scalars
belong. Never a 500, every refusal is a WordPress error body, accepted text is stored as
WordPress's sanitize_text_field leaves it (trimmed; tags, line breaks and control characters
gone), and no row other than the one written ever changes."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.write_site import Site, open_site, pick_place


@pytest.fixture(scope="module")
def site(make_database: Callable, start_bridge: Callable, tmp_path_factory: pytest.TempPathFactory) -> Site:
    return open_site(make_database, start_bridge, tmp_path_factory)


@pytest.fixture(scope="module")
def place(site: Site) -> dict[str, Any]:
    return pick_place(site)


HOSTILE: tuple[Any, ...] = (
    "'",
    '"',
    "\\",
    "\\'",
    "x\\",
    "' OR '1'='1",
    "'; DROP TABLE wp_app_customers; -- ",
    "%",
    "_",
    "%_\\%",
    "Robert'); DELETE FROM wp_users; --",
    "1 UNION SELECT user_pass FROM wp_users",
    "😀🏢👨‍👩‍👧",
    "x" * 10_000,
    "nul\u0000byte",
    "<script>alert(1)</script>",
    "NULL",
    "\r\n",
    "   ",
    "12",
    "-1",
    "1e3",
    "0x1F",
    12,
    -1,
    0,
    1.5,
    True,
    None,
    [],
    ["a"],
    {"$gt": ""},
    10**30,
)
TEXT_FIELDS = {
    "name",
    "npwp",
    "nib",
    "code",
    "email",
    "phone",
    "address",
    "position",
    "keterangan",
    "nitku",
    "postal_code",
}
# What sanitize_text_field (plus the bridge's removal of control characters) makes of the
# HOSTILE texts it changes beyond trimming; written out here, not computed by the code under test.
CLEANED = {
    "nul\u0000byte": "nulbyte",
    "<script>alert(1)</script>": "",
    "\r\n": "",
}
_serial = itertools.count(1)


def check(site: Site, response: Any, path: str, field: str, value: Any) -> None:
    assert response.status_code in (200, 201, 400, 409), (path, field, value, response.status_code, response.text[:300])
    body = response.json()
    if response.status_code >= 400:
        assert set(body) >= {"code", "message", "data"} and body["data"]["status"] == response.status_code
        return
    stored = CLEANED.get(value, value.strip()) if isinstance(value, str) else None
    if field == "code" and isinstance(value, str) and not stored:
        assert body["code"], "a blank code on create means: generate one"
    elif field in TEXT_FIELDS and isinstance(value, str) and field not in ("npwp", "nib"):
        assert body[field] == (stored or None), (path, field, value)


def others_unchanged(site: Site, before: dict, after: dict, touched: set[tuple[str, int]]) -> None:
    for table in before:
        old = {row[0]: row for row in before[table] if (table, row[0]) not in touched}
        new = {row[0]: row for row in after[table] if (table, row[0]) not in touched}
        assert set(old) <= set(new), table
        assert {k: new[k] for k in old} == old, table


@pytest.fixture(scope="module")
def targets(site: Site, place: dict) -> dict[str, Any]:
    """Rows to attack: a customer with a head office, a cabang, and an employee."""
    users = [r["ID"] for r in site.sql("SELECT ID FROM wp_users WHERE ID > 9 ORDER BY ID DESC LIMIT 3")]
    regencies = place["regencies"]
    customer = site.call(
        "admin",
        "POST",
        "/customers",
        json={
            "name": "PT Sasaran",
            "user_id": users[0],
            "provinsi_id": place["province"]["id"],
            "regency_id": regencies[0]["id"],
        },
    ).json()
    branch = site.call(
        "admin",
        "POST",
        "/branches",
        json={
            "customer_id": customer["id"],
            "name": "Cabang Sasaran",
            "type": "cabang",
            "regency_id": regencies[1]["id"],
        },
    ).json()
    employee = site.call(
        "admin",
        "POST",
        "/employees",
        json={
            "customer_id": customer["id"],
            "branch_id": branch["id"],
            "user_id": users[1],
            "name": "Karyawan Sasaran",
            "position": "Staf",
            "email": "sasaran@example.com",
            "finance": True,
        },
    ).json()
    free = site.sql(
        "SELECT id FROM wp_wi_regencies WHERE province_id = %s AND id NOT IN (%s, %s) ORDER BY id",
        [place["province"]["id"], regencies[0]["id"], regencies[1]["id"]],
    )
    return {
        "customer": customer,
        "branch": branch,
        "employee": employee,
        "user": users[2],
        "regencies": [r["id"] for r in free],
    }


def create_body(kind: str, targets: dict) -> dict[str, Any]:
    n = next(_serial)
    if kind == "customers":
        return {"name": f"CV Serangan {n}"}
    if kind == "branches":
        regency = targets["regencies"][n % len(targets["regencies"])]
        return {
            "customer_id": targets["customer"]["id"],
            "name": f"Cabang Serangan {n}",
            "type": "cabang",
            "regency_id": regency,
        }
    return {
        "customer_id": targets["customer"]["id"],
        "branch_id": targets["branch"]["id"],
        "user_id": targets["user"],
        "name": f"Karyawan {n}",
        "position": "Staf",
        "email": f"serangan{n}@example.com",
        "operation": True,
    }


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("customers", "name"),
        ("customers", "npwp"),
        ("customers", "nib"),
        ("customers", "code"),
        ("customers", "status"),
        ("customers", "provinsi_id"),
        ("customers", "user_id"),
        ("branches", "name"),
        ("branches", "type"),
        ("branches", "email"),
        ("branches", "phone"),
        ("branches", "address"),
        ("branches", "latitude"),
        ("branches", "customer_id"),
        ("branches", "regency_id"),
        ("employees", "name"),
        ("employees", "email"),
        ("employees", "position"),
        ("employees", "finance"),
        ("employees", "branch_id"),
        ("employees", "user_id"),
        ("employees", "keterangan"),
    ],
)
def test_hostile_values_on_create(site: Site, targets: dict, kind: str, field: str) -> None:
    before = site.snapshot()
    created: set[tuple[str, int]] = set()
    table = {
        "customers": "wp_app_customers",
        "branches": "wp_app_customer_branches",
        "employees": "wp_app_customer_employees",
    }[kind]
    for value in HOSTILE:
        r = site.call("admin", "POST", f"/{kind}", json={**create_body(kind, targets), field: value})
        check(site, r, kind, field, value)
        if r.status_code == 201:
            created.add((table, r.json()["id"]))
    others_unchanged(site, before, site.snapshot(), created)


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("customer", "name"),
        ("customer", "npwp"),
        ("customer", "status"),
        ("customer", "regency_id"),
        ("branch", "name"),
        ("branch", "address"),
        ("branch", "nitku"),
        ("branch", "postal_code"),
        ("branch", "agency_id"),
        ("employee", "name"),
        ("employee", "email"),
        ("employee", "phone"),
        ("employee", "legal"),
        ("employee", "branch_id"),
    ],
)
def test_hostile_values_on_update(site: Site, targets: dict, kind: str, field: str) -> None:
    target = targets[kind]["id"]
    table = {
        "customer": "wp_app_customers",
        "branch": "wp_app_customer_branches",
        "employee": "wp_app_customer_employees",
    }[kind]
    before = site.snapshot()
    for value in HOSTILE:
        r = site.call("admin", "PATCH", f"/{kind.replace('branch', 'branche')}s/{target}", json={field: value})
        check(site, r, kind, field, value)
    others_unchanged(site, before, site.snapshot(), {(table, target)})


@pytest.mark.parametrize(
    ("headers", "content", "statuses"),
    [
        ({"content-type": "application/json"}, b"\x00\x01\x02", (400, 412)),
        ({"content-type": "application/json"}, b"{" * 5000, (400, 412)),
        ({"content-type": "application/json"}, b'{"name": ' + b'"x' * 1 + b'"' + b"}" * 3, (400, 412)),
        ({"content-type": "application/x-www-form-urlencoded"}, b"name=%FF%FE&status[]=active", (400, 412)),
        ({"content-type": "application/x-www-form-urlencoded"}, b"name=a&name=b", (400, 412)),
        ({"content-type": "text/plain"}, b"name=CV", (415,)),  # read by its declared type only
        (
            {"content-type": "application/json", "If-Match": "\"'; DROP TABLE wp_users; --"},
            b'{"name": "CV If"}',
            (400, 412),
        ),
    ],
)
def test_hostile_bodies_and_headers(site: Site, targets: dict, headers: dict, content: bytes, statuses: tuple) -> None:
    before = site.snapshot()
    target = targets["customer"]["id"]
    for method, path in (("POST", "/customers"), ("PATCH", f"/customers/{target}"), ("DELETE", f"/customers/{target}")):
        if (method == "DELETE") != ("If-Match" in headers) and method != "PATCH":
            continue
        r = site.call("admin", method, path, content=content, headers=headers)
        assert r.status_code in statuses, (method, headers, content[:40], r.status_code, r.text[:200])
        assert r.json()["data"]["status"] == r.status_code
    assert site.snapshot() == before


# ---- numbers, repeated keys, bodies and text through bridge/params.py ------------

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("spell", ["0_{}", "+{}", "FULLWIDTH", "ARABIC_INDIC"])
def test_path_ids_are_ascii_digits_only(site: Site, targets: dict, spell: str) -> None:
    """Sanic's ``<id:int>`` cast is ``int()``, which reads "0_9" and "+9" as 9: a client could read,
    change or delete row 9 through such a URL. WordPress's ``[\\d]+`` routes match ASCII digits
    only; so does the bridge's ``<id>`` type (other digits, percent-encoded, never matched)."""
    target = targets["customer"]["id"]
    tables = {"FULLWIDTH": FULLWIDTH, "ARABIC_INDIC": ARABIC_INDIC}
    text = str(target).translate(tables[spell]) if spell in tables else spell.format(target)
    before = site.snapshot()
    for method, kw in (("GET", {}), ("PATCH", {"json": {"name": "CV Lewat Digit Lain"}}), ("DELETE", {})):
        r = site.call("admin", method, f"/customers/{text}", **kw)
        assert r.status_code == 404 and r.json()["code"] == "rest_no_route", (method, text, r.status_code, r.text[:200])
    assert site.snapshot() == before
    assert site.call("admin", "GET", f"/customers/{target}").status_code == 200


@pytest.mark.parametrize(
    ("path", "param", "message"),
    [
        ("/customers?per_page=" + "10".translate(FULLWIDTH), "per_page", "per_page is not of type integer."),
        ("/customers?page=" + "2".translate(ARABIC_INDIC), "page", "page is not of type integer."),
        ("/customers?offset=1_0", "offset", "offset is not of type integer."),
        (
            "/customers?page=9223372036854775808",
            "page",
            "page must be between 1 (inclusive) and 1000000000 (inclusive).",
        ),
        ("/branches?customer_id=" + "1".translate(ARABIC_INDIC), "customer_id", "customer_id is not of type integer."),
        (
            "/branches?customer_id=0",
            "customer_id",
            "customer_id must be between 1 (inclusive) and 9223372036854775807 (inclusive).",
        ),
        (
            "/statistics/customers?customer_id=" + "1".translate(FULLWIDTH),
            "customer_id",
            "customer_id is not of type integer.",
        ),
        (
            "/statistics/customers?customer_id=99999999999999999999",
            "customer_id",
            "customer_id must be between 1 (inclusive) and 9223372036854775807 (inclusive).",
        ),
        ("/relations/agency/" + "1".translate(ARABIC_INDIC), "id", "id is not of type integer."),
        ("/relations/agency/0", "id", "id must be between 1 (inclusive) and 9223372036854775807 (inclusive)."),
        ("/tabs/agency/" + "1".translate(FULLWIDTH) + "/statistics", "id", "id is not of type integer."),
        (
            "/tabs/agency/99999999999999999999/statistics",
            "id",
            "id must be between 1 (inclusive) and 9223372036854775807 (inclusive).",
        ),
    ],
)
def test_query_and_path_integers_share_one_parser(site: Site, path: str, param: str, message: str) -> None:
    """ASCII digits only, 0..2^63-1 (or the route's narrower range), one message everywhere."""
    r = site.call("admin", "GET", path)
    assert r.status_code == 400, (path, r.status_code, r.text[:200])
    assert r.json()["code"] == "rest_invalid_param" and r.json()["data"]["params"] == {param: message}


@pytest.mark.parametrize(
    "path",
    [
        "/customers?per_page=1&per_page=2",
        "/customers?_fields=id&_fields=name",
        "/customers/{id}?_fields=id&_fields=name",
        "/customers/{id}?anything=1&anything=2",
        "/statistics/customers?customer_id={id}&customer_id=1",
        "/statistics/agencies?x=1&x=2",
        "/relations/agency/accessible?x=1&x=2",
        "/relations/agency/1?x=1&x=2",
        "/tabs/agency/1/statistics?x=1&x=2",
        "/users/me?x=1&x=2",
    ],
)
def test_repeated_query_keys_are_400_on_every_route(site: Site, targets: dict, path: str) -> None:
    """One documented rule: a query key may appear once unless its name ends in []. Before, REST
    refused repeats of the parameters it reads, and /statistics silently took the first value."""
    r = site.call("admin", "GET", path.format(id=targets["customer"]["id"]))
    assert r.status_code == 400 and r.json()["code"] == "rest_invalid_param", (path, r.status_code, r.text[:200])
    assert "is sent more than once" in next(iter(r.json()["data"]["params"].values()))


def test_repeated_query_keys_refuse_a_write_before_it_happens(site: Site, targets: dict) -> None:
    before = site.snapshot()
    r = site.call("admin", "PATCH", f"/customers/{targets['customer']['id']}?x=1&x=2", json={"name": "CV Tidak Jadi"})
    assert r.status_code == 400 and site.snapshot() == before


def test_array_keys_may_repeat(site: Site, targets: dict) -> None:
    r = site.call("admin", "GET", f"/customers/{targets['customer']['id']}?_fields[]=id&_fields[]=name")
    assert r.status_code == 200 and set(r.json()) == {"id", "name"}


@pytest.mark.parametrize("fields", ["", ",", ",,, ,"])
def test_fields_naming_nothing_returns_whole_items(site: Site, targets: dict, fields: str) -> None:
    """WordPress's wp_parse_list of an empty ``_fields`` is an empty list: every field, not ``{}``."""
    target = targets["customer"]["id"]
    whole = site.call("admin", "GET", f"/customers/{target}").json()
    assert site.call("admin", "GET", f"/customers/{target}", params={"_fields": fields}).json() == whole
    listed = site.call("admin", "GET", "/customers", params={"_fields": fields, "per_page": 3}).json()
    assert listed == site.call("admin", "GET", "/customers", params={"per_page": 3}).json() and len(listed[0]) > 5


def test_body_ids_are_ascii_integers_never_floats(site: Site, place: dict) -> None:
    province = place["province"]["id"]
    for value, message in (
        (str(province).translate(FULLWIDTH), "provinsi_id is not of type integer."),
        (str(province).translate(ARABIC_INDIC), "provinsi_id is not of type integer."),
        (float(province), "provinsi_id is not of type integer."),
        (True, "provinsi_id is not of type integer."),
        (2**63, "provinsi_id must be between 1 (inclusive) and 9223372036854775807 (inclusive)."),
    ):
        before = site.snapshot()
        r = site.call("admin", "POST", "/customers", json={"name": f"CV Angka {next(_serial)}", "provinsi_id": value})
        assert r.status_code == 400 and r.json()["data"]["params"] == {"provinsi_id": message}, (value, r.text[:300])
        assert site.snapshot() == before
    ok = site.call(
        "admin", "POST", "/customers", data={"name": f"CV Angka {next(_serial)}", "provinsi_id": f" {province} "}
    )
    assert ok.status_code == 201 and ok.json()["provinsi_id"] == province


def test_multipart_without_boundary_is_400_and_logs_nothing(site: Site, targets: dict) -> None:
    """Sanic's form parser logged an ERROR with a traceback for every such request."""
    before = len(site.server.log())
    snapshot = site.snapshot()
    for method, path in (("POST", "/customers"), ("PATCH", f"/customers/{targets['customer']['id']}")):
        for ctype in ("multipart/form-data", "multipart/form-data; charset=utf-8"):
            r = site.call("admin", method, path, content=b"name=CV+Tanpa+Batas", headers={"Content-Type": ctype})
            assert r.status_code == 400 and r.json()["code"] == "rest_invalid_param", (method, ctype, r.text[:200])
            assert "needs a boundary" in r.json()["data"]["params"]["body"]
    assert site.snapshot() == snapshot
    log = site.server.log()[before:]
    assert "Traceback" not in log and "ERROR" not in log and "Failed when parsing form" not in log, log


def test_multipart_with_a_boundary_writes_like_a_form(site: Site) -> None:
    name = f"CV Multipart {next(_serial)}"
    r = site.call("admin", "POST", "/customers", data={"name": name}, files={"ignored": ("a.txt", b"x")})
    assert r.status_code == 201 and r.json()["name"] == name


@pytest.mark.parametrize(
    ("content", "ctype"),
    [
        (b"name=%FF%FE", "application/x-www-form-urlencoded"),
        (b"name=CV+%C3%28", "application/x-www-form-urlencoded"),
        (b"name=CV \xff", "application/x-www-form-urlencoded"),
        (
            b'--B\r\nContent-Disposition: form-data; name="name"\r\n\r\nCV \xff\r\n--B--\r\n',
            "multipart/form-data; boundary=B",
        ),
    ],
)
def test_invalid_utf8_in_a_form_is_400_naming_the_field(site: Site, content: bytes, ctype: str) -> None:
    """``%FF`` became U+FFFD and was stored; now the field is refused by name."""
    before = site.snapshot()
    r = site.call("admin", "POST", "/customers", content=content, headers={"Content-Type": ctype})
    assert r.status_code == 400 and r.json()["code"] == "rest_invalid_param", r.text[:300]
    assert list(r.json()["data"]["params"]) == ["name"]
    assert site.snapshot() == before


@pytest.mark.parametrize("content", [b'{"name": "CV \xff"}', b'{"name": "CV \\ud800"}', b'{"name": "CV \xed\xa0\x80"}'])
def test_invalid_utf8_in_json_is_rest_invalid_json(site: Site, content: bytes) -> None:
    r = site.call("admin", "POST", "/customers", content=content, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "rest_invalid_json"


def test_text_fields_are_stored_as_sanitize_text_field_leaves_them(site: Site, targets: dict) -> None:
    """NUL and control characters were stored as sent; tags, line breaks and %-octets too."""
    r = site.call("admin", "POST", "/customers", json={"name": "  <b>CV</b>\u0000 Bersih\r\n\tSekali\u0007%ab  "})
    assert r.status_code == 201, r.text[:300]
    stored = site.one("SELECT name FROM wp_app_customers WHERE id = %s", [r.json()["id"]])["name"]
    assert stored == r.json()["name"] == "CV Bersih Sekali"
    branch = targets["branch"]["id"]
    r = site.call(
        "admin", "PATCH", f"/branches/{branch}", data={"address": "Jl. Merdeka\u0000 No. 1\nRT 02 <script>x</script>"}
    )
    assert r.status_code == 200, r.text[:300]
    assert (
        site.one("SELECT address FROM wp_app_customer_branches WHERE id = %s", [branch])["address"]
        == "Jl. Merdeka No. 1 RT 02"
    )
    r = site.call("admin", "PATCH", f"/branches/{branch}", json={"address": "<p>\u0001</p>"})
    assert r.status_code == 200 and r.json()["address"] is None  # nothing left: the optional field is cleared


def test_digit_formats_take_ascii_digits_only(site: Site, targets: dict) -> None:
    """Python's \\d matched Arabic-Indic and fullwidth digits, so "١٢٣٤٥٦٧٨٩٠١٢٣" passed as a NIB;
    the plugin's PHP patterns (no /u) match ASCII digits only, and so do the bridge's."""
    before = site.snapshot()
    r = site.call(
        "admin",
        "POST",
        "/customers",
        json={"name": f"CV Digit {next(_serial)}", "nib": "1234567890123".translate(ARABIC_INDIC)},
    )
    assert r.status_code == 400 and list(r.json()["data"]["params"]) == ["nib"], r.text[:300]
    branch = targets["branch"]["id"]
    for field, value in (
        ("postal_code", "12345".translate(FULLWIDTH)),
        ("nitku", "123".translate(ARABIC_INDIC)),
        ("latitude", "１.５"),
    ):
        r = site.call("admin", "PATCH", f"/branches/{branch}", json={field: value})
        assert r.status_code == 400 and list(r.json()["data"]["params"]) == [field], (field, r.text[:300])
    assert site.snapshot() == before
