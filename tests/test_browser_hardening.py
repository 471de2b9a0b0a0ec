"""What a browser can be made to do, over real HTTP on a database of its own:
no Basic challenge on a 401, bodies read by their declared type only (415 otherwise), writes
from pages on other origins refused (403), and links never built from the Host header."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest

from bridge.settings import SettingsError
from bridge.settings_env import load_settings, settings_as_env
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.datatables import CUSTOMER_COLUMNS, dt_params
from tests.support.paths import API
from tests.support.server import BridgeServer, signed_headers

EVIL = "https://evil.example"
LISTED = "https://app.example"
PUBLIC = "https://bridge.example/api"


@dataclass
class Site:
    url: Any
    server: BridgeServer  # BRIDGE_CORS_ORIGINS lists LISTED; no BRIDGE_PUBLIC_URL
    public: BridgeServer  # BRIDGE_PUBLIC_URL = PUBLIC
    passwords: dict[str, str]
    customer: int

    def auth(self, login: str = "admin") -> tuple[str, str]:
        return (login, self.passwords[login])

    def name(self, customer: int | None = None) -> str:
        return self.row(customer)["name"]

    def row(self, customer: int | None = None) -> dict[str, Any]:
        conn = connect(self.url)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT name, status FROM wp_app_customers WHERE id = %s", [customer or self.customer])
                return cur.fetchone()
        finally:
            conn.close()

    def count(self) -> int:
        conn = connect(self.url)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT COUNT(*) AS n FROM wp_app_customers")
                return int(cur.fetchone()["n"])
        finally:
            conn.close()


@pytest.fixture(scope="module")
def site(make_database: Callable, start_bridge: Callable) -> Site:
    from bridge.demo import demo_application_passwords

    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "4")
    server = start_bridge(url, {"BRIDGE_CORS_ORIGINS": f"{LISTED}, http://localhost:3000"})
    public = start_bridge(url, {"BRIDGE_PUBLIC_URL": PUBLIC + "/"})
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT MIN(id) AS id FROM wp_app_customers")
        customer = int(cur.fetchone()["id"])
    conn.close()
    return Site(url, server, public, demo_application_passwords(seed=1), customer)


# ---- 1. no Basic challenge -----------------------------------------------------------------------


def test_no_401_carries_a_basic_challenge(site: Site) -> None:
    """A browser that met a ``WWW-Authenticate: Basic`` challenge prompts and then caches the
    credentials for the origin, so any page could make it send them; WordPress sends none."""
    client = site.server.client
    answers = {
        "no credentials": client.get(f"{API}/customers"),
        "wrong password": client.get(f"{API}/customers", auth=("admin", "wrong")),
        "unknown user": client.get(f"{API}/users/me", auth=("nobody_here", "x")),
        "not Basic": client.get(f"{API}/users/me", headers={"Authorization": "Basic !!!"}),
        "bad signature": client.get(f"{API}/users/me", headers={**signed_headers("GET", "/other", 1)}),
        "write without login": client.post(f"{API}/customers", json={"name": "CV Tanpa Login"}),
    }
    for what, response in answers.items():
        assert response.status_code == 401, what
        assert "www-authenticate" not in response.headers, what


# ---- 2. bodies by their declared type --------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "text/plain"},
        {"Content-Type": "text/plain;charset=UTF-8"},
        {},
        {"Content-Type": "application/xml"},
    ],
    ids=["text/plain", "text/plain-charset", "no-content-type", "xml"],
)
def test_a_json_body_of_another_declared_type_is_415_and_writes_nothing(site: Site, headers: dict) -> None:
    """``text/plain`` (what a cross-site form or ``navigator.sendBeacon`` may send unasked) and a
    body without a Content-Type used to be parsed as JSON; now only the declared type counts."""
    before, count = site.name(), site.count()
    body = orjson.dumps({"name": "CV Diganti Lewat Teks"})
    writes = (("POST", f"/customers/{site.customer}"), ("PATCH", f"/customers/{site.customer}"), ("POST", "/customers"))
    for method, path in writes:
        r = site.server.client.request(method, API + path, content=body, headers=headers, auth=site.auth())
        assert r.status_code == 415, (method, path, r.text)
        assert r.json()["code"] == "rest_unsupported_media_type" and r.json()["data"]["status"] == 415
    assert site.name() == before and site.count() == count


def test_json_and_forms_are_still_read(site: Site) -> None:
    """The types WordPress reads: JSON (with a charset, or a ``+json`` type) and both form types."""
    path = f"{API}/customers/{site.customer}"
    cases = [
        ({"Content-Type": "application/json; charset=UTF-8"}, orjson.dumps({"name": "CV Json Satu"}), "CV Json Satu"),
        ({"Content-Type": "application/merge-patch+json"}, orjson.dumps({"name": "CV Json Dua"}), "CV Json Dua"),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"name=CV+Formulir+Satu", "CV Formulir Satu"),
    ]
    for headers, content, expected in cases:
        r = site.server.client.patch(path, content=content, headers=headers, auth=site.auth())
        assert r.status_code == 200, r.text
        assert site.name() == expected
    r = site.server.client.patch(path, files={"name": (None, "CV Multipart")}, auth=site.auth())
    assert r.status_code == 200 and site.name() == "CV Multipart"


def test_datatables_post_of_another_type_is_the_in_band_error(site: Site) -> None:
    """DataTables POST reads the same way; a refused type is its usual HTTP 200 ``error``."""
    url, auth = f"{API}/datatables/customers", site.auth()
    flat = dt_params(CUSTOMER_COLUMNS, draw=3)
    json_body = orjson.dumps({"draw": 3, "start": 0, "length": 10})
    refused = (
        ({"Content-Type": "text/plain"}, json_body),
        ({}, json_body),
        ({"Content-Type": "text/plain"}, b"draw=3"),
    )
    for headers, content in refused:
        r = site.server.client.post(url, content=content, headers=headers, auth=auth)
        assert r.status_code == 200
        body = r.json()
        assert body["data"] == [] and body["recordsTotal"] == 0 and "Content-Type" in body["error"], body
    form = site.server.client.post(url, data=flat, auth=auth).json()
    as_json = site.server.client.post(
        url, content=json_body, headers={"Content-Type": "application/json"}, auth=auth
    ).json()
    assert "error" not in form and "error" not in as_json and form["data"] and as_json["data"]


def test_cache_invalidation_reads_json_only(site: Site) -> None:
    url = f"{API}/cache/invalidate"
    refused = (
        ({"Content-Type": "text/plain"}, b'{"all": true}'),
        ({}, b'{"all": true}'),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"all=true"),
    )
    for headers, content in refused:
        r = site.server.client.post(url, content=content, headers=headers, auth=site.auth())
        assert r.status_code == 415 and r.json()["code"] == "rest_unsupported_media_type", r.text
    r = site.server.client.post(
        url, content=b'{"all": true}', headers={"Content-Type": "application/json"}, auth=site.auth()
    )
    assert r.status_code == 200


# ---- 3. no writes from other origins ----------------------------------------------------------------


def test_a_cross_site_html_form_renames_nothing(site: Site) -> None:
    """What any web page could do with a plain ``<form method=post>`` while the browser holds
    the admin's credentials: refused with 403 before the write, the row untouched."""
    before = site.name()
    r = site.server.client.post(
        f"{API}/customers/{site.customer}",
        content=b"name=Diretas+Lewat+Formulir",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": EVIL},
        auth=site.auth(),
    )
    assert r.status_code == 403 and r.json()["code"] == "wpbridge_origin_not_allowed", r.text
    assert r.json()["data"]["status"] == 403
    assert site.name() == before


