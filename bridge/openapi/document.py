"""The OpenAPI 3.1 document of a running app: every route of its router (plugin tables
included, since they are routes and models like the others), the components derived from the
resource schemas, and the two ways to authenticate."""

from __future__ import annotations

from typing import Any

from sanic import Sanic

from bridge.namespace import API_PREFIX
from bridge.openapi.operations import error_responses, operations, route_infos
from bridge.openapi.schemas import (
    Schema,
    body_schema,
    datatables_request,
    datatables_response,
    datatables_search,
    deleted_schema,
    error_schema,
    item_schema,
)
from bridge.resources.schema import ResourceSchema
from bridge.rest.collection import orderable
from bridge.services import Services
from bridge.signing import HEADER_SIGNATURE, HEADER_USER

SECURITY_SCHEMES: Schema = {
    "applicationPassword": {
        "type": "http",
        "scheme": "basic",
        "description": "A WordPress Application Password: the user's login and the password, as HTTP Basic.",
    },
    "shimUser": {
        "type": "apiKey",
        "in": "header",
        "name": HEADER_USER,
        "description": "The WordPress shim's signed request: the user id (with X-WP-Bridge-Timestamp and -Nonce).",
    },
    "shimSignature": {
        "type": "apiKey",
        "in": "header",
        "name": HEADER_SIGNATURE,
        "description": "HMAC-SHA256 of the request with the shared secret (BRIDGE_SHARED_SECRET).",
    },
}


def components(schemas: list[ResourceSchema]) -> Schema:
    out: dict[str, Any] = {
        "WP_Error": error_schema(),
        "DataTablesRequest": datatables_request(),
        "DataTablesSearch": datatables_search(),
        "DataTablesResponse": datatables_response(),
    }
    for schema in schemas:
        out[schema.entity] = item_schema(schema)
        out[f"{schema.entity}_create"] = body_schema(schema, creating=True)
        out[f"{schema.entity}_update"] = body_schema(schema, creating=False)
        out[f"{schema.entity}_deleted"] = deleted_schema(schema)
    return {"schemas": out, "responses": error_responses(), "securitySchemes": SECURITY_SCHEMES}


def build(app: Sanic[Any, Any], svc: Services, docs_assets: list[str]) -> Schema:
    """The document for ``app`` as it is routed now, with the table names ``svc`` serves."""
    tables = sorted(svc.models)
    choices = {"table": tables, "resource": tables, "asset": docs_assets}
    infos = route_infos(app.router.routes, choices)
    paths: dict[str, Schema] = {}
    schemas: dict[str, ResourceSchema] = {}
    for info in infos:
        orderby: list[str] = []
        if info.schema is not None:
            schemas[info.schema.resource] = info.schema
            model = svc.models.get(info.schema.resource)
            orderby = orderable(info.schema, model) if model is not None else ["id"]
        paths.setdefault(info.path, {}).update(operations(info, orderby))
    settings = svc.settings
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "wp-customer-bridge",
            "version": "1",
            "description": "WordPress-compatible REST and DataTables API over the WP Customer plugin's tables. "
            f"Every route but the operational ones lives under {API_PREFIX}.",
        },
        "servers": [{"url": settings.base_url}],
        "paths": paths,
        "components": components(list(schemas.values())),
    }
