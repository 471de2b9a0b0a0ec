"""Operational routes: liveness and readiness (database reachable); the OpenAPI document is bridge/routes/docs.py."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.responses import json_response
from bridge.wiring import ensure_services

bp = Blueprint("ops")


@bp.get("/healthz")
async def healthz(request: Request) -> HTTPResponse:
    """The process is up and serving requests."""
    return json_response({"status": "ok"})


@bp.get("/readyz")
async def readyz(request: Request) -> HTTPResponse:
    """Ready when the database answers; 503 ``wpbridge_database_unavailable`` otherwise."""
    svc = await ensure_services(request.app)
    await svc.db.ping()
    return json_response({"status": "ready", "database": "ok"})
