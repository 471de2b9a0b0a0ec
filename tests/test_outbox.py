"""The outbox sender (bridge/outbox.py) against the real MariaDB and a real HTTP receiver.

The receiver stands in for the shim's events route: it checks the signature exactly as the shim
does (over the raw request target) and can be switched off, made to refuse one entity, or made
to answer with any status. The end-to-end version, with the real shim in a real WordPress, is
tests/e2e/test_events.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from bridge.outbox import OutboxSender, backoff, lock_name, request_target
from bridge.settings import DatabaseURL, Settings, SettingsError
from bridge.settings_env import load_settings
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.outbox import EVENTS_PATH, Receiver, add_events, rows
from tests.support.server import SECRET, free_port


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.stop()


@pytest.fixture(scope="module")
def outbox_db(make_database: Callable[[], DatabaseURL]) -> DatabaseURL:
    """A migrated, empty database: the outbox table and nothing in it."""
    url = make_database()
    run_cli(url, "migrate")
    return url


@pytest.fixture()
def clean_outbox(outbox_db: DatabaseURL) -> DatabaseURL:
    conn = connect(outbox_db)
    with conn.cursor() as cur:
        cur.execute("DELETE FROM wp_wpbridge_outbox")
    conn.close()
    return outbox_db


def sender_settings(url: DatabaseURL, events_url: str, **extra: Any) -> Settings:
    return replace(
        Settings(database_url=url, shared_secret=SECRET, events_url=events_url, events_timeout=2, events_max_backoff=1),
        **extra,
    )


async def run_until(sender: OutboxSender, condition: Callable[[], bool], timeout: float = 10) -> None:
    """Run the sender until ``condition`` holds (or fail after ``timeout``), then stop it."""
    task = asyncio.create_task(sender.run())
    try:
        deadline = time.monotonic() + timeout
        while not condition():
            if task.done():
                task.result()
            assert time.monotonic() < deadline, "condition not reached in time"
            await asyncio.sleep(0.05)
    finally:
        sender.stop()
        await asyncio.wait_for(task, 10)


async def test_delivers_in_order_signed_as_the_acting_user(clean_outbox: DatabaseURL, receiver: Receiver) -> None:
    ids = add_events(
        clean_outbox,
        ("customer", 1, "wp_customer_created"),
        ("branch", 7, "wp_customer_branch_created"),
        ("customer", 1, "wp_customer_updated"),
    )
    sender = OutboxSender(sender_settings(clean_outbox, receiver.url), poll=0.05)
    await run_until(sender, lambda: len(receiver.received) == 3)

    assert [e["event_id"] for e in receiver.received] == ids
    assert {e["_user"] for e in receiver.received} == {4}
    assert receiver.received[0]["_target"] == EVENTS_PATH
    assert receiver.received[0]["args"] == [1, {"name": "customer 1"}]
    assert receiver.refused_signatures == 0
    assert all(
        r["delivered_at"] is not None and r["attempts"] == 1 and r["last_error"] is None for r in rows(clean_outbox)
    )


async def test_waits_while_wordpress_is_down_then_delivers_each_event_once(
    clean_outbox: DatabaseURL, receiver: Receiver
) -> None:
    ids = add_events(
        clean_outbox, ("customer", 2, "wp_customer_created"), ("employee", 5, "wp_customer_employee_created")
    )
    port = free_port()  # nothing listens here yet
    down_url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
    sender = OutboxSender(sender_settings(clean_outbox, down_url), poll=0.05)
    await run_until(sender, lambda: rows(clean_outbox)[0]["attempts"] >= 2, timeout=15)

    state = rows(clean_outbox)
    assert all(r["delivered_at"] is None for r in state)
    assert "ConnectError" in state[0]["last_error"]
    assert state[1]["attempts"] == 0, "the pass stops at the first unreachable attempt"

    # WordPress comes back (the receiver, under the URL the sender knows): everything arrives once, in order.
    sender = OutboxSender(sender_settings(clean_outbox, receiver.url), poll=0.05)
    await run_until(sender, lambda: len(receiver.received) == 2)
    await asyncio.sleep(0.3)
    assert [e["event_id"] for e in receiver.received] == ids
    assert all(r["delivered_at"] is not None for r in rows(clean_outbox))


async def test_a_refused_event_holds_back_only_its_entity(clean_outbox: DatabaseURL, receiver: Receiver) -> None:
    add_events(
        clean_outbox,
        ("customer", 3, "wp_customer_created"),
        ("customer", 4, "wp_customer_created"),
        ("customer", 3, "wp_customer_updated"),
    )
    receiver.status_for = lambda event: 500 if event["entity_id"] == 3 else 200
    sender = OutboxSender(sender_settings(clean_outbox, receiver.url), poll=0.05)
    await run_until(sender, lambda: len(receiver.received) == 1 and rows(clean_outbox)[0]["attempts"] >= 1)
    assert [(e["entity_id"], e["action"]) for e in receiver.received] == [(4, "wp_customer_created")]
    state = rows(clean_outbox)
    assert "HTTP 500" in state[0]["last_error"] and state[0]["next_attempt_at"] is not None
    assert state[2]["attempts"] == 0, "customer 3's update waits for its creation"

    receiver.status_for = lambda event: 200
    sender = OutboxSender(sender_settings(clean_outbox, receiver.url), poll=0.05)
    await run_until(sender, lambda: len(receiver.received) == 3, timeout=15)
    assert [(e["entity_id"], e["action"]) for e in receiver.received][1:] == [
        (3, "wp_customer_created"),
        (3, "wp_customer_updated"),
    ]


async def test_a_wrong_secret_is_everyones_problem_and_is_retried(
    clean_outbox: DatabaseURL, receiver: Receiver
) -> None:
    add_events(clean_outbox, ("customer", 5, "wp_customer_created"), ("customer", 6, "wp_customer_created"))
    settings = replace(sender_settings(clean_outbox, receiver.url), shared_secret="a-different-secret-0123456789")
    sender = OutboxSender(settings, poll=0.05)
    await run_until(sender, lambda: receiver.refused_signatures >= 2, timeout=15)
    state = rows(clean_outbox)
    assert state[0]["attempts"] >= 2 and "HTTP 401" in state[0]["last_error"]
    assert state[1]["attempts"] == 0 and not receiver.received


async def test_only_one_sender_delivers(clean_outbox: DatabaseURL, receiver: Receiver) -> None:
    add_events(clean_outbox, *[("customer", n, "wp_customer_created") for n in range(10, 30)])
    settings = sender_settings(clean_outbox, receiver.url)
    first, second = OutboxSender(settings, poll=0.05), OutboxSender(settings, poll=0.05)
    tasks = [asyncio.create_task(first.run()), asyncio.create_task(second.run())]
    deadline = time.monotonic() + 15
    while len(receiver.received) < 20 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    for sender in (first, second):
        sender.stop()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    assert sorted(e["entity_id"] for e in receiver.received) == list(range(10, 30))


def test_backoff_stays_at_its_cap_however_long_wordpress_is_down() -> None:
    """After days of straight failures the wait is still the cap: 2**1024 seconds would not fit a
    float, and the OverflowError would end the sender's loop for good."""
    assert backoff(1025, 300) == 300
    assert backoff(10**6, 60) == 60


