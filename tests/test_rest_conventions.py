"""WordPress REST conventions over HTTP: the root and namespace indexes, OPTIONS with its Allow
header, _envelope, context, _links with embeddable relations and _embed (with _fields),
If-None-Match, and CORS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bridge.settings import DatabaseURL
from tests.support.logins import Login
from tests.support.server import BridgeServer

API = "/wp-json/wp-customer/v1"
ORIGIN = "https://app.example.com"


@pytest.fixture(scope="module")
def server(demo_db: DatabaseURL, start_bridge: Callable[..., BridgeServer]) -> BridgeServer:
    return start_bridge(demo_db, {"BRIDGE_CORS_ORIGINS": ORIGIN})


def get(server: BridgeServer, path: str, login: Login | None = None, **kwargs: Any) -> Any:
    return server.client.get(path, auth=login.auth if login else None, **kwargs)


def test_root_index_names_the_api_and_its_routes(server: BridgeServer) -> None:
    """GET /wp-json/ answers WordPress's get_index shape, logged out too."""
    for path in ("/wp-json/", "/wp-json"):
        body = get(server, path).json()
        assert body["name"] == "wp-customer-bridge" and body["url"] == server.base
        assert body["namespaces"] == ["wp-customer/v1"]
        assert "authorization" in body["authentication"]["application-passwords"]["endpoints"]
        assert "/wp-customer/v1/customers" in body["routes"]
        assert "/wp-customer/v1/customers/(?P<row_id>[\\d]+)" in body["routes"]


def test_namespace_index_lists_each_route_with_methods_and_args(server: BridgeServer) -> None:
    body = get(server, API).json()
    assert body["namespace"] == "wp-customer/v1" and body["_links"]["up"][0]["href"].endswith("/wp-json/")
    customers = body["routes"]["/wp-customer/v1/customers"]
    assert customers["methods"] == ["GET", "POST"]
    listing, create = customers["endpoints"]
    assert listing["methods"] == ["GET"] and listing["args"]["per_page"]["maximum"] == 100
    assert create["args"]["name"]["required"] is True and create["args"]["name"]["maxLength"] == 100
    assert "/wp-customer/v1/datatables/(?P<table>[^/]+)" in body["routes"]
    assert get(server, "/wp-json/other/v1").status_code == 404


def _allow(response: Any) -> list[str]:
    header = response.headers.get("Allow")
    return [m.strip() for m in header.split(",")] if header else []


def test_options_answers_route_data_and_allows_only_what_the_caller_may_do(
    server: BridgeServer, demo_logins: dict[str, Login]
) -> None:
    """Logged out: no method at all (none that write); admin: all; an owner: only its own rows."""
    anonymous = server.client.options(f"{API}/customers")
    assert anonymous.status_code == 200 and _allow(anonymous) == []
    body = anonymous.json()
    assert body["namespace"] == "wp-customer/v1" and body["methods"] == ["GET", "POST"]
    assert body["schema"]["title"] == "customer" and "permissions" in body["schema"]["properties"]
    assert body["endpoints"][1]["args"]["name"]["required"] is True
    admin, owner = demo_logins["admin"], demo_logins["andi_budi"]
    assert _allow(server.client.options(f"{API}/customers", auth=admin.auth)) == ["GET", "POST"]
    own = get(server, f"{API}/customers", owner).json()[0]["id"]
    others = [c["id"] for c in get(server, f"{API}/customers", admin, params={"per_page": 50}).json()]
    foreign = next(i for i in others if i != own)
    item = server.client.options(f"{API}/customers/{own}", auth=admin.auth)
    assert set(_allow(item)) == {"GET", "POST", "PUT", "PATCH", "DELETE"}
    assert "GET" in _allow(server.client.options(f"{API}/customers/{own}", auth=owner.auth))
    assert _allow(server.client.options(f"{API}/customers/{foreign}", auth=owner.auth)) == ["GET"]  # reads 404
    assert _allow(server.client.options(f"{API}/customers/{own}")) == []


def test_envelope_wraps_body_status_and_headers(server: BridgeServer, demo_logins: dict[str, Login]) -> None:
    admin = demo_logins["admin"]
    missing = get(server, f"{API}/customers/999999999", admin, params={"_envelope": ""})
    assert missing.status_code == 200
    assert missing.json()["status"] == 404 and missing.json()["body"]["code"] == "rest_customer_invalid_id"
    page = get(server, f"{API}/customers", admin, params={"_envelope": "1", "per_page": 2}).json()
    assert page["status"] == 200 and len(page["body"]) == 2 and int(page["headers"]["X-WP-Total"]) > 2