@pytest.mark.parametrize("origin", [EVIL, "null", "http://127.0.0.1", "https://app.example.evil.example", "not a url"])
def test_every_write_from_a_foreign_origin_is_403(site: Site, origin: str) -> None:
    before, count = site.row(), site.count()
    client, auth = site.server.client, site.auth()
    headers = {"Origin": origin}
    answers = [
        client.post(f"{API}/customers", json={"name": "CV Dari Luar"}, headers=headers, auth=auth),
        client.patch(f"{API}/customers/{site.customer}", json={"name": "CV Dari Luar"}, headers=headers, auth=auth),
        client.put(f"{API}/customers/{site.customer}", json={"name": "CV Dari Luar"}, headers=headers, auth=auth),
        client.delete(f"{API}/customers/{site.customer}", headers=headers, auth=auth),
        client.post(f"{API}/customers/{site.customer}", params={"_method": "DELETE"}, headers=headers, auth=auth),
        client.post(f"{API}/cache/invalidate", json={"all": True}, headers=headers, auth=auth),
    ]
    assert [r.status_code for r in answers] == [403] * len(answers), [r.text for r in answers]
    assert site.row() == before and site.count() == count


def test_writes_from_the_own_origin_a_listed_one_or_no_browser_pass(site: Site) -> None:
    """Own origin (from the listening address here), BRIDGE_CORS_ORIGINS (normalised: case and
    default port), no Origin at all (curl, servers), and the signed shim whatever its Origin."""
    client, auth = site.server.client, site.auth()
    path = f"{API}/customers/{site.customer}"
    origins = [None, site.server.base, LISTED, "HTTPS://App.Example:443", "http://localhost:3000"]
    for n, origin in enumerate(origins):
        headers = {"Origin": origin} if origin else {}
        r = client.patch(path, json={"name": f"CV Boleh {n}"}, headers=headers, auth=auth)
        assert r.status_code == 200, (headers, r.text)
        assert site.name() == f"CV Boleh {n}"
    raw = orjson.dumps({"name": "CV Dari Shim"})
    admin_id = client.get(f"{API}/users/me", auth=auth).json()["id"]
    signed = {**signed_headers("PATCH", path, admin_id, raw), "Content-Type": "application/json", "Origin": EVIL}
    r = client.patch(path, content=raw, headers=signed)
    assert r.status_code == 200, r.text
    assert site.name() == "CV Dari Shim"


