"""The branches table (``{prefix}app_customer_branches``): columns, joins, and joined names."""

from __future__ import annotations

from pypika import Table

from bridge.tables.base import Column, Join, TableModel


class BranchesModel(TableModel):
    def __init__(self, names, schema) -> None:  # type: ignore[no-untyped-def]
        super().__init__(
            names,
            schema,
            resource="branches",
            entity="branch",
            hook_base="customer_branches",
            table_key="branches",
            alias="b",
            datatable_keys=("id", "code", "name", "admin_name", "type"),
            default_order=(("code", "asc"),),
        )

    def build(self) -> None:
        b, n = self.table, self.names
        self.own("id", "int")
        self.own("customer_id", "int")
        self.own("code", searchable=True)
        self.own("name", searchable=True)
        self.own("type")
        for name in ("nitku", "postal_code", "address", "phone", "email"):
            self.own(name, orderable=name in ("nitku", "postal_code", "email"))
        self.own("latitude", "float")
        self.own("longitude", "float")
        for name in ("provinsi_id", "regency_id", "agency_id", "division_id", "user_id", "inspector_id", "created_by"):
            self.own(name, "int")
        self.own("status")
        self.own("created_at", "datetime")
        self.own("updated_at", "datetime")

        customer = Table(n.customers).as_("cust")
        self.join(Join("customer", customer, customer.id == b.customer_id))
        self.add(Column("customer_name", customer.name, joins=("customer",)))
        if self.has("user_id"):
            admin = Table(n.users).as_("admin")
            self.join(Join("admin", admin, admin.ID == b.user_id))
            self.add(Column("admin_name", admin.display_name, searchable=True, joins=("admin",)))
        if self.schema.has("agencies", "id") and self.has("agency_id"):
            agency = Table(n.agencies).as_("agn")
            self.join(Join("agency", agency, agency.id == b.agency_id))
            self.add(Column("agency_name", agency.name, joins=("agency",)))
        if self.schema.has("divisions", "id") and self.has("division_id"):
            division = Table(n.divisions).as_("div")
            self.join(Join("division", division, division.id == b.division_id))
            self.add(Column("division_name", division.name, joins=("division",)))
        if self.has("regency_id"):
            regency = Table(n.regencies).as_("reg")
            self.join(Join("regency", regency, regency.id == b.regency_id))
            self.add(Column("regency_name", regency.name, joins=("regency",)))
