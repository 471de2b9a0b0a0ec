"""``GET /metrics`` (issue 12): Prometheus text that counts what happened, over real HTTP.

Each test starts its own bridge (its own run folder, so its own metrics folder and counts) and
compares two scrapes around what it does. Who may read the metrics is decided by the client's
address: all of 127.0.0.0/8 is loopback (a client bound to 127.0.0.2 is let in), so a client
"from elsewhere" is made the way it reaches a deployed bridge, through a trusted proxy
(``SANIC_PROXIES_COUNT=1``) that forwards a public ``X-Forwarded-For``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from bridge.settings import DatabaseURL, SettingsError
from bridge.settings_env import load_settings
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.logins import Login
from tests.support.outbox import Receiver, add_events
from tests.support.paths import ROOT
from tests.support.server import BridgeServer, free_port

API = "/wp-json/wp-customer/v1"
ITEM = API + "/customers/<row_id:id>"
PUBLIC = {"X-Forwarded-For": "203.0.113.9"}  # a documentation address: nowhere near loopback

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client: httpx.Client, **kwargs: Any) -> Samples:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version="), response.headers
    return parse(response.text)


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def run_dir(server: BridgeServer) -> Path:
    return server.log_path.parent / f"run-{server.port}"  # as tests/support/server.py's BridgeServer names it


def requests_by_process(server: BridgeServer, **labels: str) -> dict[str, float]:
    """``wpbridge_http_requests_total`` with ``labels`` in each process's own file of the metrics folder."""
    out: dict[str, float] = {}
    for path in (run_dir(server) / "metrics").glob("counter_*.db"):
        for family in MultiProcessCollector.merge([str(path)]):
            for sample in family.samples:
                if sample.name == "wpbridge_http_requests_total" and sample.labels == labels:
                    out[path.stem] = out.get(path.stem, 0.0) + sample.value
    return out


def two_workers(start_bridge: Callable[..., BridgeServer], url: DatabaseURL, **env: str) -> BridgeServer:
    server = start_bridge(url, {"BRIDGE_WORKERS": "2", **env})
    wait_for(lambda: server.log().count("Worker ready") >= 2, 30, "both workers")
    return server


def test_requests_are_counted_by_route_template_method_and_status_across_two_workers(
    demo_db: DatabaseURL, demo_logins: dict[str, Login], start_bridge: Callable[..., BridgeServer]
) -> None:
    """N requests over fresh connections to two workers move the request counter by exactly N, under
    the route template (never the path with its id) and status; the latency histogram counts them,
    and the statements histogram sums what each response's ``X-WPBridge-Statements`` said. Both
    workers' files hold some of them: the scrape sums the processes."""
    server = two_workers(start_bridge, demo_db)
    admin = demo_logins["admin"].auth
    before = scrape(server.client)
    statuses: dict[tuple[str, int], int] = {}
    statements = 0
    lock = threading.Lock()

    def get(path: str) -> None:
        nonlocal statements
        response = httpx.get(f"{server.base}{path}", auth=admin, headers={"Connection": "close"}, timeout=30)
        with lock:
            key = (path.rsplit("/", 1)[0], response.status_code)
            statuses[key] = statuses.get(key, 0) + 1
            statements += int(response.headers.get("X-WPBridge-Statements", 0))  # on customers' 200s only

    # 12 customers that exist; 4 branches that do not (404: an error answer is counted too)
    paths = [f"{API}/customers/{n}" for n in range(1, 13)] + [f"{API}/branches/{n}" for n in range(900001, 900005)]
    with ThreadPoolExecutor(8) as pool:
        for _ in range(50):  # until both workers have answered some (usually the first round)
            list(pool.map(get, paths))
            if len(requests_by_process(server, route=ITEM, method="GET", status="200")) >= 2:
                break
    after = scrape(server.client)
    assert set(statuses) == {(f"{API}/customers", 200), (f"{API}/branches", 404)}, statuses
    customers, branches = statuses[(f"{API}/customers", 200)], statuses[(f"{API}/branches", 404)]
    expected = [(ITEM, "200", customers), (API + "/branches/<row_id:id>", "404", branches)]
    for route, status, count in expected:
        labels = {"route": route, "method": "GET", "status": status}
        moved = value(after, "wpbridge_http_requests_total", **labels) - value(
            before, "wpbridge_http_requests_total", **labels
        )
        assert moved == count, (route, status, moved, count)
    latency = "wpbridge_http_request_duration_seconds_count"
    assert (
        value(after, latency, route=ITEM, method="GET") - value(before, latency, route=ITEM, method="GET") == customers
    )
    counted = "wpbridge_http_request_sql_statements_sum"
    assert (
        value(after, counted, route=ITEM, method="GET") - value(before, counted, route=ITEM, method="GET") == statements
    )
    assert statements > 0
    per_process = requests_by_process(server, route=ITEM, method="GET", status="200")
    assert len(per_process) >= 2 and sum(per_process.values()) == customers, per_process
    routes = {dict(labels)["route"] for name, labels in after if name == "wpbridge_http_requests_total"}
    assert not [r for r in routes if re.search(r"/\d+(/|$)", r)], routes  # no id ever becomes a label


