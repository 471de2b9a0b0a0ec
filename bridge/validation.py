"""Request bodies and field rules for REST writes, with the plugin's (Indonesian) messages.

Two layers, both reporting every bad field at once in ``data.params``:

1. ``read_body`` checks shape: a body that is neither JSON nor a form → 415
   ``rest_unsupported_media_type``; invalid JSON → ``rest_invalid_json``; a form field that is not
   valid UTF-8, unknown or read-only fields, wrong types (an array where a string belongs,
   ``"5x"`` or ``1.5`` for an id) → ``rest_invalid_param``. Ids may arrive as numeric strings
   (forms send nothing else), parsed by bridge/params.py like every integer. Text fields are
   cleaned as WordPress's ``sanitize_text_field`` cleans them, here where they are read.
2. ``apply_rules`` checks values as the plugin's validators do: required fields,
   lengths, enums, ranges, NPWP/NIB/email/phone formats, each with the plugin's message. The
   rules are not written here: each resource states them once in its ``ResourceSchema``
   (bridge/resources/), which OpenAPI, OPTIONS and CSV export will read too. Checks that need
   the database (existence, uniqueness) live with the REST resources, which add to the same
   ``Problems``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson
from sanic import Request

from bridge.errors import BridgeError, invalid_params
from bridge.media import FORMS, body_type
from bridge.params import MAX_INT, ParamError, form_pairs, integer
from bridge.resources.schema import FieldSpec, ResourceSchema
from bridge.sanitize import sanitize_text
from bridge.schema import SchemaInfo

# re.ASCII: like the plugin's PHP patterns (no /u), \d and \s mean ASCII digits and spaces only.
NPWP_RE = re.compile(r"^\d{2}\.\d{3}\.\d{3}\.\d{1}-\d{3}\.\d{3}$", re.ASCII)
NIB_RE = re.compile(r"^\d{13}$", re.ASCII)
PHONE_RE = re.compile(r"^[0-9+\-()\s]*$", re.ASCII)
CODE_RE = re.compile(r"^[A-Za-z0-9-]+$")
DIGITS_RE = re.compile(r"^\d+$", re.ASCII)
POSTAL_RE = re.compile(r"^\d{5}$", re.ASCII)
_NOT_DIGIT = re.compile(r"\D", re.ASCII)
_EMAIL_LOCAL_RE = re.compile(r"^[a-zA-Z0-9!#$%&'*+/=?^_`{|}~.-]+$")
_EMAIL_LABEL_RE = re.compile(r"^[a-z0-9-]+$", re.IGNORECASE)


class Problems:
    """Field → message, first message per field wins; raised as one 400 naming them all."""

    def __init__(self) -> None:
        self.params: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.params.setdefault(field, message)

    def __bool__(self) -> bool:
        return bool(self.params)

    def __contains__(self, field: str) -> bool:
        return field in self.params

    def raise_invalid(self) -> None:
        if self.params:
            raise invalid_params(self.params)


def conflict(entity: str, params: Mapping[str, str]) -> BridgeError:
    """409 naming each field whose value collides with another row (or the rows' state)."""
    return BridgeError(f"rest_{entity}_conflict", "Conflicting value(s): " + ", ".join(params), 409, params=params)


# ---- bodies ---------------------------------------------------------------------------------


def read_body(request: Request) -> dict[str, Any]:
    """The request body as a dict: JSON object, or form fields (strings) for form encodings;
    read as its declared type says (bridge/media.py), any other type is 415."""
    content_type = body_type(request)
    raw = request.body or b""
    if content_type in FORMS:
        try:
            return _form_dict(form_pairs(raw, request.headers.get("content-type")))
        except ParamError as exc:
            raise invalid_params({exc.field: exc.message}) from None
    if content_type is None or not raw.strip():
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BridgeError("rest_invalid_json", "Invalid JSON body passed.", 400) from None
    if not isinstance(data, dict):
        raise BridgeError("rest_invalid_json", "The JSON body must be an object of fields.", 400)
    return data


def _form_dict(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Form fields; a repeated key or ``key[]`` becomes a list (so a type check can refuse it)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        array = key.endswith("]") and "[" in key
        key = key.split("[", 1)[0] if array else key
        if key in out or array:
            previous = out.get(key)
            out[key] = [*(previous if isinstance(previous, list) else [] if previous is None else [previous]), value]
        else:
            out[key] = value
    return out


# ---- types ------------------------------------------------------------------------------------


def available(spec: FieldSpec, resource: ResourceSchema, layout: SchemaInfo) -> bool:
    """The site's table has one of the field's columns (the documented layout has far fewer)."""
    return any(layout.has(resource.table, c) for c in (spec.columns or (spec.name,)))


def coerce(spec: FieldSpec, value: Any) -> tuple[Any, str | None]:
    """The value in its Python type, or an error message (WordPress's wording)."""
    if value is None:
        return (None, None) if spec.nullable else (None, f"{spec.name} must not be null.")
    if spec.type == "string":
        if not isinstance(value, str):
            return None, f"{spec.name} is not of type string."
        if spec.enum:
            if value not in spec.enum:
                return None, spec.invalid_message or f"{spec.name} is not one of {', '.join(spec.enum)}."
            return value, None
        return sanitize_text(value), None
    if spec.type == "integer":  # every writable integer is an id
        try:
            return integer(value, spec.name, low=1, high=MAX_INT), None
        except ParamError as exc:
            return None, exc.message
    if spec.type == "boolean":
        flag = as_bool(value)
        if flag is None:
            return None, f"{spec.name} is not of type boolean."
        return flag, None
    if spec.type == "number":
        number = as_float(value)
        if number is None:
            return None, f"{spec.name} is not of type number."
        return number, None
    raise AssertionError(f"{spec.name}: a {spec.type} field cannot be written")


def as_bool(value: Any) -> bool | None:
    """WordPress's rest_sanitize_boolean: true/false, 1/0, "true"/"false", "1"/"0", "yes"/"no"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on", "0", "false", "no", "off", ""):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return None


def as_float(value: Any) -> float | None:
    """A JSON number or decimal text in ASCII digits (``float()`` alone also reads "١٢.٥")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,4}(\.\d{1,12})?\s*", value, re.ASCII):
        number = float(value)
    else:
        return None
    return number if number == number and abs(number) != float("inf") else None


def read_fields(
    body: Mapping[str, Any], resource: ResourceSchema, layout: SchemaInfo, *, creating: bool
) -> tuple[dict[str, Any], Problems]:
    """Typed values of the fields present in ``body``, and a problem for every unknown or mistyped
    one; ``apply_rules`` adds its own to the same ``Problems`` so one 400 names every bad field.

    A field whose column this site's layout lacks is refused with a message saying so. Empty
    strings of nullable non-text fields mean "clear it" (None); text fields arrive cleaned
    (``coerce``) and the rules clear the empty ones.
    """
    specs = {f.name: f for f in resource.writable}
    read_only = resource.read_only
    problems = Problems()
    values: dict[str, Any] = {}
    for key, raw in body.items():
        name = str(key)[:100]
        spec = specs.get(name)
        if spec is None:
            message = f"{name} is read-only." if name in read_only else f"{name} is not a field of this resource."
            problems.add(name, message)
            continue
        if spec.create_only and not creating:
            problems.add(name, f"{name} cannot be changed.")
            continue
        if not available(spec, resource, layout):
            problems.add(name, f"{name} is not available in this site's database layout.")
            continue
        if isinstance(raw, str) and raw.strip() == "" and spec.nullable and spec.type != "string":
            raw = None
        value, error = coerce(spec, raw)
        if error:
            problems.add(name, error)
        else:
            values[name] = value
    return values, problems


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


# ---- formats ----------------------------------------------------------------------------------


def format_npwp(value: str) -> str:
    """The plugin's formatNpwp: 15 digits → ``XX.XXX.XXX.X-XXX.XXX``; anything else unchanged."""
    digits = _NOT_DIGIT.sub("", value)
    if len(digits) != 15:
        return value.strip()
    return f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}.{digits[8]}-{digits[9:12]}.{digits[12:15]}"


