"""Operational routes: liveness and readiness (database reachable); the OpenAPI document is bridge/routes/docs.py."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.replica import report
from bridge.responses import json_response
from bridge.wiring import ensure_services

bp = Blueprint("ops")


@bp.get("/healthz")
async def healthz(request: Request) -> HTTPResponse:
    """The process is up and serving requests."""
    return json_response({"status": "ok"})


@bp.get("/readyz")
async def readyz(request: Request) -> HTTPResponse:
    """Ready when the database answers; 503 ``wpbridge_database_unavailable`` otherwise. With a read
    replica, its state too: while it lags or is down, reads fall back to the primary (still ready)."""
    svc = await ensure_services(request.app)
    await svc.db.ping()
    body: dict[str, object] = {"status": "ready", "database": "ok"}
    replica = report(svc.db)
    if replica is not None:
        body["replica"] = replica
    return json_response(body)