def test_loopback_clients_and_administrators_may_read_the_metrics_others_may_not(
    demo_db: DatabaseURL, demo_logins: dict[str, Login], start_bridge: Callable[..., BridgeServer]
) -> None:
    """Behind a trusted proxy the forwarded address decides: a public one needs an administrator
    (401 for nobody, 403 for an employee); loopback (the peer itself, or 127.0.0.2, or a forwarded
    127.0.0.1) needs nothing."""
    server = start_bridge(demo_db, {"SANIC_PROXIES_COUNT": "1"})
    scrape(server.client)
    with httpx.Client(base_url=server.base, transport=httpx.HTTPTransport(local_address="127.0.0.2")) as other:
        scrape(other)  # 127.0.0.0/8 is loopback
    scrape(server.client, headers={"X-Forwarded-For": "127.0.0.1"})

    nobody = server.client.get("/metrics", headers=PUBLIC)
    assert nobody.status_code == 401 and nobody.json()["code"] == "rest_not_logged_in", nobody.text
    employee = server.client.get("/metrics", headers=PUBLIC, auth=demo_logins["demo_employee"].auth)
    assert employee.status_code == 403 and employee.json()["code"] == "rest_forbidden", employee.text
    assert "wpbridge_http_requests_total" not in nobody.text + employee.text
    samples = scrape(server.client, headers=PUBLIC, auth=demo_logins["admin"].auth)
    assert value(samples, "wpbridge_http_requests_total", route="/metrics", method="GET", status="403") == 1


