"""The customers table (``{prefix}app_customers``): columns, joins, and joined names."""

from __future__ import annotations

from pypika import MySQLQuery, Table
from pypika import functions as fn

from bridge.tables.base import Column, Join, TableModel


class CustomersModel(TableModel):
    def __init__(self, names, schema) -> None:  # type: ignore[no-untyped-def]
        super().__init__(
            names,
            schema,
            resource="customers",
            entity="customer",
            hook_base="customers",
            table_key="customers",
            alias="c",
            datatable_keys=("id", "code", "name", "owner_name", "branch_count"),
            default_order=(("code", "asc"),),
        )

    def build(self) -> None:
        c, n = self.table, self.names
        self.own("id", "int")
        self.own("code", searchable=True)
        self.own("name", searchable=True)
        for name in ("npwp", "nib", "type", "provinsi_code", "regency_code"):
            self.own(name, searchable=name in ("npwp", "nib"))
        self.own("status")
        for name in ("provinsi_id", "regency_id", "user_id", "created_by"):
            self.own(name, "int")
        self.own("reg_type")
        self.own("created_at", "datetime")
        self.own("updated_at", "datetime")

        owner = Table(n.users).as_("owner")
        self.join(Join("owner", owner, owner.ID == c.user_id))
        self.add(Column("owner_name", owner.display_name, searchable=True, joins=("owner",)))

        province, regency = Table(n.provinces).as_("prov"), Table(n.regencies).as_("reg")
        if self.has("provinsi_id"):
            self.join(Join("province", province, province.id == c.provinsi_id))
        elif self.has("provinsi_code"):
            self.join(Join("province", province, province.code == c.provinsi_code))
        if self.has("regency_id"):
            self.join(Join("regency", regency, regency.id == c.regency_id))
        elif self.has("regency_code"):
            self.join(Join("regency", regency, regency.code == c.regency_code))
        if "province" in self.joins:
            self.add(Column("province_name", province.name, joins=("province",)))
        if "regency" in self.joins:
            self.add(Column("regency_name", regency.name, joins=("regency",)))

        bc = Table(n.branches).as_("bc")
        self.add(
            Column("branch_count", MySQLQuery.from_(bc).select(fn.Count("*")).where(bc.customer_id == c.id), "int")
        )
        ec = Table(n.employees).as_("ec")
        self.add(
            Column(
                "employee_count",
                MySQLQuery.from_(ec).select(fn.Count("*")).where(ec.customer_id == c.id),
                "int",
                orderable=False,
            )
        )
