"""S1–S8: what each read scenario asks, as whom; S9 (writes during S1) is in bench/runner.py.

Requests look like the plugin's DataTables send them (every column with its search and
order flags, URL-encoded brackets). Users are the demo logins: ``admin`` (sees everything),
``andi_budi`` (owner of customer 1) and ``demo_employee`` (an employee of customer 1).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import urlencode

from bridge.demo import demo_application_passwords
from bridge.namespace import API_PREFIX
from bridge.settings import DatabaseURL
from bridge.wordpress import chunk_application_password

API = API_PREFIX
SEARCH = "logistik"  # a word of ~3% of the demo's company names (COMPANY_SECOND in bridge/demo.py)
USERS = {"admin": "admin", "owner": "andi_budi", "employee": "demo_employee"}


@dataclass(frozen=True)
class Scenario:
    id: str  # S1 … S8
    role: str  # admin | owner | employee
    title: str
    path: str
    datatable: bool = False

    @property
    def key(self) -> str:
        return f"{self.id}/{self.role}"


def basic_auth(role: str, seed: int = 1) -> str:
    login = USERS[role]
    password = chunk_application_password(demo_application_passwords(seed)[login])
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


def datatable_query(
    columns: list[str], order: int = 0, search: str = "", start: int = 0, length: int = 10, **extra: object
) -> str:
    params: dict[str, object] = {"draw": 1}
    for i, name in enumerate(columns):
        params.update({
            f"columns[{i}][data]": name, f"columns[{i}][name]": "", f"columns[{i}][searchable]": "true",
            f"columns[{i}][orderable]": "true", f"columns[{i}][search][value]": "", f"columns[{i}][search][regex]": "false",
        })  # fmt: skip
    params.update({
        "order[0][column]": order, "order[0][dir]": "asc", "start": start, "length": length,
        "search[value]": search, "search[regex]": "false", **extra,
    })  # fmt: skip
    return urlencode(params)


CUSTOMER_COLUMNS = ["code", "name", "owner_name", "branch_count"]
BRANCH_COLUMNS = ["code", "name", "admin_name", "type"]
AGENCY_COLUMNS = ["code", "name", "provinsi_name", "regency_name"]


@dataclass(frozen=True)
class Context:
    """Facts of the loaded data the scenarios need."""

    customers: int
    customer_id: int  # customer 1: andi_budi's, demo_employee's employer
    agency_id: int  # the agency of customer 1's head office


def context(url: DatabaseURL, customers: int) -> Context:
    from bench.stack import connect
    from bridge.schema import TableNames

    names = TableNames.for_prefix("wp_")
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(f"SELECT COUNT(*) FROM `{names.customers}`")
            count = cur.fetchone()[0]
            cur.execute(
                f"SELECT agency_id FROM `{names.branches}` WHERE customer_id = 1 AND agency_id IS NOT NULL ORDER BY id LIMIT 1"
            )
            agency = cur.fetchone()[0]
    finally:
        conn.close()
    return Context(count, 1, int(agency))


def scenarios(ctx: Context) -> list[Scenario]:
    cust = f"{API}/datatables/customers?"
    everyone = ("admin", "owner", "employee")
    out: list[Scenario] = []
    for role in everyone:
        out.append(
            Scenario("S1", role, "customers DataTable, page 1 by code", cust + datatable_query(CUSTOMER_COLUMNS), True)
        )
    for role in everyone:
        out.append(
            Scenario(
                "S2",
                role,
                f"S1 with a global search ({SEARCH!r})",
                cust + datatable_query(CUSTOMER_COLUMNS, search=SEARCH),
                True,
            )
        )
    deep = max(0, ctx.customers - 10)
    out.append(
        Scenario(
            "S3",
            "admin",
            f"S1 at start={deep} (the last page)",
            cust + datatable_query(CUSTOMER_COLUMNS, start=deep),
            True,
        )
    )
    branches = f"{API}/datatables/branches?" + datatable_query(BRANCH_COLUMNS, customer_id=ctx.customer_id)
    for role in everyone:
        out.append(Scenario("S4", role, f"branches DataTable of customer {ctx.customer_id}", branches, True))
    agencies = f"{API}/datatables/agencies?" + datatable_query(AGENCY_COLUMNS, order=1)
    for role in ("employee", "owner", "admin"):
        out.append(Scenario("S5", role, "agencies DataTable (access filter)", agencies, True))
    for role in everyone:
        out.append(Scenario("S6", role, "/statistics/customers", f"{API}/statistics/customers"))
    for role in everyone:
        out.append(
            Scenario(
                "S7", role, f"/tabs/agency/{ctx.agency_id}/statistics", f"{API}/tabs/agency/{ctx.agency_id}/statistics"
            )
        )
    for role in everyone:
        out.append(Scenario("S8", role, "REST GET /customers?per_page=10", f"{API}/customers?per_page=10"))
    return out


__all__ = ["API", "Context", "Scenario", "basic_auth", "context", "scenarios"]
