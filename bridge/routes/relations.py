"""Entity relation routes (EntityRelationModel over HTTP).

``GET /relations/{entity}/{id}`` → ``{customer_count, branch_count}`` linked to that entity, in
the caller's scope; ``GET /relations/{entity}/accessible`` → ``{scope: "all"|"some"|"none",
ids}``. An unknown entity is a 404 listing the known ones.
"""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.namespace import API_PREFIX
from bridge.params import path_integer_or_400
from bridge.relations import EntityRelations
from bridge.responses import json_response
from bridge.services import require_login, services
from bridge.statement_count import counted

bp = Blueprint("relations", url_prefix=API_PREFIX)


def _relations(request: Request) -> EntityRelations:
    return services(request).relations


@bp.get("/relations/<entity>/accessible")
@counted
async def accessible(request: Request, entity: str) -> HTTPResponse:
    """Which of the entity's rows the caller may see: all of them, these ids, or none."""
    relations = _relations(request)
    relations.config(entity)
    principal = await require_login(request)
    return json_response(await relations.accessible(request, principal, entity))


@bp.get("/relations/<entity>/<entity_id>")
@counted
async def counts(request: Request, entity: str, entity_id: str) -> HTTPResponse:
    """Distinct customers and branches (bridge rows) linked to one entity, that the caller may see."""
    relations = _relations(request)
    relations.config(entity)
    ident = path_integer_or_400(entity_id, "id", low=1)
    principal = await require_login(request)
    return json_response(await relations.counts(request, principal, entity, ident))
