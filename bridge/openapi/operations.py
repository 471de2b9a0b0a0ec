"""The operations of one router route: its path template, parameters, body, responses and
security, read from the route itself (its method set, its path parameters and the
``ResourceSchema`` a controller attaches as ``ctx_schema`` / ``ctx_operation``), so a route
added later is described the moment it is registered. Routes without a resource schema get
their path parameters, the errors every route can answer and a JSON body of any shape."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sanic_routing.route import Route

from bridge.namespace import API_PREFIX
from bridge.openapi.schemas import (
    ERROR_CODES,
    ID,
    Schema,
    collection_params,
    context_param,
    embed_param,
    fields_param,
)
from bridge.resources.schema import ResourceSchema

DOCUMENTED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_PARAM = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*)(?::[^>]*)?>")
LOGGED_IN: list[Schema] = [{"applicationPassword": []}, {"shimUser": [], "shimSignature": []}]
ANYONE: list[Schema] = [{}, *LOGGED_IN]
PUBLIC_PATHS = ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/{asset}", "/wp-json", API_PREFIX)
PAGING_HEADERS: Schema = {
    "X-WP-Total": {"description": "Rows matching in all.", "schema": {"type": "integer", "minimum": 0}},
    "X-WP-TotalPages": {"description": "Pages of per_page rows.", "schema": {"type": "integer", "minimum": 0}},
    "Link": {"description": 'rel="prev" / rel="next" pages, the query kept.', "schema": {"type": "string"}},
}
ETAG: Schema = {"ETag": {"description": "The row's version, for If-Match.", "schema": {"type": "string"}}}


@dataclass(frozen=True)
class RouteInfo:
    """What the document needs of a route: its template, methods and the context it declares."""

    path: str  # OpenAPI template: /wp-json/wp-customer/v1/customers/{row_id}
    methods: tuple[str, ...]
    name: str  # the handler's short name: list_customers
    params: tuple[tuple[str, str], ...]  # (name, Sanic label: id, str, int…)
    schema: ResourceSchema | None = None
    operation: str | None = None  # list, get, create, update, delete
    choices: Mapping[str, list[str]] = field(default_factory=dict)  # path parameter → its known values


def route_infos(routes: Iterable[Route], choices: Mapping[str, list[str]]) -> list[RouteInfo]:
    """Every route of the router with a documented method, in path order."""
    out = []
    for route in routes:
        methods = tuple(m for m in DOCUMENTED_METHODS if m in route.methods)
        if not methods:
            continue
        path = "/" + _PARAM.sub(r"{\1}", route.path)
        params = tuple((p.name, p.label) for p in route.params.values())
        ctx = route.ctx
        out.append(
            RouteInfo(
                path,
                methods,
                route.name.rsplit(".", 1)[-1],
                params,
                getattr(ctx, "schema", None),
                getattr(ctx, "operation", None),
                {name: values for name, values in choices.items() if name in dict(params)},
            )
        )
    return sorted(out, key=lambda r: (r.path, r.methods))


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: Schema) -> Schema:
    return {"application/json": {"schema": schema}}


def errors(*codes: int) -> Schema:
    return {str(c): {"$ref": f"#/components/responses/Error{c}"} for c in codes}


def error_responses() -> Schema:
    """One reusable response per status: the WordPress error body."""
    return {
        f"Error{code}": {"description": text, "content": _json(_ref("WP_Error"))} for code, text in ERROR_CODES.items()
    }


def path_params(info: RouteInfo) -> list[Schema]:
    out = []
    for name, label in info.params:
        schema: Schema = dict(ID) if label in ("id", "int") else {"type": "string", "minLength": 1}
        if name in info.choices:
            schema = {"type": "string", "enum": info.choices[name]}
        out.append({"name": name, "in": "path", "required": True, "schema": schema})
    return out


def _if_match() -> Schema:
    return {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}}


def _if_none_match() -> Schema:
    return {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}}


def _body(schema: Schema) -> Schema:
    return {
        "required": True,
        "content": {"application/json": {"schema": schema}, "application/x-www-form-urlencoded": {"schema": schema}},
    }


def resource_operation(info: RouteInfo, method: str, orderby: list[str]) -> Schema:
    """A controller's operation, from its ResourceSchema."""
    schema, op = info.schema, info.operation
    assert schema is not None
    entity = _ref(schema.entity)
    item_params = [context_param(), fields_param(), embed_param()]
    if op == "list":
        return {
            "summary": f"List the {schema.resource} the caller may see",
            "parameters": [*collection_params(schema, orderby), _if_none_match()],
            "responses": {
                "200": {
                    "description": "One page",
                    "headers": {**PAGING_HEADERS, **ETAG},
                    "content": {
                        **_json({"type": "array", "items": entity}),
                        "text/csv": {
                            "schema": {"type": "string", "description": "the page's plain fields, UTF-8 with a BOM"}
                        },
                    },
                },
                "304": {"description": "Not modified since If-None-Match"},
                **errors(400, 401, 403, 429, 503),
            },
        }
    if op == "get":
        return {
            "summary": f"One {schema.entity}",
            "parameters": [*item_params, _if_none_match()],
            "responses": {
                "200": {"description": f"The {schema.entity}", "headers": ETAG, "content": _json(entity)},
                "304": {"description": "Not modified since If-None-Match"},
                **errors(400, 401, 403, 404, 429, 503),
            },
        }
    if op == "create":
        location = {"Location": {"description": "The new item's URL.", "schema": {"type": "string"}}}
        return {
            "summary": f"Create a {schema.entity}",
            "parameters": [fields_param()],
            "requestBody": _body(_ref(f"{schema.entity}_create")),
            "responses": {
                "201": {"description": "Created", "headers": {**location, **ETAG}, "content": _json(entity)},
                **errors(400, 401, 403, 404, 409, 415, 429, 503),
            },
        }
    if op == "update":
        return {
            "summary": f"Update a {schema.entity} ({method})",
            "parameters": [fields_param(), _if_match()],
            "requestBody": _body(_ref(f"{schema.entity}_update")),
            "responses": {
                "200": {"description": "Updated", "headers": ETAG, "content": _json(entity)},
                **errors(400, 401, 403, 404, 409, 412, 415, 429, 503),
            },
        }
    return {
        "summary": f"Delete a {schema.entity}",
        "parameters": [_if_match()],
        "responses": {
            "200": {"description": "Deleted", "content": _json(_ref(f"{schema.entity}_deleted"))},
            **errors(400, 401, 403, 404, 410, 412, 429, 503),
        },
    }


