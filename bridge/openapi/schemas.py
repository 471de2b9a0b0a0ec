"""JSON Schemas (OpenAPI 3.1 dialect) derived from ``bridge/resources/``: the item a resource
answers, the body a create or an update takes, the collection parameters, the WordPress error
body and the DataTables request and response. One source of truth: the rules validation runs
(``bridge/validation.py``) are the ones these schemas state."""

from __future__ import annotations

from typing import Any

from bridge.params import MAX_INT
from bridge.resources.schema import FieldSpec, FilterSpec, ResourceSchema
from bridge.rest.collection import DEFAULT_PER_PAGE, MAX_OFFSET, MAX_PAGE, MAX_PER_PAGE, MAX_SEARCH

Schema = dict[str, Any]

# the text formats the bridge checks, as patterns a client (or a fuzzer) can use
PATTERNS = {
    "npwp": r"^\d{2}\.?\d{3}\.?\d{3}\.?\d{1}-?\d{3}\.?\d{3}$",
    "nib": r"^\d{13}$",
    "phone": r"^[0-9+\-()\s]*$",
    "code": r"^[A-Za-z0-9-]+$",
    "digits": r"^\d+$",
    "postal-code": r"^\d{5}$",
}
MYSQL_DATETIME = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"  # how every row's timestamps are sent (bridge/responses.py)
ID: Schema = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_INT}
LINK: Schema = {
    "type": "object",
    "properties": {"href": {"type": "string"}, "embeddable": {"type": "boolean"}},
    "required": ["href"],
}
ERROR_CODES = {
    400: "Invalid parameters (rest_invalid_param), an invalid JSON body or a page past the last.",
    401: "Not logged in, or the credentials or the shim's signature were refused.",
    403: "Logged in but not allowed (rest_forbidden, rest_forbidden_context, a foreign Origin).",
    404: "No such route, or the row does not exist or is outside the caller's scope.",
    409: "Another row already holds a unique value.",
    410: "The row was deleted (soft) already.",
    412: "If-Match does not match the row's ETag.",
    415: "The body's Content-Type is neither JSON nor a form.",
    429: "Too many failed logins from this address.",
    503: "The database is unavailable; retry after Retry-After seconds.",
}


def error_schema() -> Schema:
    """WordPress's error body, ``rest_convert_error_to_response``."""
    return {
        "type": "object",
        "required": ["code", "message", "data"],
        "properties": {
            "code": {"type": "string"},
            "message": {"type": "string"},
            "data": {
                "type": "object",
                "required": ["status"],
                "properties": {
                    "status": {"type": "integer"},
                    "params": {"type": ["object", "array"]},
                    "details": {"type": "object"},
                },
            },
        },
    }


def _value(spec: FieldSpec, writing: bool) -> Schema:
    """One field's value schema; what a read answers may be null whenever the column is."""
    out: Schema
    if spec.type == "integer":
        out = dict(ID) if spec.name == "id" or spec.name.endswith("_id") else {"type": "integer"}
    elif spec.type == "string":
        out = {"type": "string"}
        if writing and spec.max_length is not None:
            out["maxLength"] = spec.max_length
        if writing and spec.format in PATTERNS:
            out["pattern"] = PATTERNS[spec.format]
        elif spec.format == "email":
            out["format"] = "email"
        elif spec.format == "date-time" and not writing:
            out["pattern"] = MYSQL_DATETIME
        if spec.enum:
            out["enum"] = list(spec.enum)
    else:
        out = {"type": spec.type}
    if spec.description:
        out["description"] = spec.description
    nullable = not writing or (spec.nullable and not spec.required)
    if nullable and "enum" not in out:
        out["type"] = [out["type"], "null"]
    elif nullable:
        out = {"anyOf": [out, {"type": "null"}]}
    if not writing and spec.format is not None and spec.format != "date-time":
        out.pop("pattern", None)  # stored rows predate the checks: a read answers what the table holds
    return out


def item_schema(schema: ResourceSchema) -> Schema:
    """An item as ``GET`` answers it: every field (null when the layout lacks it), the caller's
    ``permissions`` and ``_links`` (embeddable relations marked)."""
    props: Schema = {f.name: _value(f, False) for f in schema.fields}
    props["id"] = dict(ID)
    props["permissions"] = {
        "type": "object",
        "properties": {k: {"type": "boolean"} for k in ("view", "edit", "delete")},
        "additionalProperties": {"type": "boolean"},
    }
    props["_links"] = {"type": "object", "additionalProperties": {"type": "array", "items": LINK}}
    props["_embedded"] = {"type": "object", "additionalProperties": True}
    # no ``required``: ``_fields`` may leave any field out, ``id`` included
    return {"type": "object", "properties": props, "additionalProperties": True}


