"""The customers table (``{prefix}app_customers``): columns, joins, joined names, and writes."""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from string import ascii_lowercase, ascii_uppercase
from typing import Any

from pypika import MySQLQuery, Table
from pypika.terms import Criterion

from bridge.criteria import same
from bridge.db import Executor
from bridge.messages import MSG
from bridge.schema import SchemaInfo, TableNames
from bridge.tables.base import ChildCount, Column, FilterValue, Join
from bridge.writes.rows import WritableModel

CODE_ATTEMPTS = 50


def new_customer_code(rng: random.Random) -> str:
    """The plugin's code: last 4 digits of the Unix time, Aa, 2 digits, Aa (e.g. ``4821Xa07Pq``)."""
    return (
        f"{int(time.time()) % 10000:04d}"
        + rng.choice(ascii_uppercase)
        + rng.choice(ascii_lowercase)
        + f"{rng.randrange(100):02d}"
        + rng.choice(ascii_uppercase)
        + rng.choice(ascii_lowercase)
    )


class CustomersModel(WritableModel):
    panes = ("status", "province_name", "regency_name")  # SearchPanes and ColumnControl lists
    settled_total = True

    def __init__(self, names: TableNames, schema: SchemaInfo) -> None:
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

        owner = Table(n.users, alias="owner")
        self.join(Join("owner", owner, owner.ID == c.user_id))
        self.add(Column("owner_name", owner.display_name, searchable=True, joins=("owner",)))

        province, regency = Table(n.provinces, alias="prov"), Table(n.regencies, alias="reg")
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

        # each request narrows these to the branches / employees the caller may see (pipeline.scoped_columns)
        self.child_count("branch_count", ChildCount("branches", "customer_id"), Table(n.branches, alias="bc"))
        self.child_count(
            "employee_count", ChildCount("employees", "customer_id"), Table(n.employees, alias="ec"), orderable=False
        )

    # ---- REST filters and writes ------------------------------------------------------------
    def filter_criterion(self, name: str, value: FilterValue) -> Criterion | None:
        """``?status=``, ``?provinsi_id=``, ``?regency_id=``, ``?user_id=``; None if this layout lacks it.

        The documented layout stores region codes, so an id filter matches the region's code.
        """
        c = self.table
        if name in ("provinsi_id", "regency_id"):
            if self.has(name):
                return c.field(name) == value
            code_column, region = (
                ("provinsi_code", self.names.provinces)
                if name == "provinsi_id"
                else ("regency_code", self.names.regencies)
            )
            if not self.has(code_column):
                return None
            r = Table(region, alias="flt_region")
            return c.field(code_column).isin(MySQLQuery.from_(r).select(r.code).where(r.id == value))
        if name in ("status", "user_id") and self.has(name):
            return c.field(name) == value
        return None

    def row_for(
        self, values: Mapping[str, Any], province: Mapping[str, Any] | None, regency: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        """Validated API values as this layout's columns (region ids, or their codes)."""
        row = {
            k: v
            for k, v in values.items()
            if k in ("code", "name", "npwp", "nib", "status", "user_id", "type") and self.has(k)
        }
        for field, code_column, ref in (
            ("provinsi_id", "provinsi_code", province),
            ("regency_id", "regency_code", regency),
        ):
            if field not in values:
                continue
            if self.has(field):
                row[field] = values[field]
            elif self.has(code_column):
                row[code_column] = ref["code"] if ref else None
        return row

    def creation_columns(self, caller: int, name: str) -> dict[str, Any]:
        """What the plugin's create() sets itself: ``reg_type`` ``by_admin`` for a customer made by
        a logged-in user, ``created_by`` = the caller. The documented layout's required ``type``
        (the legal form, "PT"/"CV" in the demo data) defaults to the name's first word."""
        extra: dict[str, Any] = {}
        if self.has("reg_type"):
            extra["reg_type"] = "by_admin"
        if self.has("type"):
            extra["type"] = (name.split() or ["-"])[0][:50]
        if self.has("created_by"):
            extra["created_by"] = caller
        return extra

    def region_columns(self) -> tuple[str, str]:
        """The region columns of this layout (ids in the real one, codes in the documented one)."""
        if self.has("provinsi_id"):
            return "provinsi_id", "regency_id"
        return "provinsi_code", "regency_code"

    async def duplicates(
        self, ex: Executor, row: Mapping[str, Any], changed: set[str], exclude_id: int | None = None
    ) -> dict[str, str]:
        """Changed fields whose value another customer holds: code, NPWP, NIB, name within the region.

        ``row`` is the whole row after the change (so the name is checked in its new region).
        """
        t = self.plain
        found: dict[str, str] = {}
        for field, message in (("code", "customer_code_exists"), ("npwp", "npwp_exists"), ("nib", "nib_exists")):
            if field in changed and row.get(field) is not None and self.has(field):
                if await self.exists(ex, t.field(field) == row[field], exclude_id):
                    found[field] = MSG[message]
        regions = self.region_columns()
        if row.get("name") is not None and changed & {"name", *regions}:
            criterion = t.name == row["name"]
            for column in regions:
                if self.has(column):
                    criterion &= same(t.field(column), row.get(column))
            if await self.exists(ex, criterion, exclude_id):
                found["name"] = MSG["customer_name_exists"]
        return found

    async def generate_code(self, ex: Executor) -> str:
        """A code no customer has yet, retried on collision as the plugin does."""
        rng = random.SystemRandom()
        for _ in range(CODE_ATTEMPTS):
            code = new_customer_code(rng)
            if not await self.exists(ex, self.plain.code == code):
                return code
        raise RuntimeError("could not find a free customer code")
