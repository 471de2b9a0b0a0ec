"""The customers resource: its fields as CustomerValidator checks them, and its
collection parameters."""

from __future__ import annotations

from bridge.messages import MSG
from bridge.resources.schema import SYNC_FILTERS, FieldSpec, FilterSpec, ResourceSchema, read_only_fields

STATUSES = ("active", "inactive")


def status_field() -> FieldSpec:
    """``status``: the plugin's soft delete sets ``inactive`` (every resource has it)."""
    return FieldSpec("status", enum=STATUSES, nullable=False, invalid_message=MSG["status_invalid"])


SCHEMA = ResourceSchema(
    resource="customers",
    entity="customer",
    table="customers",
    fields=(
        FieldSpec(
            "name",
            nullable=False,
            required=True,
            max_length=100,
            required_message=MSG["customer_name_required"],
            max_message=MSG["customer_name_max"],
        ),
        FieldSpec(
            "type",
            not_blank=True,
            max_length=50,
            required_message=MSG["customer_type_required"],
            max_message=MSG["customer_type_max"],
            description="The legal form (PT, CV); defaults to the name's first word where the layout requires it.",
        ),
        FieldSpec(
            "code",
            generated=True,
            max_length=10,
            format="code",
            invalid_message=MSG["customer_code_invalid"],
            description="Letters, digits and hyphens; generated as the plugin does when left out.",
        ),
        FieldSpec("npwp", empty_is_null=True, format="npwp", invalid_message=MSG["npwp_invalid"]),
        FieldSpec("nib", empty_is_null=True, format="nib", invalid_message=MSG["nib_invalid"]),
        status_field(),
        FieldSpec("provinsi_id", "integer", columns=("provinsi_id", "provinsi_code")),
        FieldSpec("regency_id", "integer", columns=("regency_id", "regency_code")),
        FieldSpec("user_id", "integer", description="The owner: an existing WordPress user."),
        *read_only_fields(
            "id:integer reg_type provinsi_code regency_code created_by:integer created_at:date-time "
            "updated_at:date-time owner_name province_name regency_name branch_count:integer "
            "employee_count:integer permissions:object _links:object"
        ),
    ),
    orderby=tuple(
        "id code name npwp nib status owner_name province_name regency_name branch_count created_at updated_at".split()
    ),
    filters=(
        FilterSpec("status", "enum", STATUSES),
        FilterSpec("provinsi_id"),
        FilterSpec("regency_id"),
        FilterSpec("user_id"),
        *SYNC_FILTERS,
    ),
    item_keys=("owner_name", "branch_count", "employee_count", "province_name", "regency_name"),
)
