"""The employees resource: its fields as CustomerEmployeeValidator checks them, and
its collection parameters. Fields the site's layout lacks (the documented one has no name,
email or position) are neither accepted nor required."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bridge.messages import MSG
from bridge.resources.customers import STATUSES, status_field
from bridge.resources.schema import SYNC_FILTERS, FieldSpec, FilterSpec, ResourceSchema, read_only_fields
from bridge.schema import SchemaInfo
from bridge.tables.employees import DEPARTMENTS


def _id(name: str, message: str, create_only: bool = False) -> FieldSpec:
    return FieldSpec(name, "integer", nullable=False, required=True, create_only=create_only, required_message=message)


SCHEMA = ResourceSchema(
    resource="employees",
    entity="employee",
    table="employees",
    fields=(
        _id("customer_id", MSG["customer_required"], create_only=True),
        _id("branch_id", MSG["branch_required"]),
        _id("user_id", MSG["user_required"]),
        FieldSpec(
            "name",
            required=True,
            max_length=100,
            required_message=MSG["employee_name_required"],
            max_message=MSG["employee_name_max"],
        ),
        FieldSpec(
            "email",
            required=True,
            max_length=100,
            format="email",
            required_message=MSG["email_required"],
            max_message=MSG["email_max"],
            invalid_message=MSG["email_invalid"],
        ),
        FieldSpec(
            "position",
            required=True,
            max_length=100,
            required_message=MSG["position_required"],
            max_message=MSG["position_max"],
        ),
        *(FieldSpec(d, "boolean", nullable=False) for d in DEPARTMENTS),
        FieldSpec("keterangan", empty_is_null=True, max_length=200, max_message=MSG["keterangan_max"]),
        FieldSpec(
            "phone",
            empty_is_null=True,
            max_length=20,
            format="phone",
            max_message=MSG["phone_max"],
            invalid_message=MSG["phone_invalid"],
        ),
        status_field(),
        *read_only_fields(
            "id:integer created_by:integer created_at:date-time updated_at:date-time customer_name branch_name "
            "permissions:object _links:object"
        ),
    ),
    orderby=tuple("id name position email status branch_name customer_name created_at updated_at".split()),
    filters=(FilterSpec("customer_id"), FilterSpec("branch_id"), FilterSpec("status", "enum", STATUSES), *SYNC_FILTERS),
    item_keys=("customer_name", "branch_name"),
)


def departments_chosen(row: Mapping[str, Any], layout: SchemaInfo) -> bool:
    """At least one department flag set (the plugin's rule); trivially true where the layout has no flags."""
    present = [d for d in DEPARTMENTS if layout.has("employees", d)]
    return not present or any(bool(row.get(d)) for d in present)
