"""The DataTables server-side protocol: the request's shape, its validation, the error answer.

DataTables sends PHP-style bracket keys (``columns[0][search][value]``) in a GET query or a
POST form, or a nested JSON body (``ajax.submitAs: 'json'``); all three become one nested
value here (the bracket keys by bridge/params.py, like every route's), with blank values kept
(DataTables sends many). A POST body is read by its declared
``Content-Type`` only, like every body (bridge/media.py). Everything is validated into a
``DataTableRequest``; anything wrong raises ``DataTableError`` whose message the route sends
back as HTTP 200 ``{"draw", "recordsTotal": 0, "recordsFiltered": 0, "data": [], "error"}``,
because a DataTables client shows the ``error`` of a 200 but only "Ajax error" for a 4xx
(reference §1.4). Messages never repeat what the client sent, except names made of safe
characters. What the answer selects is planned in ``plan.py``, and run by ``engine.py``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, overload

import orjson
from sanic import Request

from bridge.errors import BridgeError
from bridge.media import FORMS, JSON, body_type
from bridge.override import sent_method
from bridge.params import (
    MAX_INT,
    MAX_PARAMS,
    ParamError,
    form_pairs,
    integer,
    parse_brackets,
    repeated_message,
)

MAX_COLUMNS = 100
MAX_SEARCH = 200
MAX_REGEX = 100
DEFAULT_LENGTH = 10

# DataTables 1.9 (sAjaxSource) names; 1.10+ sends none of them (reference §1.2).
LEGACY_KEYS = ("sEcho", "iDisplayStart", "iDisplayLength", "sSearch", "bRegex", "iColumns", "iSortingCols")
_LEGACY_PREFIXES = ("mDataProp_", "iSortCol_", "sSortDir_", "bSearchable_", "bSortable_", "sSearch_", "bRegex_")


_INDEXES = tuple(str(i) for i in range(MAX_COLUMNS + 1))


class DataTableError(Exception):
    """A request DataTables cannot be answered for; ``str(exc)`` is what the client is told."""


# ---- collecting parameters --------------------------------------------------------------------


def request_params(request: Request) -> dict[str, Any]:
    """The DataTables parameters of a GET query, a POST form or a JSON body (query merged in)."""
    grouped: dict[str, list[str]] = {}  # a repeated key next to its first (as parse_qs groups them)
    for key, value in request.get_query_args(keep_blank_values=True):  # parsed once per request
        grouped.setdefault(key, []).append(value)
    pairs = [(key, value) for key, values in grouped.items() for value in values]
    json_body: Any = None
    if sent_method(request) == "POST":  # POST …?_method=GET still reads its body
        try:
            ctype = body_type(request)  # by the declared type only, as REST writes (bridge/media.py)
        except BridgeError as exc:
            raise DataTableError(exc.message) from None
        if ctype in FORMS:
            try:
                pairs += form_pairs(request.body or b"", request.content_type)
            except ParamError as exc:
                raise DataTableError(exc.message) from None
        elif ctype == JSON:
            try:
                json_body = orjson.loads(request.body)
            except orjson.JSONDecodeError:
                raise DataTableError("The request body is not valid JSON.") from None
            if not isinstance(json_body, dict):
                raise DataTableError("The JSON request body must be an object.")
    try:
        params = parse_brackets(pairs)
    except ParamError as exc:
        raise DataTableError(exc.message) from None
    if json_body is not None:
        both = next((key for key in json_body if key in params), None)
        if both is not None:
            raise DataTableError(repeated_message(both))
        params.update(json_body)
    return params


# ---- scalar conversions -----------------------------------------------------------------------


def _text(value: Any, name: str, default: str = "") -> str:
    if value is None:
        return default
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise DataTableError(f"{name} must be text.")


def _flag(value: Any, name: str, default: bool) -> bool:
    if value == "true":  # what DataTables sends
        return True
    if value == "false":
        return False
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise DataTableError(f"{name} must be true or false.")


@overload
def whole(
    value: Any, name: str, default: int, *, low: int = 0, high: int = MAX_INT, also: tuple[int, ...] = ()
) -> int: ...


@overload
def whole(
    value: Any, name: str, default: None = None, *, low: int = 0, high: int = MAX_INT, also: tuple[int, ...] = ()
) -> int | None: ...


def whole(
    value: Any, name: str, default: int | None = None, *, low: int = 0, high: int = MAX_INT, also: tuple[int, ...] = ()
) -> int | None:
    """bridge/params.py's ``integer``, its refusal told in-band; blank or missing gives ``default``."""
    try:
        return integer(value, name, low=low, high=high, default=default, also=also)
    except ParamError as exc:
        raise DataTableError(exc.message) from None