def datatables_operation(method: str) -> Schema:
    """The DataTables endpoint: parameters as a query (GET) or a form or JSON body (POST)."""
    request = _ref("DataTablesRequest")
    op: Schema = {
        "summary": "One DataTables draw (server-side processing)",
        "responses": {
            "200": {"description": "The draw, or an in-band error", "content": _json(_ref("DataTablesResponse"))},
            **errors(404),
        },
    }
    if method == "GET":
        op["parameters"] = [
            {"name": "draw", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 0}},
            {"name": "start", "in": "query", "schema": {"type": "integer", "minimum": 0}},
            {"name": "length", "in": "query", "schema": {"type": "integer", "minimum": -1}},
            {"name": "search[value]", "in": "query", "schema": {"type": "string"}},
            {"name": "search[regex]", "in": "query", "schema": {"type": "string", "enum": ["true", "false"]}},
        ]  # columns[i][data|name|searchable|orderable|search][…] and order[i][column|dir] as DataTables sends them
    else:
        op["requestBody"] = {
            "required": False,
            "content": {
                "application/x-www-form-urlencoded": {"schema": request},
                "application/json": {"schema": request},
            },
        }
    return op


def generic_operation(info: RouteInfo) -> Schema:
    """A route without a resource schema: any JSON (or text) answer and the usual errors."""
    if info.path.startswith("/docs") or info.path == "/metrics":
        content: Schema = {"text/plain": {"schema": {"type": "string"}}, "text/html": {"schema": {"type": "string"}}}
        return {"responses": {"200": {"description": "OK", "content": content}, **errors(404)}}
    op: Schema = {
        "responses": {
            "200": {"description": "OK", "content": _json({"type": ["object", "array"]})},
            **errors(400, 401, 403, 404, 415, 429, 503),
        }
    }
    if "POST" in info.methods:
        op["requestBody"] = {"required": False, "content": _json({"type": "object"})}
    if info.name == "customer_statistics":
        op["parameters"] = [{"name": "customer_id", "in": "query", "required": False, "schema": ID}]
    return op


def operations(info: RouteInfo, orderby: list[str]) -> dict[str, Schema]:
    """``{method: operation}`` for a route; each operationId unique (the method is added when a
    route answers several)."""
    out = {}
    for method in info.methods:
        if info.schema is not None and info.operation is not None:
            op = resource_operation(info, method, orderby)
        elif info.name == "datatable":
            op = datatables_operation(method)
        else:
            op = generic_operation(info)
        op_id = info.name if len(info.methods) == 1 else f"{info.name}_{method.lower()}"
        op = {"operationId": op_id, **op}
        params = path_params(info)
        if params:
            op["parameters"] = [*params, *op.get("parameters", [])]
        op["security"] = ANYONE if info.path in PUBLIC_PATHS else LOGGED_IN
        if info.schema is not None:
            op["tags"] = [info.schema.resource]
        out[method.lower()] = op
    return out