def test_reads_and_the_datatables_post_ignore_origin(site: Site) -> None:
    """DataTables POST is a read (documented): a foreign Origin does not refuse it, nor a GET
    (also a POST acting as GET through ``_method``; one acting as DELETE is refused above)."""
    client, auth = site.server.client, site.auth()
    r = client.post(
        f"{API}/datatables/customers", data=dt_params(CUSTOMER_COLUMNS), headers={"Origin": EVIL}, auth=auth
    )
    assert r.status_code == 200 and r.json()["data"]
    assert client.get(f"{API}/customers/{site.customer}", headers={"Origin": EVIL}, auth=auth).status_code == 200
    as_get = client.post(
        f"{API}/customers/{site.customer}", params={"_method": "GET"}, headers={"Origin": EVIL}, auth=auth
    )
    assert as_get.status_code == 200 and as_get.json()["id"] == site.customer  # overridden to a read: allowed


def test_the_public_url_is_the_own_origin(site: Site) -> None:
    """With BRIDGE_PUBLIC_URL set, its origin is the bridge's own, and the listening address is not."""
    client, auth = site.public.client, site.auth()
    path = f"{API}/customers/{site.customer}"
    r = client.patch(path, json={"name": "CV Publik"}, headers={"Origin": "https://bridge.example"}, auth=auth)
    assert r.status_code == 200, r.text
    r = client.patch(path, json={"name": "CV Bukan"}, headers={"Origin": site.public.base}, auth=auth)
    assert r.status_code == 403 and site.name() == "CV Publik"


