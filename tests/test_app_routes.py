"""The app's own routes over real HTTP: an unknown route is WordPress's ``rest_no_route``, the
OpenAPI document and its docs page are served, and ``/users/me`` needs a login."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from bridge.settings import DatabaseURL
from tests.support.server import BridgeServer


@pytest.fixture(scope="module")
def server(empty_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]) -> Iterator[BridgeServer]:
    """A bridge on the empty site for this module, stopped after it (its pool freed for the rest of the run)."""
    served = start_bridge(empty_site)
    yield served
    served.stop()


def test_unknown_route_is_a_wordpress_rest_no_route(server: BridgeServer) -> None:
    for method, path in [("GET", "/wp-json/wp-customer/v1/nothing"), ("DELETE", "/healthz"), ("GET", "/../etc/passwd")]:
        response = server.client.request(method, path)
        assert response.status_code == 404
        body = response.json()
        assert body["data"].pop("request_id") == response.headers["X-Request-Id"]  # issue 12: the id in errors
        assert body == {
            "code": "rest_no_route",
            "message": "No route was found matching the URL and request method.",
            "data": {"status": 404},
        }


def test_openapi_document_and_docs_page_are_served(server: BridgeServer) -> None:
    spec = server.client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "/wp-json/wp-customer/v1/users/me" in spec["paths"]
    assert server.client.get("/docs").status_code == 200


def test_users_me_without_credentials_is_rest_not_logged_in(server: BridgeServer) -> None:
    response = server.client.get("/wp-json/wp-customer/v1/users/me")
    assert response.status_code == 401
    assert response.json()["code"] == "rest_not_logged_in"
