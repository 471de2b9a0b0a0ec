"""Agencies per province with their divisions, jurisdictions and staff; and the platform staff."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bridge.demo.people import Person, Users
from bridge.demo.regions import Province, Regency, coordinates, province_capital
from bridge.demo.values import EPOCH, address, office_phone, phone, postal_code, random_digits
from bridge.demo.words import (
    AGENCY_STAFF_CABANG,
    AGENCY_STAFF_PUSAT,
    FIRST_NAMES,
    LAST_NAMES,
    PLATFORM_DEPARTMENTS,
    PLATFORM_ROLES,
)


@dataclass
class Division:
    id: int
    agency_id: int
    code: str
    name: str
    type: str
    regency: Regency
    user_id: int | None = None
    inspectors: list[int] = field(default_factory=list)


@dataclass
class Agency:
    id: int
    code: str
    name: str
    status: str
    province: Province
    capital: Regency
    divisions: list[Division]
    user_id: int = 0


class AgencyBuilder:
    """One agency per province with a head-office division, 1–3 units and full jurisdictions."""

    def __init__(self, rng: random.Random, provinces: list[Province], created: str) -> None:
        self.rng = rng
        self.provinces = provinces
        self.created = created
        self.agencies: list[Agency] = []
        self.by_province: dict[int, Agency] = {}
        self.jurisdiction: dict[str, Division] = {}
        self.jurisdiction_rows: list[dict[str, Any]] = []

    def plan(self) -> None:
        """Agencies, divisions and jurisdictions in memory; two agencies are inactive."""
        inactive = set(self.rng.sample(range(len(self.provinces)), min(2, max(0, len(self.provinces) - 1))))
        division_id = 0
        for index, province in enumerate(self.provinces):
            capital = province_capital(province)
            agency = Agency(
                id=index + 1,
                code=f"AGN-{province.code}",
                name=f"Dinas Tenaga Kerja Provinsi {province.name}",
                status="inactive" if index in inactive else "active",
                province=province,
                capital=capital,
                divisions=[],
            )
            others = [r for r in province.regencies if r.id != capital.id]
            seats = [capital] + self.rng.sample(others, min(len(others), self.rng.randint(1, 3)))
            for number, regency in enumerate(seats, start=1):
                division_id += 1
                pusat = number == 1
                agency.divisions.append(
                    Division(
                        id=division_id,
                        agency_id=agency.id,
                        code=f"{agency.code}-{number:02d}",
                        name=f"Kantor Pusat {agency.name}"
                        if pusat
                        else f"UPT Pengawasan Ketenagakerjaan {regency.name}",
                        type="pusat" if pusat else "cabang",
                        regency=regency,
                    )
                )
            self._assign_jurisdictions(agency)
            self.agencies.append(agency)
            self.by_province[province.id] = agency

    def _assign_jurisdictions(self, agency: Agency) -> None:
        """Every regency of the province belongs to exactly one of the agency's divisions."""
        seats = {d.regency.id: d for d in agency.divisions}
        for regency in agency.province.regencies:
            division = seats.get(regency.id) or self.rng.choice(agency.divisions)
            self.jurisdiction[regency.code] = division
            self.jurisdiction_rows.append(
                {
                    "division_id": division.id,
                    "jurisdiction_code": regency.code,
                    "is_primary": 1 if regency.id in seats else 0,
                    "created_by": 1,
                    "created_at": self.created,
                    "updated_at": self.created,
                }
            )

    def staff(
        self, users: Users, fixed: dict[str, Person], demo_agency: Agency, demo_division: Division
    ) -> list[dict[str, Any]]:
        """Agency admin users and agency employees (with user accounts); returns employee rows."""
        employees: list[dict[str, Any]] = []
        for agency in self.agencies:
            is_demo = agency is demo_agency
            if is_demo:
                agency.user_id = fixed["demo_agency_admin"].id
            else:
                first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                agency.user_id = users.add(first, last, ("agency", "agency_admin_dinas"), self.created).id
            for division in agency.divisions:
                division.user_id = agency.user_id if division.type == "pusat" else None
                jobs = AGENCY_STAFF_PUSAT if division.type == "pusat" else AGENCY_STAFF_CABANG
                for role, position in jobs:
                    demo = division is demo_division and role == "agency_pengawas"
                    person = fixed["demo_pengawas"] if demo else None
                    employees.append(self._employee(users, agency, division, role, position, person))
        return employees

    def _employee(
        self, users: Users, agency: Agency, division: Division, role: str, position: str, person: Person | None
    ) -> dict[str, Any]:
        """An agency employee; pengawas become the division's inspectors (the plain one first)."""
        if person is None:
            person = users.add(
                self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES), ("agency", role), self.created
            )
        if role == "agency_kepala_unit":
            division.user_id = person.id
        elif role == "agency_pengawas":
            division.inspectors.insert(0, person.id)
        elif role == "agency_pengawas_spesialis":
            division.inspectors.append(person.id)
        return {
            "agency_id": agency.id,
            "division_id": division.id,
            "user_id": person.id,
            "name": person.name,
            "position": position,
            "keterangan": None,
            "email": person.email,
            "phone": phone(self.rng),
            "created_by": 1,
            "created_at": self.created,
            "updated_at": self.created,
            "status": "active",
        }

    def agency_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "id": a.id,
                "code": a.code,
                "name": a.name,
                "status": a.status,
                "provinsi_code": a.province.code,
                "regency_code": a.capital.code,
                "user_id": a.user_id,
                "reg_type": "generate",
                "created_by": 1,
                "created_at": self.created,
                "updated_at": self.created,
            }
            for a in self.agencies
        ]

    def division_rows(self) -> list[dict[str, Any]]:
        rows = []
        for agency in self.agencies:
            for d in agency.divisions:
                lat, lon = coordinates(self.rng, agency.province.code)
                rows.append(
                    {
                        "id": d.id,
                        "agency_id": d.agency_id,
                        "code": d.code,
                        "name": d.name,
                        "type": d.type,
                        "nitku": random_digits(self.rng, 13),
                        "postal_code": postal_code(self.rng),
                        "latitude": lat,
                        "longitude": lon,
                        "address": address(self.rng, d.regency),
                        "phone": office_phone(self.rng),
                        "email": f"{d.code.lower()}@disnaker.go.id",
                        "provinsi_code": agency.province.code,
                        "regency_code": d.regency.code,
                        "user_id": d.user_id,
                        "created_by": 1,
                        "created_at": self.created,
                        "updated_at": self.created,
                        "status": "active",
                    }
                )
        return rows


def platform_staff(rng: random.Random, users: Users, fixed: dict[str, Person], created: str) -> list[dict[str, Any]]:
    """Ten platform users: the two demo ones plus one per platform role; the last is 'nonaktif'."""
    people = [fixed["demo_platform_viewer"], fixed["demo_platform_admin"]]
    for role in PLATFORM_ROLES:
        people.append(users.add(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), ("platform_staff", role), created))
    rows = []
    for number, person in enumerate(people, start=1):
        hired = EPOCH.date() - timedelta(days=rng.randint(30, 2000))
        rows.append(
            {
                "user_id": person.id,
                "employee_id": f"STF-{number:04d}",
                "full_name": person.name,
                "department": rng.choice(PLATFORM_DEPARTMENTS),
                "hire_date": hired.isoformat(),
                "phone": phone(rng),
                "status": "nonaktif" if number == len(people) else "aktif",
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows
