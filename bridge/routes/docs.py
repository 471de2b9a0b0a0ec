"""``/openapi.json`` (generated from the router and the resource schemas, bridge/openapi/) and
``/docs``: Swagger UI served from the installed ``swagger-ui-py`` package, so the page works
without reaching a CDN."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, file, html

from bridge.errors import BridgeError
from bridge.openapi.document import build
from bridge.responses import json_response
from bridge.services import services

bp = Blueprint("docs")

ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>wp-customer-bridge API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"><link rel="icon" href="/docs/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div><script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});</script>
</body></html>"""


def static_dir() -> Path:
    """Swagger UI's files inside the installed package (found without importing it)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


@bp.get("/openapi.json")
async def openapi(request: Request) -> HTTPResponse:
    """The OpenAPI 3.1 document of every route this app serves."""
    return json_response(build(request.app, services(request), list(ASSETS)))


@bp.get("/docs")
async def docs(request: Request) -> HTTPResponse:
    """Swagger UI over ``/openapi.json``."""
    return html(PAGE)


@bp.get("/docs/<asset:str>")
async def asset(request: Request, asset: str) -> HTTPResponse:
    """One of Swagger UI's files; only the names in ``ASSETS`` (never a path from the client)."""
    if asset not in ASSETS:
        raise BridgeError("rest_no_route", "No route was found matching the URL and request method.", 404)
    return await file(static_dir() / asset, headers={"Cache-Control": "public, max-age=86400"})
