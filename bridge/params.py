"""The one parameter parser shared by REST, DataTables, statistics, relations and path ids.

Everything a client sends goes through here before the bridge relies on it:

* ``integer``: ASCII digits only (Python's ``int()`` and ``str.isdigit`` also take fullwidth,
  Arabic-Indic and ``1_000`` forms), bounded to 0..2^63−1 unless a caller narrows it, never a
  JSON float or boolean (JSON ``true`` is not 1), with the same WordPress-worded message
  wherever it is used. ``path_id`` is the same parser as the cast of the ``<name:id>`` route type.
* ``repeated_key``: the rule for query keys: each may appear once, except names ending in ``[]``.
* ``query_args`` and ``parse_brackets``: a query string's pairs, and PHP-style bracket keys
  (``columns[0][search][value]``, ``ids[]``) nested as PHP's ``$_GET`` nests them, blanks kept.
* ``form_pairs``: ``application/x-www-form-urlencoded`` and ``multipart/form-data`` bodies, UTF-8
  checked per field (``%FF`` is refused naming the field, never turned into U+FFFD), multipart
  only with a valid boundary, and never a traceback in the log for a malformed body.

Errors are ``ParamError``: REST turns them into 400 ``rest_invalid_param``, DataTables into its
in-band ``error``. No database and no Sanic request are needed here, so this is unit-tested alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.errors import StartBoundaryNotFoundDefect
from email.parser import BytesParser
from email.policy import HTTP
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

from bridge.errors import invalid_params

MAX_PARAMS = 20_000  # parameters in one request (DataTables sends ~8 per column)
MAX_DEPTH = 6  # levels of bracket keys: columns[0][search][value] is 4
MAX_INT = 2**63 - 1  # the largest value MySQL's BIGINT (and orjson, and OFFSET) all take
_MAX_DIGITS = len(str(MAX_INT))

_INTEGER = re.compile(r"[ \t\r\n]*([+-]?)([0-9]+)[ \t\r\n]*")
_ASCII_DIGITS = re.compile(r"[0-9]+")
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")
_CACHED_KEY = 80  # keys this short are decoded and split once per worker: DataTables repeat them
_SAFE = re.compile(r"^[A-Za-z0-9_\[\]. -]{1,60}$")
# RFC 2046 §5.1.1: 1 to 70 of these characters, not ending in a space.
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")
_CONTENT_TYPE_PARAM = re.compile(r';\s*([A-Za-z0-9!#$%&\'*+.^_`|~-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)')


class ParamError(ValueError):
    """A value the bridge refuses: ``field`` names it (only if its name is harmless), ``str()`` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def safe(text: object, fallback: str = "a parameter") -> str:
    """``text`` if it is a harmless name (letters, digits, brackets), else ``fallback``: error
    messages never repeat what a client sent beyond such names."""
    return text if isinstance(text, str) and _SAFE.match(text) else fallback


# ---- integers ---------------------------------------------------------------------------------


def not_integer(name: str) -> str:
    return f"{name} is not of type integer."


def out_of_range(name: str, low: int, high: int, also: Iterable[int] = ()) -> str:
    span = f"between {low} (inclusive) and {high} (inclusive)"
    extra = " or ".join(str(v) for v in also)
    return f"{name} must be {extra + ' or ' if extra else ''}{span}."


def integer(
    value: object,
    name: str,
    *,
    low: int = 0,
    high: int = MAX_INT,
    default: int | None = None,
    also: tuple[int, ...] = (),
    text: bool = True,
) -> int | None:
    """``value`` as an int in ``low..high`` (or one of ``also``, e.g. DataTables' ``length=-1``).

    Accepted: a JSON integer, or (unless ``text`` is False: JSON-only fields) text of ASCII
    digits with an optional sign and surrounding ASCII whitespace. Missing (None) or blank gives
    ``default``. Anything else, JSON floats and booleans included, raises ParamError with
    WordPress's wording ("… is not of type integer.", "… must be between … (inclusive) and … (inclusive).").
    """
    if value is None or (value == "" and text):
        return default
    return required_integer(value, name, low=low, high=high, also=also, text=text)


def required_integer(
    value: object, name: str, *, low: int = 0, high: int = MAX_INT, also: tuple[int, ...] = (), text: bool = True
) -> int:
    """``integer`` for a value that is always there (a path segment): missing or blank is not an integer."""
    if type(value) is str and text and value.isascii() and value.isdigit() and len(value) < _MAX_DIGITS:
        number = int(value)  # plain ASCII digits, below 2^63 (DataTables' start, length, draw, indexes)
    elif isinstance(value, bool):
        raise ParamError(name, not_integer(name))
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and text:
        match = _INTEGER.fullmatch(value)
        if match is None:
            raise ParamError(name, not_integer(name))
        digits = match.group(2).lstrip("0") or "0"
        if len(digits) > _MAX_DIGITS:  # never int() a 4,000-digit string; it is out of range anyway
            raise ParamError(name, out_of_range(name, low, high, also))
        number = -int(digits) if match.group(1) == "-" else int(digits)
    else:
        raise ParamError(name, not_integer(name))
    if number in also or low <= number <= high:
        return number
    raise ParamError(name, out_of_range(name, low, high, also))