def body_schema(schema: ResourceSchema, creating: bool) -> Schema:
    """The JSON (or form) body of a create (``required`` as the plugin requires) or an update."""
    fields = [f for f in schema.writable if creating or not f.create_only]
    out: Schema = {
        "type": "object",
        "properties": {f.name: _value(f, True) for f in fields},
        "additionalProperties": False,
    }
    required = [f.name for f in fields if f.required and creating]
    if required:
        out["required"] = required
    return out


def deleted_schema(schema: ResourceSchema) -> Schema:
    return {
        "type": "object",
        "required": ["deleted", "previous"],
        "properties": {"deleted": {"const": True}, "previous": {"$ref": f"#/components/schemas/{schema.entity}"}},
    }


def _query(name: str, schema: Schema, description: str = "") -> Schema:
    param: Schema = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        param["description"] = description
    return param


def fields_param() -> Schema:
    return _query("_fields", {"type": "string"}, "Comma list of fields to answer (dots select nested ones).")


def context_param() -> Schema:
    return _query(
        "context",
        {"type": "string", "enum": ["view", "embed", "edit"], "default": "view"},
        "Which fields: embed is the compact set; edit needs the right to edit.",
    )


def embed_param() -> Schema:
    return _query("_embed", {"type": "string"}, "Embed the embeddable links (all, or a comma list of relations).")


def collection_params(schema: ResourceSchema, orderby: list[str]) -> list[Schema]:
    """WordPress's collection parameters with the bridge's bounds, and the resource's filters."""
    params = [
        context_param(),
        _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
        _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}),
        _query("offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}),
        _query("search", {"type": "string", "maxLength": MAX_SEARCH}),
        _query("orderby", {"type": "string", "enum": orderby, "default": "id"}),
        _query("order", {"type": "string", "enum": ["asc", "desc"], "default": "asc"}),
        fields_param(),
        embed_param(),
    ]
    for flt in schema.filters:
        params.append(_query(flt.name, filter_schema(flt), flt.description or f"Only rows with this {flt.name}."))
    return params


def filter_schema(flt: FilterSpec) -> Schema:
    """A collection filter's value: an id, one of its choices, an id list, or an ISO 8601 moment."""
    if flt.kind == "id":
        return dict(ID)
    if flt.kind == "enum":
        return {"type": "string", "enum": list(flt.choices)}
    if flt.kind == "ids":
        return {"type": "string", "pattern": "^[0-9]+(,[0-9]+)*$", "description": "comma-separated ids"}
    return {"type": "string", "format": "date-time"}


def datatables_request() -> Schema:
    """The DataTables 1.10+/2.x server-side request (the same keys as a query, a form or JSON)."""
    column = {
        "type": "object",
        "properties": {
            "data": {"type": "string"},
            "name": {"type": "string"},
            "searchable": {"type": "string", "enum": ["true", "false"]},
            "orderable": {"type": "string", "enum": ["true", "false"]},
            "search": {"$ref": "#/components/schemas/DataTablesSearch"},
        },
    }
    return {
        "type": "object",
        "required": ["draw"],
        "properties": {
            "draw": {"type": "integer", "minimum": 0},
            "start": {"type": "integer", "minimum": 0},
            "length": {"type": "integer", "minimum": -1},
            "search": {"$ref": "#/components/schemas/DataTablesSearch"},
            "columns": {"type": "array", "items": column},
            "order": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"column": {"type": "integer", "minimum": 0}, "dir": {"enum": ["asc", "desc"]}},
                },
            },
        },
    }


def datatables_search() -> Schema:
    return {"type": "object", "properties": {"value": {"type": "string"}, "regex": {"type": "string"}}}


def datatables_response() -> Schema:
    """``{draw, recordsTotal, recordsFiltered, data}``; failures in-band with ``error`` (HTTP 200)."""
    return {
        "type": "object",
        "required": ["draw", "recordsTotal", "recordsFiltered", "data"],
        "properties": {
            "draw": {"type": "integer"},
            "recordsTotal": {"type": "integer", "minimum": 0},
            "recordsFiltered": {"type": "integer", "minimum": 0},
            "data": {"type": "array", "items": {"type": ["object", "array"]}},
            "error": {"type": "string"},
        },
    }
