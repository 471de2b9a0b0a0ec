"""Graceful stop: `SIGTERM` to `wpbridge serve` while work is in flight.

A request in flight finishes (its write is committed and answered 200) while the listening
socket is already closed, so a new connection is refused rather than served or left hanging;
an outbox delivery in flight completes and is marked delivered once, the sender takes no
further event, and the process exits. The slow request is made slow for real: the test holds
the row's lock in MariaDB (`SELECT … FOR UPDATE`) so the bridge's write waits on it.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bridge.settings import DatabaseURL
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.outbox import Receiver, add_events, rows
from tests.support.server import BridgeServer

API = "/wp-json/wp-customer/v1"


@pytest.fixture(scope="module")
def site(make_database: Callable[[], DatabaseURL]) -> DatabaseURL:
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "8", "--seed", "1")
    return url


@pytest.fixture(scope="module")
def admin() -> tuple[str, str]:
    from bridge.demo import demo_application_passwords

    return ("admin", demo_application_passwords(seed=1)["admin"])


def serve(start_bridge: Callable[..., BridgeServer], url: DatabaseURL, tmp_path: Any, **env: str) -> BridgeServer:
    return start_bridge(url, {"BRIDGE_RUN_DIR": str(tmp_path / "run"), **env})


def refuses_connections(port: int, within: float) -> bool:
    """True once a TCP connect to ``port`` is refused (the listener is closed), polling ``within`` s."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                pass
        except ConnectionRefusedError:
            return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def lock_waits(url: DatabaseURL, holder: int) -> int:
    """Statements on ``url``'s database, other than the lock ``holder``'s, that have been
    locking customers for over 0.3 s: waiting for the held lock (MariaDB's INNODB_TRX does not
    always list such a waiting read, PROCESSLIST does)."""
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = %s AND COMMAND = 'Query' "
            "AND INFO LIKE %s AND TIME_MS > 300 AND ID NOT IN (CONNECTION_ID(), %s)",
            (url.database, "%wp_app_customers%FOR UPDATE%", holder),
        )
        n = int(cur.fetchone()["n"])
    conn.close()
    return n


def exit_status(process: subprocess.Popen, timeout: float) -> int:
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the bridge did not exit within {timeout} s of SIGTERM") from None


@pytest.mark.parametrize("workers", [1, 2])
def test_a_request_in_flight_at_sigterm_finishes_and_new_connections_are_refused(
    site: DatabaseURL, admin: tuple[str, str], start_bridge: Callable[..., BridgeServer], tmp_path: Any, workers: int
) -> None:
    """A PATCH waits on a row lock the test holds; SIGTERM; new connections are refused at once
    while the PATCH still waits; 1.5 s later the lock is released and the PATCH answers 200 with
    the row written; then the process exits with status 0. With two workers the listening
    socket belongs to the main process (bridge/shutdown.py), with one to the worker itself."""
    server = serve(start_bridge, site, tmp_path, BRIDGE_WORKERS=str(workers))
    # /healthz answers once one worker is up; Sanic's main process hangs on a SIGTERM that
    # comes before every worker has reported ready (a start-up race of Sanic, not tested here)
    wait_for(lambda: server.log().count("Worker ready") >= workers, 30, "every worker to be ready")
    time.sleep(0.5)
    name = f"PT Tetap Selesai {workers}"
    customer = connect(site)
    customer.autocommit(False)
    answer: dict[str, Any] = {}

    def patch() -> None:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            try:
                answer["response"] = client.patch(f"{API}/customers/1", json={"name": name}, auth=admin)
            except httpx.HTTPError as exc:
                answer["error"] = exc

    try:
        with customer.cursor() as cur:
            cur.execute("SELECT id FROM wp_app_customers WHERE id = 1 FOR UPDATE")
        writer = threading.Thread(target=patch)
        writer.start()
        wait_for(
            lambda: lock_waits(site, customer.thread_id()) > 0 or not writer.is_alive(),
            20,
            "the PATCH to wait on the row lock",
        )
        assert writer.is_alive(), f"the PATCH did not wait for the lock: {answer}"

        server.process.send_signal(signal.SIGTERM)
        assert refuses_connections(server.port, within=2), "a new connection was still accepted after SIGTERM"
        time.sleep(1.5)
        assert server.process.poll() is None and writer.is_alive() and lock_waits(site, customer.thread_id()) == 1
    finally:
        customer.rollback()  # releases the lock
        customer.close()
    writer.join(30)
    assert "error" not in answer, answer.get("error")
    response = answer["response"]
    assert response.status_code == 200, response.text
    assert response.json()["name"] == name
    check = connect(site)
    with check.cursor() as cur:
        cur.execute("SELECT name FROM wp_app_customers WHERE id = 1")
        assert cur.fetchone()["name"] == name
    check.close()
    assert exit_status(server.process, 20) == 0, server.log()


def test_an_outbox_delivery_in_flight_at_sigterm_completes_once_and_the_sender_takes_no_other(
    site: DatabaseURL, start_bridge: Callable[..., BridgeServer], tmp_path: Any
) -> None:
    """WordPress takes 2 s to answer each event. Two events are pending; SIGTERM while the first
    is being delivered: the first is delivered and marked delivered (one attempt), the second is
    not sent, new connections are refused meanwhile, and the process exits. A bridge started
    afterwards delivers only the second: nothing was delivered twice."""
    conn = connect(site)
    with conn.cursor() as cur:
        cur.execute("DELETE FROM wp_wpbridge_outbox")
    conn.close()
    first, second = add_events(site, ("customer", 1, "wp_customer_updated"), ("customer", 2, "wp_customer_updated"))
    receiver = Receiver()
    arrived = threading.Event()
    delay = 2.0

    def slow(event: dict[str, Any]) -> int:
        arrived.set()
        time.sleep(delay)
        return 200

    receiver.status_for = slow
    try:
        server = serve(start_bridge, site, tmp_path, BRIDGE_EVENTS_URL=receiver.url, BRIDGE_EVENTS_TIMEOUT="10")
        wait_for(lambda: "Worker ready" in server.log(), 30, "the worker to be ready")
        assert arrived.wait(20), "the sender did not start delivering"
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        assert refuses_connections(server.port, within=delay / 2), (
            "a new connection was accepted while the outbox drained"
        )
        assert exit_status(server.process, 30) == 0, server.log()
        assert time.monotonic() - signalled >= delay * 0.8, "the process exited before the delivery could complete"
        time.sleep(0.5)
        assert [e["event_id"] for e in receiver.received] == [first]
        state = {r["event_id"]: r for r in rows(site)}
        assert state[first]["delivered_at"] is not None and state[first]["attempts"] == 1, state[first]
        assert state[second]["delivered_at"] is None and state[second]["attempts"] == 0, state[second]

        delay = 0.0
        again = serve(start_bridge, site, tmp_path / "again", BRIDGE_EVENTS_URL=receiver.url)
        wait_for(lambda: all(r["delivered_at"] is not None for r in rows(site)), 20, "the second event to be delivered")
        again.stop()
        assert [e["event_id"] for e in receiver.received] == [first, second]
        assert [r["attempts"] for r in rows(site)] == [1, 1]
    finally:
        receiver.stop()
