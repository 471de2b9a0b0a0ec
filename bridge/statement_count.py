"""Per-request SQL statement counts, sent back as ``X-WPBridge-Statements``.

The speed budget of a read (one round trip per DataTables page when warm) is
something a test or a benchmark can check from outside: routes wrapped with ``counted`` count
every statement ``bridge/db.py`` runs for them (authentication included) and say how many.
Those statements count for the whole request too (``bridge/observe.py``: metrics and the log).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from typing import Any, ParamSpec

from sanic.response import HTTPResponse

from bridge.db import query_counter

STATEMENTS_HEADER = "X-WPBridge-Statements"

P = ParamSpec("P")


def counted(handler: Callable[P, Awaitable[HTTPResponse]]) -> Callable[P, Coroutine[Any, Any, HTTPResponse]]:
    """Count the statements ``handler`` runs and add the count to its response."""

    @wraps(handler)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> HTTPResponse:
        whole = query_counter.get()  # the request's own list, when bridge/observe.py started one
        seen: list[str] = []
        token = query_counter.set(seen)
        try:
            response = await handler(*args, **kwargs)
        finally:
            query_counter.reset(token)
            if whole is not None:
                whole.extend(seen)
        response.headers[STATEMENTS_HEADER] = str(len(seen))
        return response

    return wrapper
