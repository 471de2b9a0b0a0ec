"""``X-Request-Id`` (issue 12): kept when sane, else generated; on every response; in error bodies.

Over real HTTP, on every kind of answer the bridge gives: a route's, a WordPress error, no route,
a 400 before routing (a method override), a 413 before the request is even read, a DataTables
in-band error, and the 503 of a database that is down.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable

import httpx
import pytest

from bridge.settings import DatabaseURL
from tests.support.logins import Login
from tests.support.server import BridgeServer, free_port

API = "/wp-json/wp-customer/v1"
GENERATED = re.compile(r"[0-9a-f]{32}")


def wordpress_error(response: httpx.Response, status: int) -> str:
    """The response is the WordPress error ``status`` with the header's id in ``data.request_id``."""
    assert response.status_code == status, response.text
    rid = response.headers["X-Request-Id"]
    assert response.json()["data"]["request_id"] == rid, response.text
    return rid


@pytest.mark.parametrize("given", ["abc", "A.b_c-9", "0f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b", "x" * 128])
def test_a_sane_request_id_is_echoed(bridge: BridgeServer, given: str) -> None:
    assert bridge.client.get("/healthz", headers={"X-Request-Id": given}).headers["X-Request-Id"] == given
    assert wordpress_error(bridge.client.get(f"{API}/users/me", headers={"x-request-id": given}), 401) == given


@pytest.mark.parametrize("given", ["", "x" * 129, "has space", "semi;colon", 'quote"d', "a/b", "é".encode()])
def test_an_insane_request_id_is_replaced_by_a_generated_one(bridge: BridgeServer, given: str | bytes) -> None:
    rid = bridge.client.get("/healthz", headers={"X-Request-Id": given}).headers["X-Request-Id"]
    assert GENERATED.fullmatch(rid), rid


def test_without_a_request_id_each_request_gets_its_own(bridge: BridgeServer) -> None:
    ids = {bridge.client.get("/healthz").headers["X-Request-Id"] for _ in range(5)}
    assert len(ids) == 5 and all(GENERATED.fullmatch(i) for i in ids), ids


def test_every_kind_of_error_carries_the_id(bridge: BridgeServer, demo_logins: dict[str, Login]) -> None:
    given = {"X-Request-Id": "err-1"}
    assert wordpress_error(bridge.client.get(f"{API}/nothing", headers=given), 404) == "err-1"  # no route
    assert wordpress_error(bridge.client.delete("/healthz", headers=given), 404) == "err-1"  # no such method
    admin = demo_logins["admin"].auth
    assert wordpress_error(bridge.client.get(f"{API}/customers/999999", headers=given, auth=admin), 404) == "err-1"
    assert wordpress_error(bridge.client.get(f"{API}/customers?per_page=x", headers=given, auth=admin), 400) == "err-1"
    assert wordpress_error(bridge.client.get(f"{API}/users/me", headers=given, auth=("admin", "wrong")), 401) == "err-1"
    overridden = bridge.client.post(f"{API}/customers/1?_method=GET&_method=DELETE", headers=given, auth=admin)
    assert wordpress_error(overridden, 400) == "err-1"  # refused while routing, before any middleware

    inband = bridge.client.get(f"{API}/datatables/customers", params={"draw": "x"}, headers=given, auth=admin)
    assert inband.status_code == 200 and inband.json()["error"], inband.text  # DataTables' own error shape
    assert inband.headers["X-Request-Id"] == "err-1"


def test_a_request_too_large_to_read_still_gets_an_id(bridge: BridgeServer) -> None:
    """A head over Sanic's 8 KB is refused before any request exists: the id is generated."""
    with socket.create_connection(("127.0.0.1", bridge.port), timeout=10) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: big-1\r\nX-Pad: " + b"a" * 9000 + b"\r\n\r\n")
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                break
            head += chunk
    status_line, *lines = head.split(b"\r\n\r\n")[0].decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
    assert " 413 " in status_line, head
    assert GENERATED.fullmatch(headers["x-request-id"]), headers


def test_the_503_of_a_database_that_is_down_carries_the_id_and_metrics_still_answer(
    start_bridge: Callable[..., BridgeServer], mysql_server: DatabaseURL
) -> None:
    down = DatabaseURL(mysql_server.user, mysql_server.password, "127.0.0.1", free_port(), "nowhere")
    server = start_bridge(down)
    given = {"X-Request-Id": "down-1"}
    assert wordpress_error(server.client.get(f"{API}/customers", headers=given), 503) == "down-1"
    ready = server.client.get("/readyz", headers=given)
    assert wordpress_error(ready, 503) == "down-1"
    metrics = server.client.get("/metrics", headers=given)  # loopback: no database needed
    assert metrics.status_code == 200 and metrics.headers["X-Request-Id"] == "down-1"
    assert 'route="/wp-json/wp-customer/v1/customers",status="503"' in metrics.text