def test_context_embed_is_compact_and_edit_needs_the_right_to_edit(
    server: BridgeServer, demo_logins: dict[str, Login]
) -> None:
    admin, employee = demo_logins["admin"], demo_logins["demo_employee"]
    seen = get(server, f"{API}/customers", employee).json()[0]
    compact = get(server, f"{API}/customers/{seen['id']}", employee, params={"context": "embed"}).json()
    assert set(compact) < set(seen) and {"id", "name", "_links"} <= set(compact)
    assert get(server, f"{API}/customers/{seen['id']}", admin, params={"context": "edit"}).status_code == 200
    refused = get(server, f"{API}/customers/{seen['id']}", employee, params={"context": "edit"})
    assert refused.status_code == 403 and refused.json()["code"] == "rest_forbidden_context"
    bad = get(server, f"{API}/customers", admin, params={"context": "print"})
    assert bad.status_code == 400 and "context" in bad.json()["data"]["params"]


def test_links_name_the_embeddable_relations(server: BridgeServer, demo_logins: dict[str, Login]) -> None:
    admin = demo_logins["admin"]
    expected = {"customers": {"owner", "branches", "employees"}, "branches": {"customer", "agency", "admin"}}
    expected["employees"] = {"customer", "branch", "user"}
    for resource, rels in expected.items():
        item = get(server, f"{API}/{resource}", admin, params={"per_page": 1}).json()[0]
        links = item["_links"]
        assert rels <= set(links), (resource, links)
        assert all(links[r][0]["embeddable"] is True for r in rels)


def test_embed_resolves_relations_in_the_callers_scope(server: BridgeServer, demo_logins: dict[str, Login]) -> None:
    """An employee embedding a customer's employees sees exactly what /employees shows them."""
    employee = demo_logins["demo_employee"]
    customer = get(server, f"{API}/customers", employee).json()[0]
    body = get(server, f"{API}/customers/{customer['id']}", employee, params={"_embed": ""}).json()
    listed = get(server, f"{API}/employees", employee, params={"customer_id": customer["id"], "per_page": 100}).json()
    embedded = body["_embedded"]["employees"][0]
    assert sorted(e["id"] for e in embedded) == sorted(e["id"] for e in listed)
    assert body["_embedded"]["owner"][0]["id"] == customer["user_id"]
    only = get(server, f"{API}/customers/{customer['id']}", employee, params={"_embed": "owner"}).json()
    assert set(only["_embedded"]) == {"owner"}
    branch = get(server, f"{API}/branches", employee, params={"_embed": "customer", "per_page": 1}).json()[0]
    assert branch["_embedded"]["customer"][0]["id"] == branch["customer_id"]


def test_fields_and_embed_combine_as_wordpress_combines_them(
    server: BridgeServer, demo_logins: dict[str, Login]
) -> None:
    admin = demo_logins["admin"]
    one = get(server, f"{API}/customers", admin, params={"per_page": 1}).json()[0]["id"]
    path = f"{API}/customers/{one}"

    def keys(fields: str) -> set[str]:
        return set(get(server, path, admin, params={"_fields": fields, "_embed": ""}).json())

    assert keys("id,name") == {"id", "name"}
    assert keys("id,_links") == {"id", "_links", "_embedded"}
    assert keys("id,_embedded") == {"id", "_embedded"}


def test_if_none_match_answers_304_on_items_and_collections(
    server: BridgeServer, demo_logins: dict[str, Login]
) -> None:
    admin = demo_logins["admin"]
    for path in (f"{API}/customers", f"{API}/customers/{get(server, f'{API}/customers', admin).json()[0]['id']}"):
        first = get(server, path, admin)
        etag = first.headers["ETag"]
        again = get(server, path, admin, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
        assert get(server, path, admin, headers={"If-None-Match": '"other"'}).status_code == 200


def test_cors_for_listed_origins_only(server: BridgeServer, demo_logins: dict[str, Login]) -> None:
    admin = demo_logins["admin"]
    allowed = get(server, f"{API}/customers", admin, headers={"Origin": ORIGIN})
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    exposed = {h.strip() for h in allowed.headers["Access-Control-Expose-Headers"].split(",")}
    assert exposed == {"X-WP-Total", "X-WP-TotalPages", "Link", "ETag"}
    refused = get(server, f"{API}/customers", admin, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert get(server, f"{API}/customers", headers={"Origin": ORIGIN}).headers["Access-Control-Allow-Origin"] == ORIGIN
    preflight = server.client.options(
        f"{API}/customers/1",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "if-match",
        },
    )
    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
    allowed_headers = {h.strip() for h in preflight.headers["Access-Control-Allow-Headers"].split(",")}
    assert allowed_headers == {"Authorization", "Content-Type", "If-Match", "If-None-Match", "X-WP-Nonce"}
    assert int(preflight.headers["Access-Control-Max-Age"]) > 0
    assert "PUT" in preflight.headers["Access-Control-Allow-Methods"]
