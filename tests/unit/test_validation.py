"""The schema → validation path alone (no database): each resource's ``ResourceSchema``
(bridge/resources/) is where its write rules are stated, and ``bridge/validation.py`` enforces
exactly those, with the plugin's messages (facts §6) and in the schema's order."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bridge.errors import BridgeError
from bridge.messages import MSG
from bridge.resources.branches import SCHEMA as BRANCHES
from bridge.resources.customers import SCHEMA as CUSTOMERS
from bridge.resources.employees import SCHEMA as EMPLOYEES
from bridge.resources.employees import departments_chosen
from bridge.resources.schema import FieldSpec, ResourceSchema
from bridge.schema import SchemaInfo
from bridge.validation import validate

CUSTOMER_COLUMNS = "id code name npwp nib status provinsi_id regency_id user_id type reg_type created_by"
BRANCH_COLUMNS = (
    "id customer_id code name type nitku postal_code latitude longitude address phone email provinsi_id "
    "regency_id agency_id division_id user_id inspector_id status"
)
EMPLOYEE_COLUMNS = (
    "id customer_id branch_id user_id name position finance operation legal purchase keterangan email phone status"
)
REAL = SchemaInfo(
    columns={
        "customers": frozenset(CUSTOMER_COLUMNS.split()),
        "branches": frozenset(BRANCH_COLUMNS.split()),
        "employees": frozenset(EMPLOYEE_COLUMNS.split()),
    }
)
# the documented layout: region codes, and employees without name, email, position or departments
DOCUMENTED = SchemaInfo(
    columns={
        "customers": frozenset("id code name npwp nib status provinsi_code regency_code user_id type".split()),
        "branches": frozenset("id customer_id code name status".split()),
        "employees": frozenset("id customer_id branch_id user_id keterangan phone status".split()),
    }
)


def problems(
    schema: ResourceSchema, body: dict[str, Any], *, creating: bool, layout: SchemaInfo = REAL
) -> dict[str, str]:
    return validate(body, schema, layout, creating=creating)[1].params


def values(schema: ResourceSchema, body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    found, bad = validate(body, schema, REAL, creating=creating)
    assert not bad, bad.params
    return found


def test_a_customer_without_a_name_is_refused_with_the_plugins_message() -> None:
    assert problems(CUSTOMERS, {}, creating=True) == {"name": MSG["customer_name_required"]}
    assert problems(CUSTOMERS, {}, creating=False) == {}
    assert problems(CUSTOMERS, {"name": "  "}, creating=False) == {"name": MSG["customer_name_required"]}


def test_lengths_come_from_the_schema() -> None:
    assert problems(CUSTOMERS, {"name": "x" * 101}, creating=True) == {"name": MSG["customer_name_max"]}
    assert problems(CUSTOMERS, {"name": "x" * 100}, creating=True) == {}
    assert problems(CUSTOMERS, {"name": "a", "type": "x" * 51}, creating=True) == {"type": MSG["customer_type_max"]}
    assert problems(EMPLOYEES, {"keterangan": "x" * 201}, creating=False) == {"keterangan": MSG["keterangan_max"]}


def test_npwp_and_nib_are_normalised_then_checked_with_the_plugins_formats() -> None:
    found = values(CUSTOMERS, {"name": "PT A", "npwp": "123456789012345", "nib": "1234-5678-90123"}, creating=True)
    assert found["npwp"] == "12.345.678.9-012.345" and found["nib"] == "1234567890123"
    assert problems(CUSTOMERS, {"npwp": "12.345"}, creating=False) == {"npwp": MSG["npwp_invalid"]}
    assert problems(CUSTOMERS, {"nib": "12345678901234"}, creating=False) == {"nib": MSG["nib_invalid"]}
    assert values(CUSTOMERS, {"npwp": "", "nib": ""}, creating=False) == {"npwp": None, "nib": None}


def test_a_customer_code_left_empty_is_generated_on_create_but_never_cleared() -> None:
    assert "code" not in values(CUSTOMERS, {"name": "PT A", "code": ""}, creating=True)
    assert problems(CUSTOMERS, {"code": ""}, creating=False) == {"code": MSG["customer_code_invalid"]}
    assert problems(CUSTOMERS, {"code": "AB_12"}, creating=False) == {"code": MSG["customer_code_invalid"]}
    assert problems(CUSTOMERS, {"code": "A" * 11}, creating=False) == {"code": MSG["customer_code_invalid"]}


def test_enums_read_only_and_unknown_fields() -> None:
    assert problems(CUSTOMERS, {"status": "deleted"}, creating=False) == {"status": MSG["status_invalid"]}
    assert problems(BRANCHES, {"type": "kantor"}, creating=False) == {"type": MSG["branch_type_invalid"]}
    assert problems(CUSTOMERS, {"branch_count": 3, "colour": "red"}, creating=False) == {
        "branch_count": "branch_count is read-only.",
        "colour": "colour is not a field of this resource.",
    }
    assert problems(BRANCHES, {"customer_id": 3}, creating=False) == {"customer_id": "customer_id cannot be changed."}


def test_branch_formats_and_ranges() -> None:
    assert problems(
        BRANCHES,
        {"nitku": "12a", "postal_code": "1234", "latitude": 91, "longitude": "-180.5", "phone": "call me"},
        creating=False,
    ) == {
        "nitku": MSG["nitku_invalid"],
        "postal_code": MSG["postal_code_invalid"],
        "latitude": MSG["latitude_invalid"],
        "longitude": MSG["longitude_invalid"],
        "phone": MSG["phone_invalid"],
    }
    assert problems(BRANCHES, {"email": "a@b", "phone": "1" * 21}, creating=False) == {
        "email": MSG["email_invalid"],
        "phone": MSG["phone_max"],
    }
    assert values(BRANCHES, {"email": "", "latitude": "-6.2"}, creating=False) == {"email": None, "latitude": -6.2}


def test_required_fields_follow_the_sites_layout() -> None:
    """A field the layout lacks is neither required nor accepted (facts §6.3: the documented
    employees table has no name, email or position; its branches no type)."""
    assert problems(EMPLOYEES, {}, creating=True) == {
        "customer_id": MSG["customer_required"],
        "branch_id": MSG["branch_required"],
        "user_id": MSG["user_required"],
        "name": MSG["employee_name_required"],
        "email": MSG["email_required"],
        "position": MSG["position_required"],
    }
    assert list(problems(EMPLOYEES, {}, creating=True, layout=DOCUMENTED)) == ["customer_id", "branch_id", "user_id"]
    assert problems(EMPLOYEES, {"name": "A"}, creating=False, layout=DOCUMENTED) == {
        "name": "name is not available in this site's database layout."
    }
    assert problems(BRANCHES, {"customer_id": 1, "name": "B"}, creating=True) == {"type": MSG["branch_type_required"]}
    assert problems(BRANCHES, {"customer_id": 1, "name": "B"}, creating=True, layout=DOCUMENTED) == {}


def test_one_400_names_every_bad_field_in_the_schemas_order() -> None:
    body = {"nib": "1", "code": "a b", "type": "", "name": ""}
    with pytest.raises(BridgeError) as raised:
        validate(body, CUSTOMERS, REAL, creating=False)[1].raise_invalid()
    assert raised.value.status == 400
    assert raised.value.message == "Invalid parameter(s): name, type, code, nib"


def test_changing_a_schema_changes_what_validation_enforces() -> None:
    """The rules are read from the schema, not written a second time in validation."""
    name = CUSTOMERS.field("name")
    assert name is not None and name.max_length == 100
    shorter = replace(
        CUSTOMERS,
        fields=tuple(
            replace(f, max_length=5, max_message="short!") if f.name == "name" else f for f in CUSTOMERS.fields
        ),
    )
    assert problems(shorter, {"name": "PT Maju"}, creating=True) == {"name": "short!"}
    with_phone = replace(CUSTOMERS, fields=(*CUSTOMERS.fields, FieldSpec("type_code", format="digits")))
    layout = SchemaInfo(columns={"customers": frozenset([*CUSTOMER_COLUMNS.split(), "type_code"])})
    assert problems(with_phone, {"type_code": "x1"}, creating=False, layout=layout) == {
        "type_code": "type_code is not a valid digits."
    }


def test_every_schema_publishes_types_and_read_only_fields() -> None:
    for schema in (CUSTOMERS, BRANCHES, EMPLOYEES):
        assert {"id", "permissions", "_links"} <= schema.read_only
        assert all(f.type in ("string", "integer", "boolean", "number", "object") for f in schema.fields)
        assert not {f.name for f in schema.writable} & schema.read_only
    ids = [f.name for f in EMPLOYEES.writable if f.type == "integer"]
    assert ids == ["customer_id", "branch_id", "user_id"]


def test_at_least_one_department() -> None:
    assert not departments_chosen({"finance": False}, REAL)
    assert departments_chosen({"legal": True}, REAL)
    assert departments_chosen({}, DOCUMENTED)  # no flags in that layout
