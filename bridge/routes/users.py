"""``/users/me``: who the bridge thinks the caller is."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.app import json_response, principal_of
from bridge.errors import not_logged_in

bp = Blueprint("users", url_prefix="/wp-json/wp-customer/v1")


@bp.get("/users/me")
async def me(request: Request) -> HTTPResponse:
    """The caller's id, name, roles, effective capabilities and relations (active rows only)."""
    principal = await principal_of(request)
    if not principal.logged_in:
        raise not_logged_in()
    return json_response(principal.as_dict())