def _indexed(node: Any, name: str) -> list[Any]:
    """Items of ``columns``/``order``: a JSON list, or a dict keyed 0…n-1."""
    if node is None or node == "":
        return []
    if isinstance(node, list):
        return node
    if not isinstance(node, dict):
        raise DataTableError(f"{name} must be a list.")
    if len(node) <= len(_INDEXES) and all(key == _INDEXES[i] for i, key in enumerate(node)):
        return list(node.values())  # "0", "1", … in order, what jQuery sends: the loop's answer
    keyed: dict[int, Any] = {}
    for key, value in node.items():
        try:
            index = integer(key, name, high=MAX_PARAMS)
        except ParamError:
            index = None
        if index is None or str(index) != key:  # "01", " 1" and "+1" number nothing
            raise DataTableError(f"{name} must be numbered 0, 1, 2, … without gaps.")
        keyed[index] = value
    if sorted(keyed) != list(range(len(keyed))):
        raise DataTableError(f"{name} must be numbered 0, 1, 2, … without gaps.")
    return [keyed[i] for i in range(len(keyed))]


# ---- the request ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    value: str = ""
    regex: bool = False


@dataclass(frozen=True)
class ColumnRequest:
    """``columns[i]``: ``data`` only ever selects a model column by name; it never reaches SQL."""

    index: int
    data: str | None
    name: str
    searchable: bool
    orderable: bool
    search: Search
    control: Any = None  # ``columns[i][columnControl]`` as sent (bridge/datatables/columncontrol.py)


# What DataTables 2 and its extensions put in ``columns[i]``; anything else is an extension
# the bridge does not implement, and is refused by name rather than silently ignored.
COLUMN_KEYS = frozenset({"data", "name", "searchable", "orderable", "search", "columnControl"})


@dataclass(frozen=True)
class OrderRequest:
    column: int
    dir: str  # asc | desc


@dataclass(frozen=True)
class DataTableRequest:
    draw: int
    start: int
    length: int  # -1: all rows (up to the server's maximum)
    search: Search
    columns: tuple[ColumnRequest, ...]
    order: tuple[OrderRequest, ...]
    params: Mapping[str, Any] = field(default_factory=dict)  # everything, for table filters (customer_id…)


def draw_of(params: Mapping[str, Any]) -> int:
    """The draw counter to echo, as an int; 0 when it is missing or not an integer in 0..2^63−1
    (so the echo can always be encoded)."""
    for key in ("draw", "sEcho"):
        try:
            value = integer(params.get(key), key)
        except ParamError:
            value = None
        if value is not None:
            return value
    return 0


def _search(node: Any, name: str) -> Search:
    if node is None or node == "":
        return Search()
    if not isinstance(node, dict):
        raise DataTableError(f"{name} must have [value] and [regex].")
    value = _text(node.get("value"), f"{name}[value]")
    if len(value) > MAX_SEARCH:
        raise DataTableError(f"{name}[value] is longer than {MAX_SEARCH} characters.")
    return Search(value.strip(), _flag(node.get("regex"), f"{name}[regex]", False))


