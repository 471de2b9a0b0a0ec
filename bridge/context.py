"""The typed per-request context: what the bridge keeps on ``request.ctx``; the app's type.

Sanic gives every request a ``SimpleNamespace``; the bridge's app makes a ``RequestContext``
instead (``BridgeRequest.make_context``), so the attributes the bridge sets are declared once,
with their types, and read with a default even on a request that never set them.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sanic import Request, Sanic

from bridge.params import query_pairs
from bridge.principal import ANONYMOUS, Principal

# The app as Sanic hands it to a listener or a request: its context's type is not tracked there,
# so code that needs the bridge's reads it through ``services.app_context`` (a checked narrowing).
AnyApp = Sanic[Any, Any]
_BRIDGE_ARGS = (True, False, "utf-8", "replace")  # keep_blank_values, strict_parsing, encoding, errors


class RequestContext(SimpleNamespace):
    """``principal``: the caller once authenticated (``services.caller``); ``sent_method``: the
    method on the wire when ``?_method=`` / ``X-HTTP-Method-Override`` replaced it;
    ``request_id``, ``started`` and ``statements``: its id, clock and SQL (``bridge/observe.py``)."""

    principal: Principal | None
    sent_method: str | None
    request_id: str | None
    started: float | None
    statements: list[str] | None

    def __init__(self) -> None:
        super().__init__(principal=None, sent_method=None, request_id=None, started=None, statements=None)


class BridgeRequest(Request):
    """The app's request class: its ``ctx`` is a ``RequestContext``, and its query pairs with
    blanks kept (what the bridge asks for) come from ``params.query_pairs``, not ``parse_qsl``."""

    @staticmethod
    def make_context() -> RequestContext:
        return RequestContext()

    def get_query_args(
        self,
        keep_blank_values: bool = False,
        strict_parsing: bool = False,
        encoding: str = "utf-8",
        errors: str = "replace",
    ) -> list[tuple[str, str]]:
        """Sanic's, cached per request the same way; ``parse_qsl`` was ~200 µs of a DataTables request."""
        key = (keep_blank_values, strict_parsing, encoding, errors)
        if key != _BRIDGE_ARGS:
            found: list[tuple[str, str]] = super().get_query_args(*key)
            return found
        if key not in self.parsed_not_grouped_args:
            self.parsed_not_grouped_args[key] = query_pairs(self.query_string) if self.query_string else []
        return self.parsed_not_grouped_args[key]


def authenticated(request: Request | None) -> Principal:
    """The principal the route authenticated; a logged-out visitor if none (deny by default)."""
    if request is None:
        return ANONYMOUS
    principal = getattr(request.ctx, "principal", None)
    return principal if isinstance(principal, Principal) else ANONYMOUS