def test_helpers() -> None:
    assert [backoff(n, 300) for n in (1, 2, 3, 10)] == [1, 2, 4, 300]
    assert (
        request_target("http://h:1/?rest_route=/wp-customer-bridge/v1/events")
        == "/?rest_route=/wp-customer-bridge/v1/events"
    )
    assert (
        request_target("http://h:1/wp/wp-json/wp-customer-bridge/v1/events")
        == "/wp/wp-json/wp-customer-bridge/v1/events"
    )
    name = lock_name(Settings())
    assert name.startswith("wpbridge_outbox_") and len(name) <= 64


def test_settings() -> None:
    env = {"BRIDGE_SHARED_SECRET": SECRET, "BRIDGE_EVENTS_URL": "http://wp.test/wp-json/wp-customer-bridge/v1/events"}
    settings = load_settings(env)
    assert (
        settings.events_url == env["BRIDGE_EVENTS_URL"]
        and settings.events_timeout == 10
        and settings.events_max_backoff == 300
    )
    assert load_settings({}).events_url is None
    with pytest.raises(SettingsError, match="BRIDGE_EVENTS_URL"):
        load_settings({**env, "BRIDGE_EVENTS_URL": "wp.test/events"})
    with pytest.raises(SettingsError, match="BRIDGE_SHARED_SECRET"):
        load_settings({"BRIDGE_EVENTS_URL": env["BRIDGE_EVENTS_URL"]})
    with pytest.raises(SettingsError, match="BRIDGE_EVENTS_TIMEOUT"):
        load_settings({**env, "BRIDGE_EVENTS_TIMEOUT": "0"})


