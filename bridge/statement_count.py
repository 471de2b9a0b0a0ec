"""Per-request SQL statement counts, sent back as ``X-WPBridge-Statements``.

The speed budget of a read (one round trip per DataTables page when warm) is
something a test or a benchmark can check from outside: routes wrapped with ``counted`` count
every statement ``bridge/db.py`` runs for them (authentication included) and say how many.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from sanic.response import HTTPResponse

from bridge.db import query_counter

STATEMENTS_HEADER = "X-WPBridge-Statements"

Handler = Callable[..., Awaitable[HTTPResponse]]


def counted(handler: Handler) -> Handler:
    """Count the statements ``handler`` runs and add the count to its response."""

    @wraps(handler)
    async def wrapper(*args: Any, **kwargs: Any) -> HTTPResponse:
        seen: list[str] = []
        token = query_counter.set(seen)
        try:
            response = await handler(*args, **kwargs)
        finally:
            query_counter.reset(token)
        response.headers[STATEMENTS_HEADER] = str(len(seen))
        return response

    return wrapper
