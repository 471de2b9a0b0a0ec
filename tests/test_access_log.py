"""The request log (issue 12): ``BRIDGE_ACCESS_LOG`` says whether, ``BRIDGE_LOG_FORMAT`` says how.

Read from a served bridge's own output: a JSON request line parses and carries the time, the
request id, the user, the method, the route template, the status, the duration and the statements;
the other lines are JSON too; text lines say the same for people; no line without the setting.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from bridge.settings import DatabaseURL, SettingsError
from bridge.settings_env import load_settings
from tests.support.logins import Login
from tests.support.server import BridgeServer

API = "/wp-json/wp-customer/v1"


def json_lines(server: BridgeServer) -> list[dict[str, Any]]:
    """Every line of the log that is JSON (the command's own "serving on" line is printed, not logged)."""
    return [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]


def wait_for_line(server: BridgeServer, needle: str, timeout: float = 10) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [line for line in server.log().splitlines() if needle in line]
        if found:
            return found[-1]
        time.sleep(0.05)
    raise AssertionError(f"no line with {needle!r} in:\n{server.log()}")


def test_json_request_lines_carry_every_field(
    demo_db: DatabaseURL, demo_logins: dict[str, Login], start_bridge: Callable[..., BridgeServer]
) -> None:
    server = start_bridge(demo_db, {"BRIDGE_LOG_FORMAT": "json", "BRIDGE_ACCESS_LOG": "true"})
    admin = demo_logins["admin"]
    ok = server.client.get(f"{API}/customers/2", headers={"X-Request-Id": "json-ok"}, auth=admin.auth)
    assert ok.status_code == 200
    lost = server.client.get(f"{API}/no/such/route", headers={"X-Request-Id": "json-404"})
    assert lost.status_code == 404

    line = json.loads(wait_for_line(server, '"json-ok"'))
    assert {k: line[k] for k in ("level", "logger", "request_id", "user_id", "method", "route", "path", "status")} == {
        "level": "INFO",
        "logger": "bridge.access",
        "request_id": "json-ok",
        "user_id": admin.user_id,
        "method": "GET",
        "route": f"{API}/customers/<row_id:id>",
        "path": f"{API}/customers/2",
        "status": 200,
    }
    assert line["statements"] == int(ok.headers["X-WPBridge-Statements"]) > 0
    assert isinstance(line["duration_ms"], float) and 0 < line["duration_ms"] < 10_000
    assert abs(datetime.fromisoformat(line["time"]).timestamp() - time.time()) < 60
    unmatched = json.loads(wait_for_line(server, '"json-404"'))
    assert (unmatched["route"], unmatched["status"], unmatched["user_id"]) == ("unmatched", 404, 0)

    lines = json_lines(server)
    assert any(entry["message"].startswith("Worker ready") for entry in lines)  # Sanic's lines are JSON too
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in lines)
    other = [line for line in server.log().splitlines() if line and not line.startswith("{")]
    assert [line for line in other if not line.startswith("wpbridge: serving on")] == [], other


def test_without_the_access_log_there_is_no_request_line(
    demo_db: DatabaseURL, start_bridge: Callable[..., BridgeServer]
) -> None:
    server = start_bridge(demo_db, {"BRIDGE_LOG_FORMAT": "json"})
    server.client.get("/healthz", headers={"X-Request-Id": "quiet-1"})
    wait_for_line(server, "Worker ready")
    time.sleep(0.3)
    assert "quiet-1" not in server.log()
    assert not [e for e in json_lines(server) if e["logger"] == "bridge.access"]


def test_the_access_log_is_off_by_default(demo_db: DatabaseURL, start_bridge: Callable[..., BridgeServer]) -> None:
    """Without ``BRIDGE_ACCESS_LOG`` no request line is written, while the very same request to a
    bridge with the setting writes one: what the quiet log lacks is what a request line holds."""
    quiet = start_bridge(demo_db)
    loud = start_bridge(demo_db, {"BRIDGE_ACCESS_LOG": "1"})
    for server, request_id in ((quiet, "default-off"), (loud, "default-on")):
        assert server.client.get("/healthz", headers={"X-Request-Id": request_id}).status_code == 200
    assert "GET /healthz 200 " in wait_for_line(loud, "request default-on")
    wait_for_line(quiet, "Worker ready")
    time.sleep(0.3)  # the quiet bridge answered first; its line, were there one, would be written by now
    assert "default-off" not in quiet.log() and "GET /healthz" not in quiet.log()
    quiet.stop()
    loud.stop()


def test_text_request_lines_say_the_same_for_people(
    demo_db: DatabaseURL, demo_logins: dict[str, Login], start_bridge: Callable[..., BridgeServer]
) -> None:
    server = start_bridge(demo_db, {"BRIDGE_ACCESS_LOG": "1"})
    admin = demo_logins["admin"]
    server.client.get(f"{API}/customers/3", headers={"X-Request-Id": "text-1"}, auth=admin.auth)
    line = wait_for_line(server, "request text-1")
    assert f"GET {API}/customers/3 200 " in line and f"user {admin.user_id}" in line, line
    assert f"route {API}/customers/<row_id:id>" in line and " statements" in line, line
    assert not line.startswith("{")


def test_log_format_is_checked() -> None:
    assert load_settings({}).log_format == "text"
    assert load_settings({"BRIDGE_LOG_FORMAT": "JSON"}).log_format == "json"
    with pytest.raises(SettingsError, match="BRIDGE_LOG_FORMAT must be text or json"):
        load_settings({"BRIDGE_LOG_FORMAT": "xml"})
