"""Error types and their WordPress REST bodies: ``{"code", "message", "data": {"status", ...}}``.

Routes raise ``BridgeError`` (or a subclass); the app's error handler turns every exception,
Sanic's own included, into this shape. Unexpected exceptions become a 500 without a trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict


class ErrorBody(TypedDict):
    """WordPress's ``WP_Error`` as REST sends it."""

    code: str
    message: str
    data: dict[str, object]  # ``status`` always; ``params`` for invalid parameters; the error's extra data


class BridgeError(Exception):
    """An error with a WordPress error code, an HTTP status and optional extra data."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        **data: object,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.params = dict(params) if params else None
        self.headers = dict(headers) if headers else {}
        self.data = data

    def body(self) -> ErrorBody:
        data: dict[str, object] = {"status": self.status}
        if self.params is not None:
            data["params"] = self.params
        data.update(self.data)
        return {"code": self.code, "message": self.message, "data": data}


def invalid_params(params: Mapping[str, str], code: str = "rest_invalid_param") -> BridgeError:
    """400 naming every bad field, as WordPress does: "Invalid parameter(s): a, b"."""
    return BridgeError(code, "Invalid parameter(s): " + ", ".join(params), 400, params=params)


def not_logged_in() -> BridgeError:
    """401 without a ``WWW-Authenticate: Basic`` challenge, as WordPress answers: a challenge makes
    a browser prompt for and then cache credentials that any page could make it send again."""
    return BridgeError("rest_not_logged_in", "You are not currently logged in.", 401)


def forbidden(message: str = "Sorry, you are not allowed to do that.") -> BridgeError:
    return BridgeError("rest_forbidden", message, 403)


def not_found(code: str, message: str) -> BridgeError:
    return BridgeError(code, message, 404)


NO_ROUTE = BridgeError("rest_no_route", "No route was found matching the URL and request method.", 404)


class DatabaseUnavailable(BridgeError):
    """The database cannot be reached (lost or refused connections, no answer in time): 503.

    ``bridge/db.py`` raises it for every connection-level failure, so no route has to know
    about drivers. The body names the database and the driver's error only for callers the
    app trusts (``details()``; see ``bridge.app``): to anyone else they would map the network.
    ``retryable`` says that the statement can safely run again on a fresh connection (its
    connection was lost before it could have changed anything).
    """

    RETRY_AFTER = "1"

    def __init__(self, detail: str, database: str, *, retryable: bool = False) -> None:
        super().__init__(
            "wpbridge_database_unavailable",
            "The database does not answer; the bridge cannot serve data until it does. Please retry shortly.",
            503,
            headers={"Retry-After": self.RETRY_AFTER},
        )
        self.detail = detail
        self.database = database
        self.retryable = retryable

    def details(self) -> dict[str, str]:
        """What an administrator needs to fix it: which database, and what the driver said."""
        return {"database": self.database, "detail": self.detail}
