"""The bridge's log: one line per request (``BRIDGE_ACCESS_LOG``), as text or JSON (``BRIDGE_LOG_FORMAT``).

Two settings, two questions:

* ``BRIDGE_ACCESS_LOG`` — *whether* each request gets a line (logger ``bridge.access``, on
  standard output). Sanic's own access log stays off: the bridge's line carries what Sanic's
  cannot (the route template, the user, the request id, the statements it ran).
* ``BRIDGE_LOG_FORMAT`` — *how* every line is written, the request lines and everything else
  (the bridge's warnings and errors, Sanic's start and stop messages): ``text`` as Sanic writes
  it, or ``json``, one object per line for a log shipper. A JSON request line has ``time``,
  ``level``, ``logger``, ``message``, ``request_id``, ``user_id``, ``method``, ``route``,
  ``path``, ``status``, ``duration_ms`` and ``statements``; any other line ``time``, ``level``,
  ``logger``, ``message`` (and ``request_id`` when a request is being served, ``exception``
  with a traceback).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson
from sanic import Request
from sanic.log import LOGGING_CONFIG_DEFAULTS

from bridge.request_id import request_id

access_log = logging.getLogger("bridge.access")

FORMATS = ("text", "json")
PARTS = ("loggers", "handlers", "formatters")
ACCESS_FIELDS = ("request_id", "user_id", "method", "route", "path", "status", "duration_ms", "statements")


def _current_request_id() -> str | None:
    """The id of the request being served by this task, if any (for lines logged during one)."""
    try:
        return request_id(Request.get_current())
    except Exception:  # outside a request Sanic raises ServerError
        return None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: a request line's fields, or any record's level, logger and message."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if hasattr(record, "request_id"):
            line.update({name: getattr(record, name, None) for name in ACCESS_FIELDS})
        else:
            current = _current_request_id()
            if current is not None:
                line["request_id"] = current
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line).decode()


def log_config(log_format: str) -> dict[str, Any]:
    """Sanic's logging configuration plus the bridge's loggers (``bridge`` on standard error,
    ``bridge.access`` on standard output); with ``json``, every formatter is ``JsonFormatter``."""
    defaults = LOGGING_CONFIG_DEFAULTS  # its handlers hold sys.stdout/sys.stderr: copied by level, not deep
    config: dict[str, Any] = {**defaults, **{part: {k: dict(v) for k, v in defaults[part].items()} for part in PARTS}}
    config["loggers"]["bridge"] = {"level": "INFO", "handlers": ["error_console"], "propagate": False}
    config["loggers"]["bridge.access"] = {"level": "INFO", "handlers": ["console"], "propagate": False}
    if log_format == "json":
        config["formatters"] = {name: {"()": JsonFormatter} for name in config["formatters"]}
    return config


def log_request(request: Request, *, route: str, status: int, seconds: float, statements: int, user_id: int) -> None:
    """The request's line: readable text, or (``BRIDGE_LOG_FORMAT=json``) the fields as JSON keys."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    fields = {
        "request_id": request_id(request),
        "user_id": user_id,
        "method": request.method,
        "route": route,
        "path": request.path,
        "status": status,
        "duration_ms": round(seconds * 1000, 2),
        "statements": statements,
    }
    access_log.info(
        "%s %s %s %.1f ms, %d statements, user %d, route %s, request %s",
        request.method,
        request.path,
        status,
        seconds * 1000,
        statements,
        user_id,
        route,
        fields["request_id"],
        extra=fields,
    )
