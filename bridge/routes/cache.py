"""``POST /wp-json/wp-customer/v1/cache/invalidate``: evict caches on WordPress's behalf.

When WordPress itself writes the plugin's tables (its own screens, another plugin), the shim
tells the bridge. Allowed for a signed request (the shim, any user, 0 included) or an
administrator. A JSON body (``Content-Type: application/json``; any other type is 415), one of:

- ``{"groups": ["customers", "statistics"]}`` — evict those cache groups;
- ``{"entity": "customer", "id": 3}`` — evict what a write to that entity affects (``id`` is
  optional and informative: groups are evicted whole). Entities: customer, branch, employee,
  user, every table model's entity (agency, plugins') and every relation config's entity;
- ``{"all": true}`` — every group the bridge uses (replay nonces are kept).

Answers ``{"evicted": [groups]}``.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.app import Services, json_response, principal_of, services
from bridge.auth import CREDENTIALS_GROUP, SIGNATURE_HEADERS
from bridge.errors import BridgeError, forbidden, invalid_params, not_logged_in
from bridge.media import JSON, body_type
from bridge.params import integer_or_400
from bridge.totals import with_settled

bp = Blueprint("cache", url_prefix="/wp-json/wp-customer/v1")

_GROUP = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
MAX_GROUPS = 100
DERIVED = ("statistics", "relations")
DATA = ("customers", "branches", "employees")
ENTITY_GROUPS: dict[str, tuple[str, ...]] = {
    # A customer or branch write can change branch counts, scopes and who relates to what.
    "customer": (*DATA, "principals", *DERIVED),
    "branch": (*DATA, "principals", *DERIVED),
    "employee": ("employees", "principals", *DERIVED),
    # A user's roles, relations or application passwords changed: evict their principal and every
    # cached password check (keyed by the credentials, not the user, so all of them go).
    "user": ("principals", CREDENTIALS_GROUP),
}


def _relation_groups(request: Request) -> list[str]:
    return [c.cache_group for c in services(request).relations.configs.values()]


def entity_groups(request: Request, svc: Services) -> dict[str, tuple[str, ...]]:
    """Every entity the bridge knows and the groups a write to it makes stale."""
    groups = dict(ENTITY_GROUPS)
    relation_groups = tuple(_relation_groups(request))
    for model in svc.models.values():
        groups.setdefault(model.entity, (model.resource, "principals", *DERIVED, *relation_groups))
    for entity, config in services(request).relations.configs.items():
        groups.setdefault(entity, (entity, *DERIVED, config.cache_group))
    return groups


def all_groups(request: Request, svc: Services) -> list[str]:
    known = {g for groups in entity_groups(request, svc).values() for g in groups}
    return sorted(known | {m.resource for m in svc.models.values()})


def _groups_for(body: Any, request: Request, svc: Services) -> list[str]:
    if not isinstance(body, dict):
        raise invalid_params(
            {"body": 'Send a JSON object: {"groups": [...]}, {"entity": ..., "id": ...} or {"all": true}.'}
        )
    if body.get("all") is True:
        return all_groups(request, svc)
    if "groups" in body:
        groups = body["groups"]
        if not isinstance(groups, list) or not groups or len(groups) > MAX_GROUPS:
            raise invalid_params({"groups": f"groups must be a list of 1 to {MAX_GROUPS} group names."})
        if not all(isinstance(g, str) and _GROUP.match(g) for g in groups):
            raise invalid_params({"groups": "Each group is a name of letters, digits and _ . : -."})
        return list(dict.fromkeys(groups))
    if "entity" in body:
        known = entity_groups(request, svc)
        entity = body["entity"]
        if not isinstance(entity, str) or entity not in known:
            raise invalid_params({"entity": f"entity must be one of: {', '.join(sorted(known))}."})
        integer_or_400(body.get("id"), "id", low=1, text=False)  # optional and informative, but never nonsense
        return list(known[entity])
    raise invalid_params({"body": "Name what to evict: groups, entity or all."})


@bp.post("/cache/invalidate")
async def invalidate(request: Request) -> HTTPResponse:
    """Evict cache groups after WordPress wrote the tables itself."""
    principal = await principal_of(request)  # a bad signature is refused here (401)
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
    groups = _groups_for(body, request, svc)
    await svc.cache.evict(*with_settled(groups))
    return json_response({"evicted": groups})
