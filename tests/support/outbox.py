"""The outbox from the outside: a receiver playing the shim's events route, and outbox rows put in and read back."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bridge.settings import DatabaseURL
from bridge.signing import SignatureError, verify
from tests.support.database import connect
from tests.support.server import SECRET, free_port

EVENTS_PATH = "/wp-json/wp-customer-bridge/v1/events"


class Receiver:
    """A tiny HTTP server playing the shim's events route."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[dict[str, Any]] = []
        self.status_for: Callable[[dict[str, Any]], int] = lambda event: 200
        self.refused_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    user = verify(SECRET, "POST", self.path, dict(self.headers.items()), body, time.time())
                except SignatureError:
                    receiver.refused_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                event = json.loads(body)
                event["_user"] = user
                event["_target"] = self.path
                status = receiver.status_for(event)
                if 200 <= status < 300:
                    receiver.received.append(event)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status":"handled"}')

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{EVENTS_PATH}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def add_events(url: DatabaseURL, *events: tuple[str, int, str]) -> list[str]:
    """Insert outbox rows (entity, entity_id, action) as bridge/events.py writes them; returns event ids."""
    ids = []
    conn = connect(url)
    with conn.cursor() as cur:
        for entity, entity_id, action in events:
            event_id = str(uuid.uuid4())
            payload = {
                "event_id": event_id,
                "action": action,
                "aliases": [],
                "args": [entity_id, {"name": f"{entity} {entity_id}"}],
                "entity": entity,
                "entity_id": entity_id,
                "user_id": 4,
            }
            cur.execute(
                "INSERT INTO wp_wpbridge_outbox (event_id, entity, entity_id, action, payload) VALUES (%s, %s, %s, %s, %s)",
                (event_id, entity, entity_id, action, json.dumps(payload)),
            )
            ids.append(event_id)
    conn.close()
    return ids


def rows(url: DatabaseURL) -> list[dict[str, Any]]:
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT event_id, attempts, delivered_at, next_attempt_at, last_error FROM wp_wpbridge_outbox ORDER BY id"
        )
        out = list(cur.fetchall())
    conn.close()
    return out
