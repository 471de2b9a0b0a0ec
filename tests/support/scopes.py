"""Each demo login's scope computed with plain SQL straight from README's "Who sees what" table,
independently of bridge/access.py, so the two can disagree and a test can notice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.support.database import connect

ALL_SEEING = {"admin", "demo_platform_viewer", "demo_platform_admin"}
AGENCY_ADMIN_ROLES = ("agency_admin_dinas", "agency_admin_unit", "agency_kepala_dinas", "agency_kepala_bidang")


@dataclass
class Scope:
    """What one login may see, by table: row ids (None = denied outright)."""

    customers: set[int] | None = field(default_factory=set)
    branches: set[int] | None = field(default_factory=set)
    employees: set[int] | None = field(default_factory=set)
    agencies: set[int] | None = field(default_factory=set)


def _ids(cur: Any, sql: str, *args: Any) -> set[int]:
    cur.execute(sql, args)
    return {int(next(iter(r.values()))) for r in cur.fetchall()}


def _in(values: set[int]) -> str:
    return ",".join(str(int(v)) for v in values) or "NULL"


def expected_scope(url: Any, login: str, user_id: int, roles: tuple[str, ...]) -> Scope:
    """The README "Who sees what" scope of one demo login, from its relation rows (active rows only)."""
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            if login in ALL_SEEING:
                return Scope(
                    _ids(cur, "SELECT id FROM wp_app_customers"),
                    _ids(cur, "SELECT id FROM wp_app_customer_branches"),
                    _ids(cur, "SELECT id FROM wp_app_customer_employees"),
                    _ids(cur, "SELECT id FROM wp_app_agencies"),
                )
            owned = _ids(cur, "SELECT id FROM wp_app_customers WHERE user_id=%s AND status='active'", user_id)
            admin_of = _ids(
                cur, "SELECT id FROM wp_app_customer_branches WHERE user_id=%s AND status='active'", user_id
            )
            cur.execute(
                "SELECT customer_id, branch_id FROM wp_app_customer_employees WHERE user_id=%s AND status='active'",
                (user_id,),
            )
            jobs = cur.fetchall()
            related = owned | {int(r["customer_id"]) for r in jobs}
            related |= _ids(cur, f"SELECT customer_id FROM wp_app_customer_branches WHERE id IN ({_in(admin_of)})")
            staff_branches = admin_of | {int(r["branch_id"]) for r in jobs}

            memberships = _ids(cur, "SELECT id FROM wp_app_agencies WHERE user_id=%s AND status='active'", user_id)
            memberships |= _ids(
                cur, "SELECT agency_id FROM wp_app_agency_employees WHERE user_id=%s AND status='active'", user_id
            )
            agency_branches: set[int] = set()
            if memberships and any(r in roles for r in ("agency_admin", "agency_kepala_dinas", "agency_admin_dinas")):
                agency_branches = _ids(
                    cur, f"SELECT id FROM wp_app_customer_branches WHERE agency_id IN ({_in(memberships)})"
                )
            elif memberships and any(r in roles for r in ("agency_pengawas", "agency_pengawas_spesialis")):
                agency_branches = _ids(cur, "SELECT id FROM wp_app_customer_branches WHERE inspector_id=%s", user_id)

            customers = related | _ids(
                cur, f"SELECT customer_id FROM wp_app_customer_branches WHERE id IN ({_in(agency_branches)})"
            )
            branches = agency_branches | _ids(
                cur, f"SELECT id FROM wp_app_customer_branches WHERE customer_id IN ({_in(related)})"
            )
            employees = _ids(
                cur,
                f"SELECT id FROM wp_app_customer_employees WHERE customer_id IN ({_in(owned)}) "
                f"OR branch_id IN ({_in(staff_branches | agency_branches)})",
            )
            if any(r in roles for r in AGENCY_ADMIN_ROLES):
                agencies = _ids(cur, "SELECT id FROM wp_app_agencies")
            else:
                agencies = memberships | _ids(
                    cur, f"SELECT agency_id FROM wp_app_customer_branches WHERE customer_id IN ({_in(related)})"
                )
            if not (customers or branches or employees or agencies):
                return Scope(None, None, None, None)
            return Scope(customers, branches, employees, agencies)
    finally:
        conn.close()


def all_scopes(url: Any, logins: dict[str, Any]) -> dict[str, Scope]:
    """Every fixed demo login's expected scope."""
    from bridge.demo import FIXED_LOGINS

    return {f.username: expected_scope(url, f.username, logins[f.username].user_id, f.roles) for f in FIXED_LOGINS}


def by_customer(url: Any, table: str) -> dict[int, set[int]]:
    """Row ids of a table grouped by customer_id."""
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(f"SELECT id, customer_id FROM wp_app_{table}")
            out: dict[int, set[int]] = {}
            for row in cur.fetchall():
                out.setdefault(int(row["customer_id"]), set()).add(int(row["id"]))
            return out
    finally:
        conn.close()