# ---- 4. links never from the Host header ------------------------------------------------------------


def _links(response: httpx.Response) -> list[str]:
    """Every URL a response hands out: Link, Location and the items' _links."""
    found = [part.split(">")[0].lstrip("<") for part in response.headers.get("Link", "").split(", ") if part]
    found += [response.headers["Location"]] if "Location" in response.headers else []
    body = response.json()
    for item in body if isinstance(body, list) else [body]:
        found += [link["href"] for links in item.get("_links", {}).values() for link in links]
    return found


def test_a_forged_host_never_reaches_a_link(site: Site) -> None:
    """``Host: evil.example`` (a poisoned proxy or cache) used to be copied into every link."""
    for server, base in ((site.server, site.server.base), (site.public, PUBLIC)):
        client, auth, forged = server.client, site.auth(), {"Host": "evil.example"}
        answers = [
            client.get(f"{API}/customers", params={"per_page": 1, "page": 2}, headers=forged, auth=auth),
            client.get(f"{API}/customers/{site.customer}", headers=forged, auth=auth),
            client.post(f"{API}/customers", json={"name": f"CV Tautan {server.port}"}, headers=forged, auth=auth),
        ]
        assert [r.status_code for r in answers] == [200, 200, 201], [r.text for r in answers]
        links = [link for r in answers for link in _links(r)]
        assert {"prev", "next"} <= {p.split('rel="')[1].rstrip('"') for p in answers[0].headers["Link"].split(", ")}
        assert len(links) >= 7
        assert all(link.startswith(base + "/wp-json/") for link in links), links  # relations link /branches, users…
        assert not any("evil.example" in link for link in links), links


# ---- settings --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "env, name",
    [
        ({"BRIDGE_PUBLIC_URL": "ftp://example.com"}, "BRIDGE_PUBLIC_URL"),
        ({"BRIDGE_PUBLIC_URL": "example.com"}, "BRIDGE_PUBLIC_URL"),
        ({"BRIDGE_PUBLIC_URL": "https://example.com/?a=1"}, "BRIDGE_PUBLIC_URL"),
        ({"BRIDGE_PUBLIC_URL": "https://example.com/#top"}, "BRIDGE_PUBLIC_URL"),
        ({"BRIDGE_PUBLIC_URL": "https://user:pw@example.com"}, "BRIDGE_PUBLIC_URL"),
        ({"BRIDGE_PUBLIC_URL": "https://example.com:99999"}, "BRIDGE_PUBLIC_URL"),
        ({"BRIDGE_CORS_ORIGINS": "*"}, "BRIDGE_CORS_ORIGINS"),
        ({"BRIDGE_CORS_ORIGINS": "https://ok.example,app.example"}, "BRIDGE_CORS_ORIGINS"),
        ({"BRIDGE_CORS_ORIGINS": "https://app.example/path"}, "BRIDGE_CORS_ORIGINS"),
    ],
)
def test_bad_public_url_or_origins_name_the_variable(env: dict[str, str], name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings(env)


def test_public_url_and_origins_are_normalised_and_survive_a_child_process() -> None:
    s = load_settings(
        {
            "BRIDGE_PUBLIC_URL": "HTTPS://Example.COM:443/bridge/",
            "BRIDGE_CORS_ORIGINS": " http://A.example:80 ,https://b.example:8443,",
        }
    )
    assert s.public_url == "https://example.com/bridge" and s.base_url == s.public_url
    assert s.own_origin == "https://example.com"
    assert s.cors_origins == ("http://a.example", "https://b.example:8443")
    assert load_settings(settings_as_env(s)) == s
    default = load_settings({})
    assert (default.public_url, default.cors_origins, default.base_url) == (None, (), "http://127.0.0.1:8080")
    assert load_settings({"BRIDGE_HOST": "0.0.0.0", "BRIDGE_PORT": "9000"}).base_url == "http://127.0.0.1:9000"
