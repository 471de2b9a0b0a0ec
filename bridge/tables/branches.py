"""The branches table (``{prefix}app_customer_branches``): columns, joins, joined names, writes.

Writes follow the plugin's BranchModel: codes ``{customer code}-NN``, agency and division
resolved from the region (facts §1.5), an inspector picked among the division's pengawas.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any, Literal

from pypika import MySQLQuery, Order, Table
from pypika import functions as fn
from pypika.queries import QueryBuilder
from pypika.terms import Criterion, LiteralValue

from bridge.criteria import escape_like, same
from bridge.db import Executor
from bridge.messages import MSG
from bridge.schema import SchemaInfo, TableNames
from bridge.tables.base import Column, FilterValue, Join
from bridge.tables.lookups import Runner
from bridge.writes.rows import WritableModel

WRITABLE = tuple(
    "customer_id name type nitku postal_code latitude longitude address phone email provinsi_id regency_id "
    "agency_id division_id user_id inspector_id status".split()
)
BranchType = Literal["pusat", "cabang"]  # head office, branch office
INSPECTOR_ROLES = ("agency_pengawas", "agency_pengawas_spesialis")


class BranchesModel(WritableModel):
    panes = ("type", "status", "agency_name")  # SearchPanes and ColumnControl lists

    def __init__(self, names: TableNames, schema: SchemaInfo) -> None:
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

        if self.has("type") and self.has("status"):
            self.add(Column("active_cabang_count", self._active_cabang_term(), "int", orderable=False, internal=True))
        customer = Table(n.customers, alias="cust")
        self.join(Join("customer", customer, customer.id == b.customer_id))
        self.add(Column("customer_name", customer.name, joins=("customer",)))
        if self.has("user_id"):
            admin = Table(n.users, alias="admin")
            self.join(Join("admin", admin, admin.ID == b.user_id))
            self.add(Column("admin_name", admin.display_name, searchable=True, joins=("admin",)))
        if self.schema.has("agencies", "id") and self.has("agency_id"):
            agency = Table(n.agencies, alias="agn")
            self.join(Join("agency", agency, agency.id == b.agency_id))
            self.add(Column("agency_name", agency.name, joins=("agency",)))
        if self.schema.has("divisions", "id") and self.has("division_id"):
            division = Table(n.divisions, alias="div")
            self.join(Join("division", division, division.id == b.division_id))
            self.add(Column("division_name", division.name, joins=("division",)))
        if self.has("regency_id"):
            regency = Table(n.regencies, alias="reg")
            self.join(Join("regency", regency, regency.id == b.regency_id))
            self.add(Column("regency_name", regency.name, joins=("regency",)))

    def _active_cabang_term(self) -> QueryBuilder:
        """Other active ``cabang`` of the row's customer: the plugin hides a head office's delete
        button while there are any (facts §6.2). Constants only, so the term binds no values."""
        b, x = self.table, Table(self.names.branches, alias="ac")
        return (
            MySQLQuery.from_(x)
            .select(fn.Count("*"))
            .where(
                (x.customer_id == b.customer_id)
                & (x.type == LiteralValue("'cabang'"))
                & (x.status == LiteralValue("'active'"))
                & (x.id != b.id)
            )
        )

    # ---- REST filters and writes ------------------------------------------------------------
    def filter_criterion(self, name: str, value: FilterValue) -> Criterion | None:
        """``?customer_id=``, ``?type=``, ``?status=``, ``?agency_id=``; None if this layout lacks it."""
        if name in ("customer_id", "type", "status", "agency_id") and self.has(name):
            return self.table.field(name) == value
        return None

    def row_for(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in values.items() if k in WRITABLE and self.has(k)}

    def creation_columns(self, caller: int) -> dict[str, Any]:
        return {"created_by": caller} if self.has("created_by") else {}

    async def duplicates(
        self, ex: Executor, row: Mapping[str, Any], changed: set[str], exclude_id: int | None = None
    ) -> dict[str, str]:
        """A changed name already used in the customer; a second branch in the same regency."""
        t = self.plain
        found: dict[str, str] = {}
        customer = t.customer_id == row["customer_id"]
        if "name" in changed and await self.exists(ex, customer & (t.name == row["name"]), exclude_id):
            found["name"] = MSG["branch_name_exists"]
        if "regency_id" in changed and row.get("regency_id") is not None and self.has("regency_id"):
            if await self.exists(ex, customer & (t.regency_id == row["regency_id"]), exclude_id):
                found["regency_id"] = MSG["branch_regency_exists"]
        return found

    async def count_of(self, ex: Executor, customer_id: int) -> int:
        t = self.plain
        return int(
            await ex.fetch_val(MySQLQuery.from_(t).select(fn.Count(t.id)).where(t.customer_id == customer_id)) or 0
        )

    async def has_active(
        self, ex: Executor, customer_id: int, branch_type: BranchType, exclude_id: int | None = None
    ) -> bool:
        """An active branch of ``branch_type`` (``pusat``/``cabang``) in the customer, other than ``exclude_id``."""
        t = self.plain
        criterion = (t.customer_id == customer_id) & (t.type == branch_type) & (t.status == "active")
        return await self.exists(ex, criterion, exclude_id)

    async def generate_code(self, ex: Executor, customer_code: str) -> str | None:
        """``{customer code}-NN`` not yet used; None when all 100 are taken."""
        t = self.plain
        pattern = escape_like(customer_code) + "-__"
        taken = {r["code"] for r in await ex.fetch_all(MySQLQuery.from_(t).select(t.code).where(t.code.like(pattern)))}
        free = [f"{customer_code}-{n:02d}" for n in range(100) if f"{customer_code}-{n:02d}" not in taken]
        return random.SystemRandom().choice(free) if free else None

    async def agency_for_region(
        self, ex: Runner, province_code: str | None, regency_code: str | None
    ) -> tuple[int | None, int | None]:
        """getAgencyAndDivisionIds: the first agency of the province; its division for the
        regency, else any of its divisions (facts §1.5). Status is not considered, as in the plugin."""
        if not province_code or not self.schema.has("agencies", "provinsi_code"):
            return None, None
        a = Table(self.names.agencies)
        agency_id = await ex.fetch_val(
            MySQLQuery.from_(a).select(a.id).where(a.provinsi_code == province_code).orderby(a.id).limit(1)
        )
        if agency_id is None or not self.schema.has("divisions", "agency_id"):
            return agency_id, None
        d = Table(self.names.divisions)
        in_agency = d.agency_id == agency_id
        query = MySQLQuery.from_(d).select(d.id).where(in_agency).limit(1)
        if regency_code and self.schema.has("divisions", "regency_code"):
            query = query.orderby(same(d.regency_code, regency_code), order=Order.desc)
        division_id = await ex.fetch_val(query.orderby(d.id))
        return int(agency_id), (int(division_id) if division_id is not None else None)

    async def agency_exists(self, ex: Runner, agency_id: int) -> bool:
        if not self.schema.has_table("agencies"):
            return True
        a = Table(self.names.agencies)
        return await ex.fetch_val(MySQLQuery.from_(a).select(a.id).where(a.id == agency_id)) is not None

    async def division_in_agency(self, ex: Runner, division_id: int, agency_id: int | None) -> bool:
        if not self.schema.has("divisions", "agency_id"):
            return True
        d = Table(self.names.divisions)
        criterion = d.id == division_id
        if agency_id is not None:
            criterion &= d.agency_id == agency_id
        return await ex.fetch_val(MySQLQuery.from_(d).select(d.id).where(criterion)) is not None

    async def inspector_for(self, ex: Executor, division_id: int | None, agency_id: int | None) -> int | None:
        """getInspectorId: the first active pengawas of the division, else of the agency (a WP user id)."""
        if not self.has("inspector_id") or not self.schema.has("agency_employees", "user_id"):
            return None
        ae, um = Table(self.names.agency_employees), Table(self.names.usermeta)
        pengawas = Criterion.any(um.meta_value.like('%"' + escape_like(role) + '"%') for role in INSPECTOR_ROLES)
        base = (
            MySQLQuery.from_(ae)
            .join(um)
            .on((um.user_id == ae.user_id) & (um.meta_key == self.names.prefix + "capabilities"))
            .select(ae.user_id)
            .orderby(ae.id)
            .limit(1)
        )
        for column, value in (("division_id", division_id), ("agency_id", agency_id)):
            if value is not None:
                found = await ex.fetch_val(base.where((ae.field(column) == value) & (ae.status == "active") & pengawas))
                if found is not None:
                    return int(found)
        return None