def test_cli_shows_pending_events(clean_outbox: DatabaseURL) -> None:
    out = run_cli(clean_outbox, "outbox").stdout
    assert "0 pending, 0 delivered" in out and "BRIDGE_EVENTS_URL is not set" in out
    ids = add_events(clean_outbox, ("customer", 8, "wp_customer_created"), ("branch", 9, "wp_customer_branch_created"))
    conn = connect(clean_outbox)
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE wp_wpbridge_outbox SET attempts = 3, last_error = 'ConnectError: refused' WHERE event_id = %s",
            (ids[0],),
        )
    conn.close()
    out = run_cli(
        clean_outbox,
        "outbox",
        "--limit",
        "1",
        env={"BRIDGE_SHARED_SECRET": SECRET, "BRIDGE_EVENTS_URL": "http://wp.test/e"},
    ).stdout
    assert "2 pending, 0 delivered; delivering to http://wp.test/e" in out
    assert ids[0] in out and "customer 8" in out and "wp_customer_created" in out and "ConnectError: refused" in out
    assert ids[1] not in out and "… and 1 more" in out


def test_the_server_delivers_its_writes(
    start_bridge: Callable[..., Any], receiver: Receiver, make_database: Callable[[], DatabaseURL]
) -> None:
    """A write through the REST API reaches the events URL from the server's own background task."""
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "3", "--seed", "1")
    bridge = start_bridge(url, {"BRIDGE_EVENTS_URL": receiver.url, "BRIDGE_EVENTS_MAX_BACKOFF": "1"})
    from bridge.demo import demo_application_passwords

    auth = ("admin", demo_application_passwords(seed=1)["admin"])
    created = bridge.client.post("/wp-json/wp-customer/v1/customers", json={"name": "PT Outbox Terkirim"}, auth=auth)
    assert created.status_code == 201, created.text
    customer_id = created.json()["id"]
    deadline = time.time() + 15
    while not any(e["action"] == "wp_customer_created" and e["entity_id"] == customer_id for e in receiver.received):
        assert time.time() < deadline, f"no event arrived; bridge log:\n{bridge.log()}"
        time.sleep(0.1)
    event = next(e for e in receiver.received if e["action"] == "wp_customer_created")
    assert (
        event["_user"] == 1 and event["args"][0] == customer_id and event["aliases"] == ["wp_customer_customer_created"]
    )
    deadline = time.time() + 10
    while "0 pending" not in run_cli(url, "outbox").stdout:
        assert time.time() < deadline, run_cli(url, "outbox").stdout
        time.sleep(0.2)


SLOW_POLL_PLUGIN = """
import bridge.outbox

bridge.outbox.POLL_SECONDS = 60  # the sender would look at the outbox once a minute on its own


def register(registry):
    pass
"""


def test_a_write_wakes_the_sender_at_once(
    start_bridge: Callable[..., Any], receiver: Receiver, make_database: Callable[[], DatabaseURL], tmp_path: Any
) -> None:
    """A committed write wakes the sender (``OutboxSender.wake``): with the poll set to a minute,
    its event still reaches WordPress within seconds, not at the next poll."""
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "3", "--seed", "1")
    (tmp_path / "slow_poll.py").write_text(SLOW_POLL_PLUGIN)
    bridge = start_bridge(
        url, {"BRIDGE_EVENTS_URL": receiver.url, "BRIDGE_EVENTS_MAX_BACKOFF": "1", "BRIDGE_HOOKS_PATH": str(tmp_path)}
    )
    from bridge.demo import demo_application_passwords

    auth = ("admin", demo_application_passwords(seed=1)["admin"])
    time.sleep(2)  # the sender's first pass found nothing: it now waits for the poll (a minute)
    created = bridge.client.post("/wp-json/wp-customer/v1/customers", json={"name": "PT Segera Terkirim"}, auth=auth)
    assert created.status_code == 201, created.text
    written = time.monotonic()
    customer_id = created.json()["id"]
    while not any(e["action"] == "wp_customer_created" and e["entity_id"] == customer_id for e in receiver.received):
        assert time.monotonic() - written < 10, f"the event waited for the poll; bridge log:\n{bridge.log()}"
        time.sleep(0.05)
