"""Request bodies and field rules for REST writes, with the plugin's (Indonesian) messages.

Two layers, both reporting every bad field at once in ``data.params``:

1. ``read_body`` checks shape: a body that is neither JSON nor a form → 415
   ``rest_unsupported_media_type``; invalid JSON → ``rest_invalid_json``; a form field that is not
   valid UTF-8, unknown or read-only fields, wrong types (an array where a string belongs,
   ``"5x"`` or ``1.5`` for an id) → ``rest_invalid_param``. Ids may arrive as numeric strings
   (forms send nothing else), parsed by bridge/params.py like every integer. Text fields are
   cleaned as WordPress's ``sanitize_text_field`` cleans them, here where they are read.
2. The ``*_rules`` functions check values as the plugin's validators do: required
   fields, lengths, NPWP/NIB/email/phone formats. Checks that need the database (existence,
   uniqueness) live with the routes, which add to the same ``Problems``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from sanic import Request

from bridge.errors import BridgeError, invalid_params
from bridge.media import FORMS, body_type
from bridge.params import MAX_INT, ParamError, form_pairs, integer, sanitize_text
from bridge.schema import SchemaInfo

STATUSES = ("active", "inactive")
BRANCH_TYPES = ("pusat", "cabang")
DEPARTMENTS = ("finance", "operation", "legal", "purchase")

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

# The plugin's messages, and ours in the same style where the plugin has none.
MSG = {
    "customer_name_required": "Nama customer wajib diisi.",
    "customer_name_max": "Nama customer maksimal 100 karakter.",
    "customer_name_exists": "Nama customer sudah ada.",
    "customer_type_required": "Jenis customer wajib diisi.",
    "customer_type_max": "Jenis customer maksimal 50 karakter.",
    "customer_code_invalid": "Kode customer hanya boleh berisi huruf, angka dan tanda hubung, maksimal 10 karakter.",
    "customer_code_exists": "Kode customer sudah ada.",
    "npwp_invalid": "Format NPWP tidak valid. Format: XX.XXX.XXX.X-XXX.XXX",
    "npwp_exists": "NPWP sudah terdaftar.",
    "nib_invalid": "Format NIB tidak valid. Harus 13 digit.",
    "nib_exists": "NIB sudah terdaftar.",
    "status_invalid": "Invalid status value",
    "province_missing": "Provinsi tidak ditemukan.",
    "regency_missing": "Kabupaten/kota tidak ditemukan.",
    "regency_outside": "Kabupaten/kota tidak berada di provinsi yang dipilih.",
    "user_missing": "User WordPress tidak ditemukan.",
    "user_required": "User WordPress wajib dipilih.",
    "customer_required": "Customer wajib dipilih.",
    "customer_missing": "Customer tidak ditemukan.",
    "branch_name_required": "Nama cabang wajib diisi.",
    "branch_name_max": "Nama cabang maksimal 100 karakter.",
    "branch_name_exists": "Nama cabang sudah ada dalam customer ini.",
    "branch_type_required": "Tipe cabang wajib dipilih.",
    "branch_type_invalid": "Tipe cabang tidak valid.",
    "branch_pusat_exists": "Customer ini sudah memiliki kantor pusat.",
    "branch_first_pusat": "Cabang pertama harus bertipe kantor pusat",
    "branch_last_pusat": "Minimal harus ada 1 kantor pusat. Tidak bisa mengubah tipe kantor pusat terakhir.",
    "branch_pusat_delete": "Tidak dapat menghapus kantor pusat karena masih ada cabang aktif",
    "branch_regency_exists": "Customer ini sudah memiliki cabang di kabupaten/kota ini.",
    "branch_code_exhausted": "Kode cabang untuk customer ini sudah habis (maksimal 100 cabang).",
    "agency_required": "Agency ID wajib diisi. Pastikan provinsi yang dipilih memiliki agency.",
    "division_required": "Division ID wajib diisi. Pastikan regency yang dipilih memiliki division dalam agency.",
    "agency_missing": "Agency tidak ditemukan.",
    "division_missing": "Division tidak ditemukan dalam agency ini.",
    "nitku_invalid": "NITKU hanya boleh berisi angka, maksimal 20 digit.",
    "postal_code_invalid": "Kode pos harus 5 digit.",
    "latitude_invalid": "Latitude harus di antara -90 dan 90.",
    "longitude_invalid": "Longitude harus di antara -180 dan 180.",
    "address_max": "Alamat maksimal 1000 karakter.",
    "email_required": "Email wajib diisi.",
    "email_invalid": "Format email tidak valid.",
    "email_max": "Email maksimal 100 karakter.",
    "email_exists": "Email sudah digunakan.",
    "phone_max": "Nomor telepon maksimal 20 karakter.",
    "phone_invalid": "Format nomor telepon tidak valid.",
    "employee_name_required": "Nama karyawan wajib diisi.",
    "employee_name_max": "Nama karyawan maksimal 100 karakter.",
    "position_required": "Jabatan wajib diisi.",
    "position_max": "Jabatan maksimal 100 karakter.",
    "keterangan_max": "Keterangan maksimal 200 karakter.",
    "branch_required": "ID Cabang wajib diisi.",
    "branch_missing": "Cabang tidak ditemukan.",
    "branch_outside": "Cabang tidak termasuk dalam customer ini.",
    "department_required": "Minimal satu departemen harus dipilih.",
    "user_taken": "User ini sudah terdaftar sebagai karyawan.",
}


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


# ---- field specs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A writable field: its JSON type, the column(s) it needs, and whether it may be null/cleared."""

    name: str
    kind: str  # str | id | bool | float | enum
    table: str
    columns: tuple[str, ...] = ()  # any one of these must exist (default: the field's name)
    choices: tuple[str, ...] = ()
    nullable: bool = True
    create_only: bool = False
    invalid: str = ""  # the plugin's message for a value outside ``choices``

    def available(self, schema: SchemaInfo) -> bool:
        return any(schema.has(self.table, c) for c in (self.columns or (self.name,)))