def format_nib(value: str) -> str:
    """Digits only. Unlike the plugin's formatNib this keeps every digit, so 14 digits fail the check."""
    return _NOT_DIGIT.sub("", value)


def is_email(value: str) -> bool:
    """WordPress's ``is_email()`` checks (without its filters)."""
    if len(value) < 6 or "@" not in value[1:]:
        return False
    local, domain = value.split("@", 1)
    if not _EMAIL_LOCAL_RE.match(local) or ".." in domain:
        return False
    labels = domain.strip(" \t\n\r\0\x0b.").split(".")
    if len(labels) < 2 or domain != domain.strip(" \t\n\r\0\x0b."):
        return False
    return all(label and _EMAIL_LABEL_RE.match(label) and label[0] != "-" and label[-1] != "-" for label in labels)


# ---- rules ------------------------------------------------------------------------------------

# format → (normaliser, check); a value is normalised before every check of its field
FORMATS: dict[str, tuple[Callable[[str], str] | None, Callable[[str], object]]] = {
    "npwp": (format_npwp, NPWP_RE.match),
    "nib": (format_nib, NIB_RE.match),
    "code": (None, CODE_RE.match),
    "digits": (None, DIGITS_RE.match),
    "postal-code": (None, POSTAL_RE.match),
    "phone": (None, PHONE_RE.match),
    "email": (None, is_email),
}


