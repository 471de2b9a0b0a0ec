"""Customers with their owner, head office, branches (each with an admin) and employees."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bridge.demo.agencies import AgencyBuilder
from bridge.demo.people import Person, Users
from bridge.demo.regions import Province, Regency, coordinates, normalise
from bridge.demo.values import (
    DATA_SPAN,
    EPOCH,
    address,
    office_phone,
    phone,
    postal_code,
    random_digits,
    sql_datetime,
    unique,
)
from bridge.demo.words import (
    AUTO_NOTE,
    COMPANY_FIRST,
    COMPANY_SECOND,
    DEPARTMENTS,
    EMAIL_DOMAINS,
    EMPLOYEE_NOTES,
    FIRST_NAMES,
    LAST_NAMES,
    POSITIONS,
)
from bridge.demo.writer import Writer

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = UPPER.lower()


def _format_npwp(digits: str) -> str:
    d = digits
    return f"{d[0:2]}.{d[2:5]}.{d[5:8]}.{d[8]}-{d[9:12]}.{d[12:15]}"


@dataclass
class DemoCustomer:
    """Where customer 1 lives and who its fixed users are (decided before anything is written)."""

    province: Province
    regency: Regency
    owner: Person
    branch_admin: Person
    employee: Person


@dataclass
class Tallies:
    """Numbers for the logins' "what they can see" lines, counted while generating."""

    agency_branches: Counter[int] = field(default_factory=Counter)
    agency_customers: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    inspector_branches: Counter[int] = field(default_factory=Counter)
    inspector_customers: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    customer_one: dict[str, Any] = field(default_factory=dict)