def coerce(spec: Field, value: Any) -> tuple[Any, str | None]:
    """The value in its Python type, or an error message (WordPress's wording)."""
    if value is None:
        return (None, None) if spec.nullable else (None, f"{spec.name} must not be null.")
    if spec.kind in ("str", "enum"):
        if not isinstance(value, str):
            return None, f"{spec.name} is not of type string."
        if spec.kind == "enum" and value not in spec.choices:
            return None, spec.invalid or f"{spec.name} is not one of {', '.join(spec.choices)}."
        return (sanitize_text(value) if spec.kind == "str" else value), None
    if spec.kind == "id":
        try:
            return integer(value, spec.name, low=1, high=MAX_INT), None
        except ParamError as exc:
            return None, exc.message
    if spec.kind == "bool":
        flag = as_bool(value)
        if flag is None:
            return None, f"{spec.name} is not of type boolean."
        return flag, None
    if spec.kind == "float":
        number = as_float(value)
        if number is None:
            return None, f"{spec.name} is not of type number."
        return number, None
    raise AssertionError(spec.kind)


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
    body: Mapping[str, Any],
    fields: Iterable[Field],
    schema: SchemaInfo,
    *,
    creating: bool,
    read_only: Iterable[str] = (),
) -> tuple[dict[str, Any], Problems]:
    """Typed values of the fields present in ``body``, and a problem for every unknown or mistyped
    one; the rules below add theirs to the same ``Problems`` so one 400 names every bad field.

    A field whose column this site's schema lacks is refused with a message saying so (the
    documented layout has far fewer columns). Empty strings of nullable non-text fields
    mean "clear it" (None); text fields arrive cleaned (``coerce``) and the rules clear the empty ones.
    """
    specs = {f.name: f for f in fields}
    read_only = set(read_only)
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
        if not spec.available(schema):
            problems.add(name, f"{name} is not available in this site's database layout.")
            continue
        if isinstance(raw, str) and raw.strip() == "" and spec.nullable and spec.kind != "str":
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