def integer_or_400(value: object, name: str, *, low: int = 0, high: int = MAX_INT, text: bool = True) -> int | None:
    """``integer`` for REST-style routes: a refusal is a 400 ``rest_invalid_param`` naming ``name``."""
    try:
        return integer(value, name, low=low, high=high, text=text)
    except ParamError as exc:
        raise invalid_params({name: exc.message}) from None


def path_integer_or_400(text: str, name: str, *, low: int = 0, high: int = MAX_INT) -> int:
    """``required_integer`` of a path segment for REST-style routes: a refusal is a 400 naming ``name``."""
    try:
        return required_integer(text, name, low=low, high=high)
    except ParamError as exc:
        raise invalid_params({name: exc.message}) from None


def path_id(text: str) -> int:
    """The cast of the ``<name:id>`` route type: ASCII digits only, 0..2^63−1. Its ValueError
    makes the router answer 404, as WordPress's ``(?P<id>[\\d]+)`` routes do for anything else."""
    if not _ASCII_DIGITS.fullmatch(text):
        raise ParamError("id", not_integer("id"))
    return required_integer(text, "id")


PATH_ID_PATTERN = r"^[0-9]+$"


# ---- repeated keys ------------------------------------------------------------------------------


def repeated_key(keys: Iterable[str]) -> str | None:
    """The first key sent twice, or None. Names ending in ``[]`` (jQuery arrays) may repeat."""
    seen: set[str] = set()
    for key in keys:
        if key.endswith("[]"):
            continue
        if key in seen:
            return key
        seen.add(key)
    return None


def repeated_message(key: str) -> str:
    return f"{safe(key)} is sent more than once; send each parameter once (only names ending in [] may repeat)."


# ---- query strings and bracket keys ------------------------------------------------------------


def _unquote(text: str) -> str:
    return unquote(text.replace("+", " ")) if ("%" in text or "+" in text) else text


_unquote_key = lru_cache(maxsize=2048)(_unquote)


def query_pairs(query: str) -> list[tuple[str, str]]:
    """``parse_qsl(query, keep_blank_values=True)``: the same pairs in the same order (UTF-8,
    invalid bytes replaced), ~10x faster on a DataTables query: its 30-odd bracketed keys are
    decoded once per worker, and a value without ``%`` or ``+`` is taken as it is."""
    pairs: list[tuple[str, str]] = []
    for part in query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((_unquote_key(key) if len(key) <= _CACHED_KEY else _unquote(key), _unquote(value)))
    return pairs


def query_args(query: str) -> dict[str, list[str]]:
    """``parse_qs(query, keep_blank_values=True)``: ``query_pairs`` grouped by key in order of
    first appearance."""
    args: dict[str, list[str]] = {}
    for key, value in query_pairs(query):
        args.setdefault(key, []).append(value)
    return args


