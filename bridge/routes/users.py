"""``/users/me``: who the bridge thinks the caller is."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.namespace import API_PREFIX
from bridge.responses import json_response
from bridge.services import require_login

bp = Blueprint("users", url_prefix=API_PREFIX)


@bp.get("/users/me")
async def me(request: Request) -> HTTPResponse:
    """The caller's id, name, roles, effective capabilities and relations (active rows only)."""
    return json_response((await require_login(request)).as_dict())
