"""``GET /wp-json/`` (the root index: name, url, namespaces, authentication, routes) and
``GET /wp-json/wp-customer/v1`` (the namespace index), as WordPress's ``get_index`` and
``get_namespace_index`` answer them, from the router (bridge/discovery.py)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bridge.discovery import PREFIX, namespaced, route_data, route_groups
from bridge.namespace import API_PREFIX, NAMESPACE
from bridge.responses import json_response
from bridge.services import services

bp = Blueprint("index")


@bp.get(PREFIX, strict_slashes=False)
async def root_index(request: Request) -> HTTPResponse:
    """The API's root index: what it is, its namespace, how to authenticate, every route."""
    svc = services(request)
    groups = route_groups(request.app)
    base = svc.settings.base_url
    wordpress = (svc.settings.wp_site_url or base).rstrip("/")
    routes = {
        g.wordpress_route or "/": route_data(svc, g, help_context=False)
        for g in groups
        if g.template.startswith(PREFIX)
    }
    return json_response(
        {
            "name": "wp-customer-bridge",
            "description": "WordPress-compatible REST and DataTables API over the WP Customer plugin's tables.",
            "url": base,
            "home": wordpress,
            "namespaces": [NAMESPACE],
            "authentication": {
                "application-passwords": {
                    "endpoints": {"authorization": f"{wordpress}/wp-admin/authorize-application.php"}
                }
            },
            "routes": routes,
            "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
        }
    )


@bp.get(API_PREFIX, strict_slashes=False)
async def namespace_index(request: Request) -> HTTPResponse:
    """The namespace index: each route of wp-customer/v1 with its methods and args."""
    svc = services(request)
    groups = namespaced(route_groups(request.app))
    return json_response(
        {
            "namespace": NAMESPACE,
            "routes": {g.wordpress_route: route_data(svc, g, help_context=False) for g in groups},
            "_links": {"up": [{"href": f"{svc.settings.base_url}{PREFIX}/"}]},
        }
    )
