"""What WordPress's discovery answers say about a route: ``get_data_for_route`` (namespace,
methods, endpoints with their args, the item schema), for ``OPTIONS`` (bridge/options.py) and
the indexes (bridge/routes/index.py). Derived from the router and the resource schemas, like
the OpenAPI document, so the three never disagree."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sanic import Sanic
from sanic_routing.route import Route

from bridge.namespace import NAMESPACE
from bridge.openapi.operations import DOCUMENTED_METHODS, RouteInfo, operations, route_infos
from bridge.openapi.schemas import body_schema, item_schema
from bridge.rest.collection import orderable
from bridge.services import Services

_PARAM = re.compile(r"<([A-Za-z_]\w*)(?::([^>]*))?>")
PREFIX = "/wp-json"


@dataclass(frozen=True)
class RouteGroup:
    """The routes of one path: what OPTIONS and the indexes describe together."""

    template: str  # /wp-json/wp-customer/v1/customers/{row_id}
    pattern: re.Pattern[str]
    routes: tuple[Route, ...]
    infos: tuple[RouteInfo, ...]

    @property
    def wordpress_route(self) -> str:
        """WordPress's name of the route: ``/wp-customer/v1/customers/(?P<row_id>[\\d]+)``."""
        path = self.template.removeprefix(PREFIX)
        return re.sub(r"\{(\w+)\}", lambda m: f"(?P<{m[1]}>{self._group(m[1])})", path)

    def _group(self, name: str) -> str:
        labels = {n: label for info in self.infos for n, label in info.params}
        return r"[\d]+" if labels.get(name) in ("id", "int") else r"[^/]+"

    @property
    def methods(self) -> list[str]:
        return [m for m in DOCUMENTED_METHODS if any(m in info.methods for info in self.infos)]


def route_groups(app: Sanic[Any, Any]) -> list[RouteGroup]:
    """Every path of the router with its routes, computed once per app."""
    cached: list[RouteGroup] | None = getattr(app.ctx, "route_groups", None)
    if cached is not None:
        return cached
    by_template: dict[str, list[Route]] = {}
    for route in app.router.routes:
        template = "/" + _PARAM.sub(r"{\1}", route.path)
        by_template.setdefault(template, []).append(route)
    groups = []
    for template, routes in sorted(by_template.items()):
        infos = route_infos(routes, {})
        if not infos:
            continue
        regex = (
            "^/" + _PARAM.sub(lambda m: f"(?P<{m[1]}>{'[0-9]+' if m[2] == 'id' else '[^/]+'})", routes[0].path) + "$"
        )
        groups.append(RouteGroup(template, re.compile(regex), tuple(routes), tuple(infos)))
    app.ctx.route_groups = groups
    return groups


def match(app: Sanic[Any, Any], path: str) -> tuple[RouteGroup, dict[str, str]] | None:
    """The route group ``path`` belongs to and its path parameters."""
    for group in route_groups(app):
        found = group.pattern.match(path)
        if found:
            return group, found.groupdict()
    return None


def _orderby(svc: Services, info: RouteInfo) -> list[str]:
    model = svc.models.get(info.schema.resource) if info.schema is not None else None
    return orderable(info.schema, model) if info.schema is not None and model is not None else ["id"]


def endpoint_args(svc: Services, info: RouteInfo, method: str) -> dict[str, Any]:
    """An endpoint's ``args`` as WordPress lists them: the parameters and body fields it takes."""
    op = operations(info, _orderby(svc, info))[method.lower()]
    args: dict[str, Any] = {}
    for param in op.get("parameters", []):
        if param["in"] in ("query", "path"):
            args[param["name"]] = {**param["schema"], "required": bool(param.get("required", False))}
    if info.schema is not None and info.operation in ("create", "update"):
        body = body_schema(info.schema, creating=info.operation == "create")
        required = set(body.get("required", []))
        for name, prop in body["properties"].items():
            args[name] = {**prop, "required": name in required}
    return args


def endpoints(svc: Services, group: RouteGroup) -> list[dict[str, Any]]:
    return [{"methods": list(info.methods), "args": endpoint_args(svc, info, info.methods[0])} for info in group.infos]


def public_schema(group: RouteGroup) -> dict[str, Any] | None:
    """The item schema of a resource route, as ``get_public_item_schema`` gives it."""
    schema = next((info.schema for info in group.infos if info.schema is not None), None)
    if schema is None:
        return None
    return {"$schema": "http://json-schema.org/draft-04/schema#", "title": schema.entity, **item_schema(schema)}


def route_data(svc: Services, group: RouteGroup, help_context: bool) -> dict[str, Any]:
    """``get_data_for_route``: the schema only in the ``help`` context (OPTIONS)."""
    path = group.template.removeprefix(PREFIX)
    namespace = NAMESPACE if path.startswith(f"/{NAMESPACE}") else ""
    data: dict[str, Any] = {"namespace": namespace, "methods": group.methods, "endpoints": endpoints(svc, group)}
    if "{" not in group.template:
        data["_links"] = {"self": [{"href": svc.settings.base_url + group.template}]}
    if help_context:
        schema = public_schema(group)
        if schema is not None:
            data["schema"] = schema
    return data


def namespaced(groups: Iterable[RouteGroup]) -> list[RouteGroup]:
    return [g for g in groups if g.template.startswith(f"{PREFIX}/{NAMESPACE}/")]