def _column(index: int, node: Any) -> ColumnRequest:
    name = f"columns[{index}]"
    if not isinstance(node, dict):
        raise DataTableError(f"{name} must have [data], [searchable], [orderable] and [search].")
    unknown = sorted(set(node) - COLUMN_KEYS)
    if unknown:
        raise DataTableError(f"{name}[{unknown[0][:32]}] is not a DataTables parameter this bridge implements.")
    data = node.get("data")
    if isinstance(data, int) and not isinstance(data, bool):
        data = str(data)  # array data: an index, which names no column
    elif not isinstance(data, str):
        data = None  # orthogonal data (an object) names no single column
    return ColumnRequest(
        index=index,
        data=data,
        name=_text(node.get("name"), f"{name}[name]"),
        searchable=_flag(node.get("searchable"), f"{name}[searchable]", True),
        orderable=_flag(node.get("orderable"), f"{name}[orderable]", True),
        search=_search(node.get("search"), f"{name}[search]"),
        control=node.get("columnControl"),
    )


def _order(index: int, node: Any, columns: int) -> OrderRequest:
    name = f"order[{index}]"
    if not isinstance(node, dict):
        raise DataTableError(f"{name} must have [column] and [dir].")
    column = whole(node.get("column"), f"{name}[column]")
    if column is None or column >= columns:
        raise DataTableError(
            f"{name}[column] must be the index of one of the {columns} columns sent (0 to {columns - 1})."
        )
    direction = _text(node.get("dir"), f"{name}[dir]", "asc").lower() or "asc"
    if direction not in ("asc", "desc"):
        raise DataTableError(f"{name}[dir] must be asc or desc.")
    return OrderRequest(column, direction)


def parse_request(params: Mapping[str, Any], max_rows: int) -> DataTableRequest:
    """Validate the DataTables 1.10+/2.x parameters; raise DataTableError naming what is wrong."""
    if any(k in params for k in LEGACY_KEYS) or any(k.startswith(_LEGACY_PREFIXES) for k in params):
        raise DataTableError(
            "Legacy DataTables 1.9 parameters (sEcho, iDisplayStart, …) are not supported; "
            "use DataTables 1.10 or later (draw, start, length, columns, order)."
        )
    if params.get("draw") is None or params.get("draw") == "":
        raise DataTableError("draw is missing; DataTables sends it with every request.")
    draw = whole(params.get("draw"), "draw", 0)
    start = whole(params.get("start"), "start", 0)
    length = whole(params.get("length"), "length", DEFAULT_LENGTH, low=1, also=(-1,))
    if length > max_rows:
        raise DataTableError(f"length must be at most {max_rows} (BRIDGE_DATATABLES_MAX_ROWS); page the table instead.")
    raw_columns = _indexed(params.get("columns"), "columns")
    if len(raw_columns) > MAX_COLUMNS:
        raise DataTableError(f"The request has {len(raw_columns)} columns; at most {MAX_COLUMNS} are accepted.")
    columns = tuple(_column(i, node) for i, node in enumerate(raw_columns))
    raw_order = _indexed(params.get("order"), "order")
    if raw_order and not columns:
        raise DataTableError("order needs the columns it refers to; send columns[i][data] too.")
    if len(raw_order) > max(len(columns), 1):
        raise DataTableError("order has more entries than there are columns.")
    order = tuple(_order(i, node, len(columns)) for i, node in enumerate(raw_order))
    return DataTableRequest(draw, start, length, _search(params.get("search"), "search"), columns, order, params)


def error_body(draw: int, message: str) -> dict[str, Any]:
    """The DataTables error answer (HTTP 200): empty, with the reason in ``error``."""
    return {"draw": draw, "recordsTotal": 0, "recordsFiltered": 0, "data": [], "error": message}


def check_regex(pattern: str, name: str) -> str:
    """A regular expression a column allows, kept short and well-formed before MySQL sees it."""
    if len(pattern) > MAX_REGEX:
        raise DataTableError(f"{name} is longer than {MAX_REGEX} characters.")
    try:
        re.compile(pattern)
    except re.error:
        raise DataTableError(f"{name} is not a valid regular expression.") from None
    return pattern