def _max(problems: Problems, values: Mapping[str, Any], field: str, limit: int, message: str) -> None:
    value = values.get(field)
    if isinstance(value, str) and len(value) > limit:
        problems.add(field, message)


def _required(problems: Problems, values: Mapping[str, Any], field: str, message: str, creating: bool) -> None:
    if (creating and blank(values.get(field))) or (field in values and blank(values[field])):
        problems.add(field, message)


def _email(problems: Problems, values: Mapping[str, Any], field: str = "email") -> None:
    value = values.get(field)
    if isinstance(value, str) and value:
        if len(value) > 100:
            problems.add(field, MSG["email_max"])
        elif not is_email(value):
            problems.add(field, MSG["email_invalid"])


def _phone(problems: Problems, values: Mapping[str, Any]) -> None:
    value = values.get("phone")
    if isinstance(value, str) and value:
        if len(value) > 20:
            problems.add("phone", MSG["phone_max"])
        elif not PHONE_RE.match(value):
            problems.add("phone", MSG["phone_invalid"])


def _empty_is_null(values: dict[str, Any], *fields: str) -> None:
    """Optional text fields sent empty are cleared (stored as NULL)."""
    for field in fields:
        if values.get(field) == "":
            values[field] = None


# ---- per resource -----------------------------------------------------------------------------


def customer_rules(values: dict[str, Any], problems: Problems, *, creating: bool) -> None:
    """CustomerValidator::validateForm, plus NPWP/NIB normalisation (done on update too)."""
    _empty_is_null(values, "code", "npwp", "nib")
    _required(problems, values, "name", MSG["customer_name_required"], creating)
    _max(problems, values, "name", 100, MSG["customer_name_max"])
    _required(problems, values, "type", MSG["customer_type_required"], False)
    _max(problems, values, "type", 50, MSG["customer_type_max"])
    if "code" in values and values["code"] is None:
        if creating:
            del values["code"]
        else:
            problems.add("code", MSG["customer_code_invalid"])
    code = values.get("code")
    if code is not None and (len(code) > 10 or not CODE_RE.match(code)):
        problems.add("code", MSG["customer_code_invalid"])
    if values.get("npwp") is not None:
        values["npwp"] = format_npwp(values["npwp"])
        if not NPWP_RE.match(values["npwp"]):
            problems.add("npwp", MSG["npwp_invalid"])
    if values.get("nib") is not None:
        values["nib"] = format_nib(values["nib"])
        if not NIB_RE.match(values["nib"]):
            problems.add("nib", MSG["nib_invalid"])


def branch_rules(values: dict[str, Any], problems: Problems, *, creating: bool, typed: bool) -> None:
    """BranchValidator's create checks, plus the formats the plugin never checked."""
    _empty_is_null(values, "nitku", "postal_code", "address", "phone", "email")
    if creating and values.get("customer_id") is None:
        problems.add("customer_id", MSG["customer_required"])
    _required(problems, values, "name", MSG["branch_name_required"], creating)
    _max(problems, values, "name", 100, MSG["branch_name_max"])
    if typed and creating and values.get("type") is None:
        problems.add("type", MSG["branch_type_required"])
    nitku = values.get("nitku")
    if nitku is not None and (len(nitku) > 20 or not DIGITS_RE.match(nitku)):
        problems.add("nitku", MSG["nitku_invalid"])
    postal = values.get("postal_code")
    if postal is not None and not POSTAL_RE.match(postal):
        problems.add("postal_code", MSG["postal_code_invalid"])
    if values.get("latitude") is not None and not -90 <= values["latitude"] <= 90:
        problems.add("latitude", MSG["latitude_invalid"])
    if values.get("longitude") is not None and not -180 <= values["longitude"] <= 180:
        problems.add("longitude", MSG["longitude_invalid"])
    _max(problems, values, "address", 1000, MSG["address_max"])
    _phone(problems, values)
    _email(problems, values)


