"""The employees table (``{prefix}app_customer_employees``): columns, joins, joined names."""

from __future__ import annotations

from pypika import Table


from bridge.tables.base import Column, Join, TableModel

DEPARTMENTS = ("finance", "operation", "legal", "purchase")


class EmployeesModel(TableModel):
    def __init__(self, names, schema) -> None:  # type: ignore[no-untyped-def]
        super().__init__(
            names,
            schema,
            resource="employees",
            entity="employee",
            hook_base="customer_employees",
            table_key="employees",
            alias="e",
            datatable_keys=("id", "name", "position", "email", "branch_name", "status", *DEPARTMENTS),
            default_order=(("name", "asc"),),
        )

    def build(self) -> None:
        e, n = self.table, self.names
        user = Table(n.users).as_("eu")
        self.join(Join("user", user, user.ID == e.user_id))
        self.own("id", "int")
        self.own("customer_id", "int")
        self.own("branch_id", "int")
        self.own("user_id", "int")
        if self.has("name"):
            self.own("name", searchable=True)
        else:
            self.add(Column("name", user.display_name, searchable=True, joins=("user",)))
        self.own("position", searchable=True)
        for dept in DEPARTMENTS:
            self.own(dept, "bool")
        self.own("keterangan", orderable=False)
        if self.has("email"):
            self.own("email", searchable=True)
        else:
            self.add(Column("email", user.user_email, searchable=True, joins=("user",)))
        self.own("phone", orderable=False)
        self.own("created_by", "int")
        self.own("status")
        self.own("created_at", "datetime")
        self.own("updated_at", "datetime")

        customer = Table(n.customers).as_("cust")
        self.join(Join("customer", customer, customer.id == e.customer_id))
        self.add(Column("customer_name", customer.name, joins=("customer",)))
        branch = Table(n.branches).as_("br")
        self.join(Join("branch", branch, branch.id == e.branch_id))
        self.add(Column("branch_name", branch.name, searchable=True, joins=("branch",)))