def apply_rules(
    resource: ResourceSchema, values: dict[str, Any], problems: Problems, layout: SchemaInfo, *, creating: bool
) -> None:
    """The resource's field rules over the typed ``values``, in the schema's order, the first
    problem per field kept: emptiness (cleared, generated), required, length, format, range."""
    for spec in resource.writable:
        name = spec.name
        if (spec.empty_is_null or spec.generated) and values.get(name) == "":
            values[name] = None
        if spec.generated and name in values and values[name] is None:
            if creating:
                del values[name]  # the bridge makes one
            else:
                problems.add(name, spec.invalid_message or f"{name} cannot be cleared.")
        if spec.required and creating and available(spec, resource, layout) and blank(values.get(name)):
            problems.add(name, spec.required_message or f"{name} is required.")
        if (spec.required or spec.not_blank) and name in values and blank(values[name]):
            problems.add(name, spec.required_message or f"{name} must not be empty.")
        value = values.get(name)
        if isinstance(value, str) and value:
            _text_rules(spec, values, problems)
        elif isinstance(value, float) and not _in_range(spec, value):
            problems.add(name, spec.invalid_message or f"{name} is out of range.")


def _text_rules(spec: FieldSpec, values: dict[str, Any], problems: Problems) -> None:
    normalise, check = FORMATS[spec.format] if spec.format in FORMATS else (None, None)
    if normalise is not None:
        values[spec.name] = normalise(values[spec.name])
    value = values[spec.name]
    if spec.max_length is not None and len(value) > spec.max_length:
        message = spec.max_message or spec.invalid_message
        problems.add(spec.name, message or f"{spec.name} must be at most {spec.max_length} characters long.")
    if check is not None and not check(value):
        problems.add(spec.name, spec.invalid_message or f"{spec.name} is not a valid {spec.format}.")


def _in_range(spec: FieldSpec, value: float) -> bool:
    return (spec.minimum is None or value >= spec.minimum) and (spec.maximum is None or value <= spec.maximum)


def validate(
    body: Mapping[str, Any], resource: ResourceSchema, layout: SchemaInfo, *, creating: bool
) -> tuple[dict[str, Any], Problems]:
    """``read_fields`` then ``apply_rules``: the typed values and every problem found in them."""
    values, problems = read_fields(body, resource, layout, creating=creating)
    apply_rules(resource, values, problems, layout, creating=creating)
    return values, problems
