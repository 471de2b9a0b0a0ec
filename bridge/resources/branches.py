"""The branches resource: its fields as BranchValidator checks them, plus the
formats the plugin never checked, and its collection parameters."""

from __future__ import annotations

from bridge.messages import MSG
from bridge.resources.customers import STATUSES, status_field
from bridge.resources.schema import SYNC_FILTERS, FieldSpec, FilterSpec, ResourceSchema, read_only_fields

BRANCH_TYPES = ("pusat", "cabang")

SCHEMA = ResourceSchema(
    resource="branches",
    entity="branch",
    table="branches",
    fields=(
        FieldSpec(
            "customer_id",
            "integer",
            nullable=False,
            required=True,
            create_only=True,
            required_message=MSG["customer_required"],
        ),
        FieldSpec(
            "name",
            nullable=False,
            required=True,
            max_length=100,
            required_message=MSG["branch_name_required"],
            max_message=MSG["branch_name_max"],
        ),
        FieldSpec(
            "type",
            enum=BRANCH_TYPES,
            nullable=False,
            required=True,
            required_message=MSG["branch_type_required"],
            invalid_message=MSG["branch_type_invalid"],
            description="pusat (the head office) or cabang.",
        ),
        FieldSpec("nitku", empty_is_null=True, max_length=20, format="digits", invalid_message=MSG["nitku_invalid"]),
        FieldSpec("postal_code", empty_is_null=True, format="postal-code", invalid_message=MSG["postal_code_invalid"]),
        FieldSpec("latitude", "number", minimum=-90, maximum=90, invalid_message=MSG["latitude_invalid"]),
        FieldSpec("longitude", "number", minimum=-180, maximum=180, invalid_message=MSG["longitude_invalid"]),
        FieldSpec("address", empty_is_null=True, max_length=1000, max_message=MSG["address_max"]),
        FieldSpec(
            "phone",
            empty_is_null=True,
            max_length=20,
            format="phone",
            max_message=MSG["phone_max"],
            invalid_message=MSG["phone_invalid"],
        ),
        FieldSpec(
            "email",
            empty_is_null=True,
            max_length=100,
            format="email",
            max_message=MSG["email_max"],
            invalid_message=MSG["email_invalid"],
        ),
        FieldSpec("provinsi_id", "integer"),
        FieldSpec("regency_id", "integer"),
        FieldSpec("agency_id", "integer", description="Resolved from the region when left out."),
        FieldSpec("division_id", "integer", description="Resolved from the region when left out."),
        FieldSpec("user_id", "integer", description="The branch admin: an existing WordPress user."),
        FieldSpec("inspector_id", "integer", description="Picked among the division's pengawas when left out."),
        status_field(),
        *read_only_fields(
            "id:integer code created_by:integer created_at:date-time updated_at:date-time customer_name "
            "admin_name agency_name division_name regency_name permissions:object _links:object"
        ),
    ),
    orderby=tuple(
        "id code name type status customer_name admin_name agency_name division_name regency_name "
        "created_at updated_at".split()
    ),
    filters=(
        FilterSpec("customer_id"),
        FilterSpec("type", "enum", BRANCH_TYPES),
        FilterSpec("status", "enum", STATUSES),
        FilterSpec("agency_id"),
        *SYNC_FILTERS,
    ),
    item_keys=("customer_name", "admin_name", "agency_name", "division_name"),
)
