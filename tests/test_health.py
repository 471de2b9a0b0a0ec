"""``/healthz`` and ``/readyz`` over real HTTP: the process alive, the database reachable or not and why,
whether it went away or was never there."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest

from bridge.settings import DatabaseURL
from tests.support.server import BridgeServer
from tests.support.tcp_proxy import TcpProxy


@pytest.fixture(scope="module")
def server(empty_site: DatabaseURL, start_bridge: Callable[..., BridgeServer]) -> Iterator[BridgeServer]:
    """A bridge on the empty site for this module, stopped after it (its pool freed for the rest of the run)."""
    served = start_bridge(empty_site)
    yield served
    served.stop()


def test_healthz_and_readyz_answer_when_the_database_is_up(server: BridgeServer) -> None:
    assert server.client.get("/healthz").json() == {"status": "ok"}
    ready = server.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"


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
