"""The app skeleton over real HTTP: health, readiness, error bodies, OpenAPI, start-up checks."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from bridge.settings import DatabaseURL
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.server import BridgeServer
from tests.support.tcp_proxy import TcpProxy


@pytest.fixture(scope="module")
def empty_site(make_database: Callable[[], DatabaseURL]) -> DatabaseURL:
    url = make_database()
    run_cli(url, "migrate")
    return url


@pytest.fixture(scope="module")
def server(empty_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]) -> BridgeServer:
    return start_bridge(empty_site)


def test_healthz_and_readyz_answer_when_the_database_is_up(server: BridgeServer) -> None:
    assert server.client.get("/healthz").json() == {"status": "ok"}
    ready = server.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"


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


def test_readyz_is_503_with_a_reason_when_the_database_goes_away(
    empty_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> None:
    proxy = TcpProxy(empty_site)
    server = start_bridge(proxy.url)
    assert server.client.get("/readyz").status_code == 200
    proxy.cut()
    response = server.client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "wpbridge_database_unavailable" and body["data"]["status"] == 503
    assert server.client.get("/healthz").status_code == 200  # the process itself is alive
    proxy.close()


def test_readyz_is_503_when_the_database_is_unreachable_from_the_start(
    empty_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> None:
    """A bridge whose database is down at start answers healthz and says why it is not ready."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    dead = DatabaseURL(empty_site.user, empty_site.password, "127.0.0.1", dead_port, empty_site.database)
    server = start_bridge(dead, wait=False)
    server.wait_ready()
    response = server.client.get("/readyz")
    assert response.status_code == 503 and response.json()["code"] == "wpbridge_database_unavailable"
    me = server.client.get("/wp-json/wp-customer/v1/users/me", auth=("admin", "x"))
    assert me.status_code == 503 and me.json()["code"] == "wpbridge_database_unavailable"


def test_refuses_to_start_naming_a_missing_required_column(
    make_database: Callable[[], DatabaseURL], start_bridge: Callable[..., BridgeServer]
) -> None:
    url = make_database()
    run_cli(url, "migrate")
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("ALTER TABLE wp_app_customer_employees DROP COLUMN status")
    conn.close()
    server = start_bridge(url, wait=False)
    server.process.wait(30)
    assert server.process.returncode != 0
    assert "wp_app_customer_employees is missing required columns: status" in server.log()
    check = run_cli(url, "check", check=False)
    assert check.returncode == 1 and "status" in check.stderr


def test_cli_check_reports_the_layout(empty_site: DatabaseURL) -> None:
    out = run_cli(empty_site, "check").stdout
    assert "layout real" in out and "OK: every required column is present" in out
