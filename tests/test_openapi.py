"""/openapi.json: a valid OpenAPI 3.1 document generated from the router and the resource
schemas, covering every route; /docs works without a CDN."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from bridge.app import create_app
from bridge.openapi.operations import DOCUMENTED_METHODS
from bridge.settings_env import load_settings
from tests.support.server import BridgeServer

API = "/wp-json/wp-customer/v1"


def router_operations() -> set[tuple[str, str]]:
    """(path template, method) of every route the app registers, read from its router."""
    app = create_app(load_settings({"BRIDGE_DATABASE_URL": "mysql://u:p@127.0.0.1/x"}), name="openapi_routes")
    app.router.finalize()
    out = set()
    for route in app.router.routes:
        path = "/" + re.sub(r"<([A-Za-z_]\w*)(?::[^>]*)?>", r"{\1}", route.path)
        out |= {(path, m.lower()) for m in route.methods if m in DOCUMENTED_METHODS}
    return out


def test_the_document_validates_as_openapi_3_1(bridge: BridgeServer) -> None:
    """openapi-spec-validator accepts the served document (unique operationIds, one name per path parameter)."""
    spec = bridge.client.get("/openapi.json").json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)
    ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_every_route_is_documented_and_nothing_else(bridge: BridgeServer) -> None:
    """The document's operations are exactly the router's (so a route added later appears by itself)."""
    spec = bridge.client.get("/openapi.json").json()
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert documented == router_operations()


def test_resource_operations_carry_their_schema_rules(bridge: BridgeServer) -> None:
    """Parameters, bodies, headers and errors come from the resource schemas, not from docstrings."""
    spec = bridge.client.get("/openapi.json").json()
    listing = spec["paths"][f"{API}/customers"]["get"]
    params = {p["name"]: p["schema"] for p in listing["parameters"]}
    assert params["per_page"]["minimum"] == 1 and params["per_page"]["maximum"] == 100
    assert "branch_count" in params["orderby"]["enum"] and params["order"]["enum"] == ["asc", "desc"]
    assert params["status"]["enum"] == ["active", "inactive"] and params["user_id"]["format"] == "int64"
    assert {"page", "offset", "search", "_fields", "_embed", "context"} <= set(params)
    ok = listing["responses"]["200"]
    assert {"X-WP-Total", "X-WP-TotalPages", "Link"} <= set(ok["headers"])
    create = spec["components"]["schemas"]["branch_create"]
    assert set(create["required"]) >= {"customer_id", "name", "type"}
    assert create["properties"]["type"]["enum"] == ["pusat", "cabang"]
    assert create["properties"]["name"]["maxLength"] == 100
    created = spec["paths"][f"{API}/branches"]["post"]["responses"]
    assert "Location" in created["201"]["headers"] and {"400", "401", "403", "409", "415", "503"} <= set(created)
    item = spec["components"]["schemas"]["customer"]["properties"]
    assert item["id"]["format"] == "int64" and "permissions" in item and "_links" in item
    update = spec["paths"][f"{API}/customers/{{row_id}}"]
    assert {"put", "patch", "post", "get", "delete"} == set(update)
    assert "412" in update["put"]["responses"] and "410" in update["delete"]["responses"]
    tables = spec["paths"][f"{API}/datatables/{{table}}"]
    table_enum = tables["get"]["parameters"][0]["schema"]["enum"]
    assert "agencies" in table_enum, "plugin-registered tables are in the document"
    assert "application/x-www-form-urlencoded" in tables["post"]["requestBody"]["content"]
    schemes = spec["components"]["securitySchemes"]
    assert schemes["applicationPassword"] == {**schemes["applicationPassword"], "type": "http", "scheme": "basic"}
    assert schemes["shimSignature"]["name"] == "X-WP-Bridge-Signature"


def test_docs_page_and_its_assets_are_served_locally(bridge: BridgeServer) -> None:
    """/docs references only its own assets (no CDN), and they are served."""
    page = bridge.client.get("/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    assert "http" not in re.sub(r"https?://(www\.)?w3\.org", "", page.text.split("<body>")[0] + page.text)
    for asset in re.findall(r'(?:src|href)="(/docs/[^"]+)"', page.text):
        got = bridge.client.get(asset)
        assert got.status_code == 200 and len(got.content) > 1000, asset
    assert bridge.client.get("/docs/../../etc/passwd").status_code == 404
    assert bridge.client.get("/docs/index.html").status_code == 404
