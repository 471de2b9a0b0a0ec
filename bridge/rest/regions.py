"""Region lookups the customer and branch forms need: ``GET /regions/provinces`` and
``GET /regions/provinces/{id}/regencies`` (wp-wilayah-indonesia's tables), for logged-in callers.

Public reference data, the same for every caller, so each list is cached in the shared cache
(evicted with the ``regions`` group; the tables change only when the site imports regions).
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.cache import remember
from bridge.errors import BridgeError
from bridge.namespace import API_PREFIX
from bridge.responses import json_response
from bridge.services import require_login, services

bp = Blueprint("rest_regions", url_prefix=API_PREFIX)

REGIONS_TTL = 3600


async def regions(request: Request, key: str, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    svc = services(request)

    async def load() -> list[dict[str, Any]]:
        return [
            {"id": int(r["id"]), "code": str(r["code"]), "name": str(r["name"])}
            for r in await svc.db.fetch_all(sql, params)
        ]

    rows: list[dict[str, Any]] = await remember(svc.cache, f"regions:{key}", load, ttl=REGIONS_TTL, group="regions")
    return rows


@bp.get("/regions/provinces")
async def provinces(request: Request) -> HTTPResponse:
    """Every province: ``[{id, code, name}]`` by name."""
    await require_login(request)
    table = services(request).names.provinces
    return json_response(await regions(request, "provinces", f"SELECT id, code, name FROM `{table}` ORDER BY name", {}))


@bp.get("/regions/provinces/<province_id:id>/regencies")
async def regencies(request: Request, province_id: int) -> HTTPResponse:
    """The regencies of one province: ``[{id, code, name}]`` by name; 404 for an unknown province."""
    await require_login(request)
    names = services(request).names
    found = await regions(
        request,
        f"province:{province_id}",
        f"SELECT id, code, name FROM `{names.provinces}` WHERE id = %(id)s",
        {"id": province_id},
    )
    if not found:
        raise BridgeError("rest_province_invalid_id", "Invalid province ID.", 404)
    sql = f"SELECT id, code, name FROM `{names.regencies}` WHERE province_id = %(id)s ORDER BY name"
    return json_response(await regions(request, f"regencies:{province_id}", sql, {"id": province_id}))