def test_the_metrics_port_answers_everyone_with_every_workers_counts(
    demo_db: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> None:
    """``BRIDGE_METRICS_PORT``: a second listener, served by the main process, with no access check
    (the main port still has its own), summing both workers."""
    port = free_port()
    server = two_workers(start_bridge, demo_db, BRIDGE_METRICS_PORT=str(port), SANIC_PROXIES_COUNT="1")
    assert server.client.get("/metrics", headers=PUBLIC).status_code == 401
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as metrics_port:
        before = scrape(metrics_port, headers=PUBLIC)
        for _ in range(10):
            httpx.get(f"{server.base}/healthz", headers={"Connection": "close"})
        after = scrape(metrics_port, headers=PUBLIC)
    healthz = {"route": "/healthz", "method": "GET", "status": "200"}
    assert (
        value(after, "wpbridge_http_requests_total", **healthz)
        - value(before, "wpbridge_http_requests_total", **healthz)
        == 10
    )


def test_a_busy_metrics_port_stops_the_start_naming_the_setting(demo_db: DatabaseURL, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        env = dict(
            os.environ,
            BRIDGE_DATABASE_URL=demo_db.to_url(),
            BRIDGE_PORT=str(free_port()),
            BRIDGE_METRICS_PORT=str(busy.getsockname()[1]),
            BRIDGE_RUN_DIR=str(tmp_path),
        )
        try:  # a bridge that ignored the setting would serve on: stopped after the timeout
            result = subprocess.run(
                [sys.executable, "-m", "bridge.cli", "serve"],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=30,
            )
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(f"the bridge started in spite of its busy metrics port: {exc.stdout!r}") from None
    assert result.returncode == 2, result.stdout + result.stderr
    assert "BRIDGE_METRICS_PORT" in result.stderr and "already in use" in result.stderr, result.stderr


def test_metrics_settings_are_checked() -> None:
    assert load_settings({"BRIDGE_METRICS_PORT": "9102"}).metrics_port == 9102
    assert load_settings({}).metrics_port is None
    assert load_settings({"BRIDGE_HOST": "0.0.0.0"}).metrics_host == "0.0.0.0"  # default: where the bridge listens
    for bad in ("0", "http", "70000"):
        with pytest.raises(SettingsError, match="BRIDGE_METRICS_PORT"):
            load_settings({"BRIDGE_METRICS_PORT": bad})
    with pytest.raises(SettingsError, match="BRIDGE_METRICS_PORT must differ from BRIDGE_PORT"):
        load_settings({"BRIDGE_PORT": "9000", "BRIDGE_METRICS_PORT": "9000"})


def test_cache_lookups_recounts_pool_use_and_refused_logins_are_counted(
    demo_db: DatabaseURL, demo_logins: dict[str, Login], start_bridge: Callable[..., BridgeServer]
) -> None:
    server = start_bridge(demo_db, {"SANIC_PROXIES_COUNT": "1"})
    admin = demo_logins["admin"]
    lookups, recounts = "wpbridge_cache_lookups_total", "wpbridge_total_recounts_total"

    # A list's total: counted (settled part and recent part) and cached the first time, read back the second.
    before = scrape(server.client)
    params = {"per_page": 2, "search": f"metrics-{time.monotonic_ns()}"}  # a total no earlier request cached
    assert server.client.get(f"{API}/customers", params=params, auth=admin.auth).status_code == 200
    first = scrape(server.client)
    assert value(first, recounts, part="settled") - value(before, recounts, part="settled") == 1
    assert value(first, recounts, part="recent") - value(before, recounts, part="recent") == 1
    assert value(first, lookups, kind="rest", result="miss") - value(before, lookups, kind="rest", result="miss") == 2
    elsewhere = {"X-Forwarded-For": "198.51.100.1"}  # another client: its login is resolved again, from the cache
    assert server.client.get(f"{API}/customers", params=params, auth=admin.auth, headers=elsewhere).status_code == 200
    second = scrape(server.client)
    assert value(second, recounts, part="settled") == value(first, recounts, part="settled")
    assert value(second, recounts, part="recent") == value(first, recounts, part="recent")
    assert value(second, lookups, kind="rest", result="hit") - value(first, lookups, kind="rest", result="hit") == 2
    assert value(second, lookups, kind="principal", result="hit") > value(
        first, lookups, kind="principal", result="hit"
    )

    # A connection taken while the request waits for a table lock, given back once it is answered.
    conn = connect(demo_db)
    result: dict[str, int] = {}
    try:
        with conn.cursor() as cur:
            cur.execute("LOCK TABLES wp_app_customers WRITE")
        reader = threading.Thread(
            target=lambda: result.update(status=server.client.get(f"{API}/customers/1", auth=admin.auth).status_code)
        )
        reader.start()
        in_use = "wpbridge_db_connections_in_use"
        wait_for(lambda: value(scrape(server.client), in_use) == 1, 8, "the waiting request's connection")
    finally:
        with conn.cursor() as cur:
            cur.execute("UNLOCK TABLES")
        conn.close()
    reader.join(15)
    assert result == {"status": 200}
    assert value(scrape(server.client), in_use) == 0

    # Wrong passwords: each a refused login, until the throttle answers 429.
    before = scrape(server.client)
    elsewhere = {"X-Forwarded-For": "198.51.100.23"}  # its own failure counter, not the loopback's
    codes = [
        server.client.get(f"{API}/users/me", auth=(admin.username, "wrong"), headers=elsewhere).status_code
        for _ in range(11)
    ]
    assert codes == [401] * 10 + [429], codes
    after = scrape(server.client)
    refused = "wpbridge_refused_logins_total"
    code = "incorrect_password"
    assert value(after, refused, code=code) - value(before, refused, code=code) == 10
    throttled = "wpbridge_throttled_logins_total"
    assert value(after, throttled) - value(before, throttled) == 1


def test_outbox_backlog_age_and_delivery_failures_are_counted(
    make_database: Callable[[], DatabaseURL], start_bridge: Callable[..., BridgeServer]
) -> None:
    """Two events waiting while WordPress answers 503 (unreachable), then one refused (422), then
    all delivered: the backlog, the age of its oldest event (growing between scrapes, as it is
    worked out at each scrape) and the failures by reason follow."""
    url = make_database()
    run_cli(url, "migrate")
    receiver = Receiver()
    receiver.status_for = lambda event: 503
    try:
        add_events(url, ("customer", 8, "wp_customer_created"), ("customer", 9, "wp_customer_created"))
        server = start_bridge(url, {"BRIDGE_EVENTS_URL": receiver.url, "BRIDGE_EVENTS_MAX_BACKOFF": "1"})
        failures, pending, age = (
            "wpbridge_outbox_delivery_failures_total",
            "wpbridge_outbox_pending",
            "wpbridge_outbox_oldest_pending_age_seconds",
        )
        down = wait_for(
            lambda: (
                (s := scrape(server.client))
                and value(s, pending) == 2
                and value(s, failures, reason="unreachable") >= 1
                and s
            ),
            15,
            "the backlog while WordPress is down",
        )
        assert value(down, age) > 0
        time.sleep(1.1)
        assert value(scrape(server.client), age) >= value(down, age) + 1
        receiver.status_for = lambda event: 422 if event["entity_id"] == 8 else 200
        wait_for(
            lambda: (
                (s := scrape(server.client)) and value(s, failures, reason="refused") >= 1 and value(s, pending) == 1
            ),
            15,
            "one event refused, the other delivered",
        )
        receiver.status_for = lambda event: 200
        done = wait_for(
            lambda: (s := scrape(server.client)) and value(s, pending) == 0 and s, 15, "every event delivered"
        )
        assert value(done, age) == 0
    finally:
        receiver.stop()


def test_a_dead_workers_live_gauges_stop_counting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that died without its stop listener (killed, crashed) leaves its connections-in-use
    file behind; a scrape marks it dead, while a live process's gauge still counts."""
    from bridge.metrics import exposition

    take = "from bridge.metrics import CONNECTIONS_IN_USE; CONNECTIONS_IN_USE.inc(); import sys; sys.stdout.write('in use\\n'); sys.stdout.flush(); sys.stdin.read()"
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    dead = subprocess.run([sys.executable, "-c", take], env=env, cwd=ROOT, input="", text=True, check=True)
    assert dead.returncode == 0
    alive = subprocess.Popen(
        [sys.executable, "-c", take], env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert alive.stdout is not None and alive.stdout.readline() == b"in use\n"
        files = sorted(p.name for p in tmp_path.glob("gauge_livesum_*.db"))
        assert len(files) == 2, files
        monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
        assert value(parse(exposition().decode()), "wpbridge_db_connections_in_use") == 1  # the live one only
        assert [p.name for p in tmp_path.glob("gauge_livesum_*.db")] == [f"gauge_livesum_{alive.pid}.db"]
    finally:
        alive.communicate(b"")
