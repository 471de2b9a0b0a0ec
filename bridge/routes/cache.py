"""``POST /wp-json/wp-customer/v1/cache/invalidate``: evict caches on WordPress's behalf.

When WordPress itself writes the plugin's tables (its own screens, another plugin), the shim
tells the bridge. Allowed for a signed request (the shim, any user, 0 included) or an
administrator. A JSON body (``Content-Type: application/json``; any other type is 415), one of:

- ``{"groups": ["customers", "statistics"]}`` — evict those cache groups;
- ``{"entity": "customer", "id": 3}`` — evict what a write to that entity affects, the same
  groups as the bridge's own writes (``bridge/invalidation.py``; ``id`` is optional and
  informative: groups are evicted whole). Entities: customer, branch, employee, user (also
  every cached password and cookie check), session (a user's sessions or password changed: every
  cookie check the workers remember; the shim sends it from the hook that changed them), every
  table model's entity (agency, plugins') and every relation config's entity;
- ``{"all": true}`` — every group the bridge uses (replay nonces are kept).

Answers ``{"evicted": [groups]}``.
"""

from __future__ import annotations

import re

import orjson
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.auth import SIGNATURE_HEADERS
from bridge.errors import BridgeError, forbidden, invalid_params, not_logged_in
from bridge.invalidation import InvalidationMap, UnknownEntity
from bridge.media import JSON, body_type
from bridge.namespace import API_PREFIX
from bridge.params import integer_or_400
from bridge.responses import json_response
from bridge.services import caller, services
from bridge.totals import with_settled

bp = Blueprint("cache", url_prefix=API_PREFIX)

_GROUP = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
MAX_GROUPS = 100


def groups_of(body: object, invalidation: InvalidationMap) -> list[str]:
    """The groups a body names: its ``groups``, its entity's (the map every write uses), or all."""
    if not isinstance(body, dict):
        raise invalid_params(
            {"body": 'Send a JSON object: {"groups": [...]}, {"entity": ..., "id": ...} or {"all": true}.'}
        )
    if body.get("all") is True:
        return invalidation.all_groups()
    if "groups" in body:
        groups = body["groups"]
        if not isinstance(groups, list) or not groups or len(groups) > MAX_GROUPS:
            raise invalid_params({"groups": f"groups must be a list of 1 to {MAX_GROUPS} group names."})
        if not all(isinstance(g, str) and _GROUP.match(g) for g in groups):
            raise invalid_params({"groups": "Each group is a name of letters, digits and _ . : -."})
        return list(dict.fromkeys(groups))
    if "entity" in body:
        entity = body["entity"]
        try:
            if not isinstance(entity, str):
                raise UnknownEntity(str(entity), invalidation.entities)
            groups = list(invalidation.groups_for(entity))
        except UnknownEntity as exc:
            raise invalid_params({"entity": f"entity must be one of: {', '.join(exc.known)}."}) from None
        integer_or_400(body.get("id"), "id", low=1, text=False)  # optional and informative, but never nonsense
        return groups
    raise invalid_params({"body": "Name what to evict: groups, entity or all."})


@bp.post("/cache/invalidate")
async def invalidate(request: Request) -> HTTPResponse:
    """Evict cache groups after WordPress wrote the tables itself."""
    principal = await caller(request)  # a bad signature is refused here (401)
    signed = any(h in request.headers for h in SIGNATURE_HEADERS)
    if not signed:
        if not principal.logged_in:
            raise not_logged_in()
        if not principal.is_administrator:
            raise forbidden("Only the WordPress shim or an administrator may invalidate caches.")
    body_type(request, (JSON,))  # JSON only: 415 for forms and anything else (bridge/media.py)
    try:
        body = orjson.loads(request.body or b"null")
    except orjson.JSONDecodeError:
        raise BridgeError("rest_invalid_json", "The request body is not valid JSON.", 400) from None
    svc = services(request)
    groups = groups_of(body, svc.invalidation)
    await svc.cache.evict(*with_settled(groups))
    return json_response({"evicted": groups})