class CustomerBuilder:
    """Generates customers chunk by chunk: owner, head office, branches, their admins, staff."""

    def __init__(
        self,
        rng: random.Random,
        provinces: list[Province],
        agencies: AgencyBuilder,
        users: Users,
        demo: DemoCustomer,
        total: int,
    ) -> None:
        self.rng = rng
        self.provinces = provinces
        self.regencies = [r for p in provinces for r in p.regencies]
        self.province_by_id = {p.id: p for p in provinces}
        self.agencies = agencies
        self.users = users
        self.demo = demo
        self.total = max(total, 1)
        self.tallies = Tallies()
        self.codes: set[str] = set()
        self.npwps: set[str] = set()
        self.nibs: set[str] = set()
        self.names: Counter[str] = Counter()
        self.next_branch = 1
        self.next_employee = 1
        self.customers: list[dict[str, Any]] = []
        self.branches: list[dict[str, Any]] = []
        self.employees: list[dict[str, Any]] = []

    def build(self, customer_id: int) -> None:
        """One customer with its owner, head office, branches (with admins) and staff."""
        rng = self.rng
        is_demo = customer_id == 1
        offset = int(DATA_SPAN.total_seconds() * (customer_id - 1) / self.total) + rng.randint(0, 3600)
        created_at = EPOCH + timedelta(seconds=offset)
        created = sql_datetime(created_at)
        if is_demo:
            province, regency = self.demo.province, self.demo.regency
        else:
            province = rng.choice(self.provinces)
            regency = rng.choice(province.regencies)
        name, legal_form = self._name(is_demo)
        status = "active" if is_demo or rng.random() >= 0.05 else "inactive"
        if is_demo:
            owner = self.demo.owner
        else:
            owner = self.users.add(
                rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), ("customer", "customer_admin"), created
            )
        code = self._code(created_at)
        self.customers.append(
            {
                "id": customer_id,
                "code": code,
                "name": name,
                "type": legal_form,
                "npwp": self._npwp(),
                "nib": self._nib(),
                "status": status,
                "provinsi_id": province.id,
                "regency_id": regency.id,
                "provinsi_code": province.code,
                "regency_code": regency.code,
                "user_id": owner.id,
                "reg_type": "generate",
                "created_by": 1,
                "created_at": created,
                "updated_at": created,
            }
        )
        branches = self._branches(customer_id, code, name, status, regency, owner, created_at, is_demo)
        self._employees(customer_id, branches, created_at, is_demo)

    def _name(self, is_demo: bool) -> tuple[str, str]:
        """'PT Maju Bersama', then 'PT Maju Bersama 2', … — names are unique across customers."""
        rng = self.rng
        if is_demo:
            legal_form, base = "PT", "PT Maju Bersama"
        else:
            legal_form = "PT" if rng.random() < 0.7 else "CV"
            first = rng.choice(COMPANY_FIRST)
            second = rng.choice(COMPANY_SECOND)
            while second == first:
                second = rng.choice(COMPANY_SECOND)
            base = f"{legal_form} {first} {second}"
        self.names[base] += 1
        count = self.names[base]
        return (base if count == 1 else f"{base} {count}"), legal_form

    def _code(self, created_at: datetime) -> str:
        """The plugin's format: last 4 digits of the Unix time, Aa, 2 digits, Aa (e.g. 4821Xa07Pq)."""
        rng = self.rng
        stamp = int(created_at.replace(tzinfo=UTC).timestamp()) % 10000
        while True:
            code = (
                f"{stamp:04d}{rng.choice(UPPER)}{rng.choice(LOWER)}{rng.randrange(100):02d}"
                f"{rng.choice(UPPER)}{rng.choice(LOWER)}"
            )
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _npwp(self) -> str:
        return unique(self.npwps, lambda: _format_npwp(random_digits(self.rng, 15)))

    def _nib(self) -> str:
        return unique(self.nibs, lambda: random_digits(self.rng, 13))

    def _cabang_regencies(self, head: Regency, count: int) -> list[Regency]:
        """Regencies other than the head office's: about half in the same province."""
        rng = self.rng
        used = {head.id}
        chosen: list[Regency] = []
        same_province = self.province_by_id[head.province_id].regencies
        while len(chosen) < count:
            pool = same_province if rng.random() < 0.5 and len(same_province) > len(used) else self.regencies
            regency = rng.choice(pool)
            if regency.id not in used:
                used.add(regency.id)
                chosen.append(regency)
        return chosen

    def _branches(
        self,
        customer_id: int,
        code: str,
        name: str,
        status: str,
        head: Regency,
        owner: Person,
        created_at: datetime,
        is_demo: bool,
    ) -> list[tuple[dict[str, Any], Person]]:
        """The pusat (admin = owner) and ~2 cabang in other regencies, each with its own admin."""
        rng = self.rng
        count = 2 if is_demo else rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4))
        seats = [head] + self._cabang_regencies(head, count)
        numbers = rng.sample(range(1, 100), len(seats))
        names: set[str] = set()
        made = []
        for index, (regency, number) in enumerate(zip(seats, numbers, strict=True)):
            pusat = index == 0
            when = created_at + timedelta(hours=0 if pusat else rng.randint(1, 24 * 30))
            branch_name = f"{name} Cabang {regency.name}"
            if branch_name in names:
                branch_name = f"{branch_name} {self.province_by_id[regency.province_id].name}"
            names.add(branch_name)
            if pusat:
                admin = owner
            elif is_demo and index == 1:
                admin = self.demo.branch_admin
            else:
                roles = ("customer", "customer_branch_admin")
                admin = self.users.add(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), roles, sql_datetime(when))
            branch = self._branch(
                customer_id, f"{code}-{number:02d}", branch_name, pusat, regency, admin.id, owner.id, when
            )
            if status == "inactive" or (not pusat and not is_demo and rng.random() < 0.03):
                branch["status"] = "inactive"
            if is_demo and pusat:
                branch["inspector_id"] = self.agencies.jurisdiction[regency.code].inspectors[0]
            self._count(customer_id, branch)
            self.branches.append(branch)
            made.append((branch, admin))
        return made

    def _branch(
        self,
        customer_id: int,
        code: str,
        name: str,
        pusat: bool,
        regency: Regency,
        admin: int,
        owner: int,
        when: datetime,
    ) -> dict[str, Any]:
        """A branch row; agency by province, division by the jurisdiction of its regency."""
        rng = self.rng
        province = self.province_by_id[regency.province_id]
        division = self.agencies.jurisdiction[regency.code]
        inspector = rng.choice(division.inspectors) if division.inspectors and rng.random() < 0.6 else None
        lat, lon = coordinates(rng, province.code)
        branch_id = self.next_branch
        self.next_branch += 1
        slug = normalise(name.split(" Cabang ")[0])[:40]
        label = "pusat" if pusat else f"cabang{branch_id}"
        stamp = sql_datetime(when)
        return {
            "id": branch_id,
            "customer_id": customer_id,
            "code": code,
            "name": name,
            "type": "pusat" if pusat else "cabang",
            "nitku": random_digits(rng, 13),
            "postal_code": postal_code(rng),
            "latitude": lat,
            "longitude": lon,
            "address": address(rng, regency),
            "phone": office_phone(rng),
            "email": f"{label}.{slug}@{rng.choice(EMAIL_DOMAINS)}",
            "provinsi_id": province.id,
            "agency_id": self.agencies.by_province[province.id].id,
            "regency_id": regency.id,
            "division_id": division.id,
            "user_id": admin,
            "inspector_id": inspector,
            "created_by": owner,
            "created_at": stamp,
            "updated_at": stamp,
            "status": "active",
        }

    def _count(self, customer_id: int, branch: dict[str, Any]) -> None:
        t = self.tallies
        t.agency_branches[branch["agency_id"]] += 1
        t.agency_customers[branch["agency_id"]].add(customer_id)
        if branch["inspector_id"]:
            t.inspector_branches[branch["inspector_id"]] += 1
            t.inspector_customers[branch["inspector_id"]].add(customer_id)

    def _employees(
        self, customer_id: int, branches: list[tuple[dict[str, Any], Person]], created_at: datetime, is_demo: bool
    ) -> None:
        """The plugin's auto rows (owner 'Admin' at the pusat, 'Branch Manager' per cabang) plus staff."""
        rng = self.rng
        rows = [
            self._employee(
                customer_id, branch, admin, "Admin" if index == 0 else "Branch Manager", DEPARTMENTS, AUTO_NOTE
            )
            for index, (branch, admin) in enumerate(branches)
        ]
        pusat = branches[0][0]
        staff = 1 + rng.choice((0, 1, 1, 2, 2, 3)) if is_demo else rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4))
        for index in range(staff):
            demo_employee = is_demo and index == 0
            branch = pusat if demo_employee else rng.choice(branches)[0]
            position, departments = rng.choice(POSITIONS)
            if rng.random() < 0.25:
                departments = tuple(sorted(set(departments) | {rng.choice(DEPARTMENTS)}))
            when = sql_datetime(created_at + timedelta(days=rng.randint(1, 90)))
            if demo_employee:
                person = self.demo.employee
            else:
                roles = ("customer", "customer_employee")
                person = self.users.add(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), roles, when)
            row = self._employee(customer_id, branch, person, position, departments, rng.choice(EMPLOYEE_NOTES))
            row["created_at"] = row["updated_at"] = when
            if row["status"] == "active" and not demo_employee and rng.random() < 0.04:
                row["status"] = "inactive"
            rows.append(row)
        if is_demo:
            self._remember_demo([b for b, _ in branches], rows)
        self.employees.extend(rows)

    def _employee(
        self,
        customer_id: int,
        branch: dict[str, Any],
        person: Person,
        position: str,
        departments: Iterable[str],
        note: str | None,
    ) -> dict[str, Any]:
        """An employee row at ``branch``, which always belongs to ``customer_id``."""
        flags = set(departments)
        employee_id = self.next_employee
        self.next_employee += 1
        return {
            "id": employee_id,
            "customer_id": customer_id,
            "branch_id": branch["id"],
            "user_id": person.id,
            "name": person.name,
            "position": position,
            "finance": int("finance" in flags),
            "operation": int("operation" in flags),
            "legal": int("legal" in flags),
            "purchase": int("purchase" in flags),
            "keterangan": note,
            "email": person.email,
            "phone": phone(self.rng),
            "created_by": branch["created_by"],
            "created_at": branch["created_at"],
            "updated_at": branch["created_at"],
            "status": branch["status"],
        }

    def _remember_demo(self, branches: list[dict[str, Any]], employees: list[dict[str, Any]]) -> None:
        t = self.tallies.customer_one
        t["name"] = self.customers[-1]["name"]
        t["branches"] = len(branches)
        t["employees"] = len(employees)
        t["pusat"] = "its head office in " + branches[0]["name"].split(" Cabang ", 1)[1]
        t["cabang"] = "its branch in " + branches[1]["name"].split(" Cabang ", 1)[1]
        t["pusat_staff"] = sum(1 for e in employees if e["branch_id"] == branches[0]["id"])
        t["cabang_staff"] = sum(1 for e in employees if e["branch_id"] == branches[1]["id"])

    def render(self, writer: Writer) -> list[str]:
        """This chunk as INSERT statements: users first, then customers, branches, employees."""
        users, meta = self.users.take()
        statements = writer.render_tuples("users", Users.USER_COLS, users)
        statements += writer.render_tuples("usermeta", Users.META_COLS, meta)
        statements += writer.render("customers", self.customers)
        statements += writer.render("branches", self.branches)
        statements += writer.render("employees", self.employees)
        self.customers, self.branches, self.employees = [], [], []
        return statements