def parse_brackets(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """``[("columns[0][data]", "name"), …]`` → ``{"columns": {"0": {"data": "name"}}}``.

    ``a[]`` appends (jQuery arrays); a key that is both a value and a parent is an error, and so
    is any other key sent twice (``repeated_key``'s rule for every route).

    What it builds, and whether it is refused, depends on the keys alone while the values are
    text; a DataTables client sends the same keys with every request, so the dict operations
    one sequence of keys makes are kept (``_layout``) and replayed with the next values.
    """
    listed = pairs if isinstance(pairs, list) else list(pairs)
    if len(listed) > _LAYOUT_PAIRS or not all(type(value) is str for _, value in listed):
        return _nest(listed, None)
    keys = tuple(key for key, _ in listed)
    layout = _LAYOUTS.get(keys)
    if layout is None:
        layout = []
        _nest(listed, layout)  # refuses what it refuses, whatever the values
        if len(_LAYOUTS) >= _LAYOUT_ENTRIES:
            _LAYOUTS.clear()
        _LAYOUTS[keys] = layout
    nodes: list[dict[str, Any]] = [{}]
    for parent, name, index in layout:
        if index < 0:
            child: dict[str, Any] = {}
            nodes[parent][name] = child
            nodes.append(child)
        else:
            nodes[parent][name] = listed[index][1]
    return nodes[0]


# A layout: (node, name, pair) per dict operation in order; pair -1 makes a new node (numbered
# from 1 in order of creation; 0 is the root), else the node's ``name`` gets that pair's value.
Layout = list[tuple[int, str, int]]
_LAYOUT_PAIRS = 400  # requests with more pairs are parsed afresh (DataTables sends ~8 per column)
_LAYOUT_ENTRIES = 256  # per worker; the layouts start over when full
_LAYOUTS: dict[tuple[str, ...], Layout] = {}


def _nest(pairs: list[tuple[str, Any]], layout: Layout | None) -> dict[str, Any]:
    """The nesting itself; with ``layout``, its dict operations are recorded there."""
    root: dict[str, Any] = {}
    seen: set[str] = set()
    numbers: dict[int, int] = {id(root): 0}  # node → its number in ``layout``
    for count, (key, value) in enumerate(pairs, 1):
        if count > MAX_PARAMS:
            raise ParamError("request", f"The request has more than {MAX_PARAMS} parameters.")
        if not key.endswith("[]"):
            if key in seen:
                raise ParamError(safe(key), repeated_message(key))
            seen.add(key)
        parts = _key_parts(key) if len(key) <= _CACHED_KEY else _split_key(key)
        if len(parts) > MAX_DEPTH:
            raise ParamError(safe(key), f"Parameter {safe(key)} is nested deeper than {MAX_DEPTH} levels.")
        _put(root, parts, value, key, layout, numbers, count - 1)
    return root


def _split_key(key: str) -> tuple[str, ...]:
    match = _KEY.match(key)
    return (match.group(1), *_PART.findall(match.group(2))) if match else (key,)


_key_parts = lru_cache(maxsize=2048)(_split_key)


def _put(
    node: dict[str, Any],
    parts: tuple[str, ...],
    value: Any,
    key: str,
    layout: Layout | None = None,
    numbers: dict[int, int] | None = None,
    index: int = 0,
) -> None:
    for part in parts[:-1]:
        name = part if part != "" else str(len(node))
        child = node.get(name)
        if child is None and name not in node:
            child = node[name] = {}
            if layout is not None and numbers is not None:
                layout.append((numbers[id(node)], name, -1))
                numbers[id(child)] = len(numbers)
        if not isinstance(child, dict):
            raise _conflict(key)
        node = child
    last = parts[-1] if parts[-1] != "" else str(len(node))
    if isinstance(node.get(last), dict):
        raise _conflict(key)
    node[last] = value
    if layout is not None and numbers is not None:
        layout.append((numbers[id(node)], last, index))


def _conflict(key: str) -> ParamError:
    return ParamError(safe(key), f"Parameter {safe(key)} conflicts with another parameter of the same name.")


# ---- form bodies --------------------------------------------------------------------------------


def _decode(raw: bytes, field: str | None) -> str:
    """Percent- and plus-decoded form text, refused (naming ``field``) unless it is valid UTF-8."""
    try:
        if b"%" not in raw and b"+" not in raw:
            return raw.decode("utf-8")
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        if field is None:
            raise ParamError("body", "A parameter name in the body is not valid UTF-8.") from None
        raise ParamError(safe(field, "body"), f"{safe(field, 'A parameter')} is not valid UTF-8.") from None


@lru_cache(maxsize=2048)
def _decode_key(raw: bytes) -> str:
    """A parameter name, decoded once per worker: DataTables repeat the same keys in every request."""
    return _decode(raw, None)


def urlencoded_pairs(body: bytes) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs of an urlencoded body, blanks kept, in order."""
    pairs: list[tuple[str, str]] = []
    for part in body.split(b"&"):
        if not part:
            continue
        key, _, value = part.partition(b"=")
        name = _decode_key(key) if len(key) <= 80 else _decode(key, None)
        pairs.append((name, _decode(value, name)))
    return pairs


def media_type(content_type: str | None) -> str:
    """``multipart/form-data; boundary=x`` → ``multipart/form-data``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def boundary_of(content_type: str) -> str:
    """The multipart boundary named in ``Content-Type``, checked before any parsing."""
    params: list[tuple[str, str]] = _CONTENT_TYPE_PARAM.findall(content_type)  # two groups: name, value
    for name, value in params:
        if name.lower() == "boundary":
            text = value[1:-1].replace('\\"', '"') if value.startswith('"') else value
            if _BOUNDARY.fullmatch(text):
                return text
            raise ParamError(
                "body", "The multipart/form-data boundary must be 1 to 70 of the characters RFC 2046 allows."
            )
    raise ParamError("body", "A multipart/form-data body needs a boundary parameter in its Content-Type header.")


def multipart_pairs(body: bytes, content_type: str) -> list[tuple[str, str]]:
    """The text fields of a ``multipart/form-data`` body (file parts are not parameters)."""
    boundary = boundary_of(content_type)
    head = f'Content-Type: multipart/form-data; boundary="{boundary}"\r\n\r\n'.encode("ascii")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart() or any(isinstance(d, StartBoundaryNotFoundDefect) for d in message.defects):
        raise ParamError("body", "The multipart/form-data body does not contain its boundary.")
    pairs: list[tuple[str, str]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or part.get_param("filename", header="content-disposition") is not None:
            continue
        payload = part.get_payload(decode=True)
        raw = payload if isinstance(payload, bytes) else b""
        try:
            pairs.append((name, raw.decode(part.get_content_charset() or "utf-8")))
        except (UnicodeDecodeError, LookupError):
            raise ParamError(
                safe(name, "body"), f"{safe(name, 'A parameter')} is not valid text in its charset."
            ) from None
    return pairs


def form_pairs(body: bytes, content_type: str | None) -> list[tuple[str, str]]:
    """The pairs of a form body of either form type (an empty list for any other type)."""
    kind = media_type(content_type)
    if kind == "application/x-www-form-urlencoded":
        return urlencoded_pairs(body)
    if kind == "multipart/form-data":
        return multipart_pairs(body, content_type or "")
    return []