def employee_rules(values: dict[str, Any], problems: Problems, *, creating: bool, schema: SchemaInfo) -> None:
    """CustomerEmployeeValidator's checks; fields the site's layout lacks are not required."""
    _empty_is_null(values, "keterangan", "phone")
    has = lambda column: schema.has("employees", column)  # noqa: E731
    if creating:
        for field, message in (
            ("customer_id", "customer_required"),
            ("branch_id", "branch_required"),
            ("user_id", "user_required"),
        ):
            if values.get(field) is None:
                problems.add(field, MSG[message])
    if has("name"):
        _required(problems, values, "name", MSG["employee_name_required"], creating)
        _max(problems, values, "name", 100, MSG["employee_name_max"])
    if has("email"):
        _required(problems, values, "email", MSG["email_required"], creating)
        _email(problems, values)
    if has("position"):
        _required(problems, values, "position", MSG["position_required"], creating)
        _max(problems, values, "position", 100, MSG["position_max"])
    _max(problems, values, "keterangan", 200, MSG["keterangan_max"])
    _phone(problems, values)


def departments_chosen(row: Mapping[str, Any], schema: SchemaInfo) -> bool:
    """At least one department flag set; trivially true where the layout has no flags."""
    present = [d for d in DEPARTMENTS if schema.has("employees", d)]
    return not present or any(bool(row.get(d)) for d in present)


# ---- writable fields per resource -------------------------------------------------------------


def _status(table: str) -> Field:
    return Field("status", "enum", table, choices=STATUSES, nullable=False, invalid=MSG["status_invalid"])


CUSTOMER_FIELDS: tuple[Field, ...] = (
    Field("code", "str", "customers"),
    Field("name", "str", "customers", nullable=False),
    Field("npwp", "str", "customers"),
    Field("nib", "str", "customers"),
    _status("customers"),
    Field("provinsi_id", "id", "customers", columns=("provinsi_id", "provinsi_code")),
    Field("regency_id", "id", "customers", columns=("regency_id", "regency_code")),
    Field("user_id", "id", "customers"),
    Field("type", "str", "customers"),
)
CUSTOMER_READ_ONLY = tuple(
    "id reg_type provinsi_code regency_code created_by created_at updated_at owner_name province_name "
    "regency_name branch_count employee_count permissions _links".split()
)

BRANCH_FIELDS: tuple[Field, ...] = (
    Field("customer_id", "id", "branches", nullable=False, create_only=True),
    Field("name", "str", "branches", nullable=False),
    Field("type", "enum", "branches", choices=BRANCH_TYPES, nullable=False, invalid=MSG["branch_type_invalid"]),
    Field("nitku", "str", "branches"),
    Field("postal_code", "str", "branches"),
    Field("latitude", "float", "branches"),
    Field("longitude", "float", "branches"),
    Field("address", "str", "branches"),
    Field("phone", "str", "branches"),
    Field("email", "str", "branches"),
    Field("provinsi_id", "id", "branches"),
    Field("regency_id", "id", "branches"),
    Field("agency_id", "id", "branches"),
    Field("division_id", "id", "branches"),
    Field("user_id", "id", "branches"),
    Field("inspector_id", "id", "branches"),
    _status("branches"),
)
BRANCH_READ_ONLY = tuple(
    "id code created_by created_at updated_at customer_name admin_name agency_name division_name "
    "regency_name permissions _links".split()
)

EMPLOYEE_FIELDS: tuple[Field, ...] = (
    Field("customer_id", "id", "employees", nullable=False, create_only=True),
    Field("branch_id", "id", "employees", nullable=False),
    Field("user_id", "id", "employees", nullable=False),
    Field("name", "str", "employees"),
    Field("position", "str", "employees"),
    *(Field(d, "bool", "employees", nullable=False) for d in DEPARTMENTS),
    Field("keterangan", "str", "employees"),
    Field("email", "str", "employees"),
    Field("phone", "str", "employees"),
    _status("employees"),
)
EMPLOYEE_READ_ONLY = tuple("id created_by created_at updated_at customer_name branch_name permissions _links".split())
