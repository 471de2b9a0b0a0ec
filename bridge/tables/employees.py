"""The employees table (``{prefix}app_customer_employees``): columns, joins, joined names, writes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pypika import Case, CustomFunction, Table
from pypika.terms import Criterion, Term

from bridge.db import Executor
from bridge.messages import MSG
from bridge.schema import SchemaInfo, TableNames
from bridge.tables.base import Column, FilterValue, Join
from bridge.writes.rows import WritableModel

DEPARTMENTS = ("finance", "operation", "legal", "purchase")
# The badge texts of the plugin's employee table (facts §2.3), in its order.
DEPARTMENT_LABELS = {"finance": "Finance", "operation": "Operation", "legal": "Legal", "purchase": "Purchase"}
ConcatWs = CustomFunction("CONCAT_WS", ["separator", *DEPARTMENTS])
WRITABLE = (*"customer_id branch_id user_id name position keterangan email phone status".split(), *DEPARTMENTS)


class EmployeesModel(WritableModel):
    panes = ("department", "status", "branch_name")  # SearchPanes and ColumnControl lists

    def __init__(self, names: TableNames, schema: SchemaInfo) -> None:
        super().__init__(
            names,
            schema,
            resource="employees",
            entity="employee",
            hook_base="customer_employees",
            table_key="employees",
            alias="e",
            datatable_keys=("id", "name", "position", "email", "branch_name", "status", *DEPARTMENTS, "department"),
            default_order=(("name", "asc"),),
        )

    def build(self) -> None:
        e, n = self.table, self.names
        user = Table(n.users, alias="eu")
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
        if all(self.has(d) for d in DEPARTMENTS):
            self.add(Column("department", self._department_term(), searchable=True))
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

        customer = Table(n.customers, alias="cust")
        self.join(Join("customer", customer, customer.id == e.customer_id))
        self.add(Column("customer_name", customer.name, joins=("customer",)))
        branch = Table(n.branches, alias="br")
        self.join(Join("branch", branch, branch.id == e.branch_id))
        self.add(Column("branch_name", branch.name, searchable=True, joins=("branch",)))

    def _department_term(self) -> Term:
        """The plugin's "department" column: its badge texts joined (``Finance, Legal``).

        The plugin searched and sorted a dropped ``department`` column (facts §2.3); this is the
        column its JavaScript still asks for, derived from the four flags. Only constants inside.
        """
        e = self.table
        return ConcatWs(", ", *(Case().when(e.field(d) == 1, label) for d, label in DEPARTMENT_LABELS.items()))

    # ---- REST filters and writes ------------------------------------------------------------
    def filter_criterion(self, name: str, value: FilterValue) -> Criterion | None:
        """``?customer_id=``, ``?branch_id=``, ``?status=``."""
        if name in ("customer_id", "branch_id", "status") and self.has(name):
            return self.table.field(name) == value
        return None

    def row_for(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in values.items() if k in WRITABLE and self.has(k)}

    def creation_columns(self, caller: int) -> dict[str, Any]:
        return {"created_by": caller} if self.has("created_by") else {}

    @property
    def unique_user(self) -> bool:
        """The documented layout keys employees by user (UNIQUE user_id); the real one by email."""
        return not self.has("email")

    async def email_taken(self, ex: Executor, email: str, exclude_id: int | None = None) -> bool:
        return self.has("email") and await self.exists(ex, self.plain.email == email, exclude_id)

    async def user_taken(self, ex: Executor, user_id: int, exclude_id: int | None = None) -> bool:
        return self.unique_user and await self.exists(ex, self.plain.user_id == user_id, exclude_id)

    async def duplicates(
        self, ex: Executor, row: Mapping[str, Any], changed: set[str], exclude_id: int | None = None
    ) -> dict[str, str]:
        """A changed email another employee has (the real layout's unique key), or a changed
        user who is an employee already (the documented layout's)."""
        found: dict[str, str] = {}
        if "email" in changed and row.get("email") and await self.email_taken(ex, row["email"], exclude_id):
            found["email"] = MSG["email_exists"]
        if "user_id" in changed and await self.user_taken(ex, row["user_id"], exclude_id):
            found["user_id"] = MSG["user_taken"]
        return found

    async def has_row(self, ex: Executor, customer_id: int, branch_id: int, user_id: int) -> bool:
        t = self.plain
        return await self.exists(
            ex, (t.customer_id == customer_id) & (t.branch_id == branch_id) & (t.user_id == user_id)
        )

    async def lock_of(
        self, ex: Executor, branch_ids: Iterable[int], customer_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Employees of the branches (and of the customer, so a cascade leaves no orphans), locked."""
        t = self.plain
        branch_ids = sorted(set(branch_ids))
        where: Criterion | None = t.branch_id.isin(branch_ids) if branch_ids else None
        if customer_id is not None:
            of_customer = t.customer_id == customer_id
            where = of_customer if where is None else where | of_customer
        if where is None:
            return []
        return await self.lock_where(ex, where)
