"""``generate()``: the order of the steps, and the chunked customer stream written by a worker."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pymysql

from bridge.demo.agencies import Agency, AgencyBuilder, Division, platform_staff
from bridge.demo.customers import CustomerBuilder, DemoCustomer
from bridge.demo.logins import (
    DEMO_PASSWORD,
    FIXED_LOGINS,
    add_application_passwords,
    add_fixed_users,
    demo_logins,
    draw_password,
)
from bridge.demo.people import Person, Users
from bridge.demo.result import DemoResult
from bridge.demo.site import EMPTY_TABLES, load_regions, refuse_non_empty, write_options
from bridge.demo.values import EPOCH, sql_datetime
from bridge.demo.writer import Writer
from bridge.schema import SchemaInfo, TableNames
from bridge.wordpress import ITOA64, hash_password_phpass

CHUNK_CUSTOMERS = 2000


def _plan_demo_customer(
    rng: random.Random, agencies: AgencyBuilder, fixed: dict[str, Person]
) -> tuple[DemoCustomer, Agency, Division]:
    """Customer 1 sits in a province whose agency is active, so the agency logins see it."""
    active = [a for a in agencies.agencies if a.status == "active"] or agencies.agencies
    agency = rng.choice(active)
    regency = rng.choice(agency.province.regencies)
    demo = DemoCustomer(
        agency.province, regency, fixed["andi_budi"], fixed["demo_branch_admin"], fixed["demo_employee"]
    )
    return demo, agency, agencies.jurisdiction[regency.code]


def generate(
    conn: pymysql.connections.Connection,
    names: TableNames,
    schema: SchemaInfo,
    *,
    customers: int = 50,
    seed: int = 1,
    out: Callable[[str], Any] = print,
) -> DemoResult:
    """Fill an empty, migrated database with a consistent demo site; same seed, same data."""
    started = time.perf_counter()
    writer = Writer(conn, names, schema)
    refuse_non_empty(writer)
    provinces = load_regions(writer)
    rng = random.Random(seed)
    passwords = {login.username: draw_password(rng) for login in FIXED_LOGINS}
    next_user = int(writer.scalar(f"SELECT COALESCE(MAX(ID), 0) FROM `{names.users}`")) + 1
    next_meta = int(writer.scalar(f"SELECT COALESCE(MAX(umeta_id), 0) FROM `{names.usermeta}`")) + 1
    salt = "".join(rng.choice(ITOA64) for _ in range(8))
    users = Users(names, next_user, next_meta, hash_password_phpass(DEMO_PASSWORD, salt=salt))
    created = sql_datetime(EPOCH - timedelta(days=30))
    writer.cursor.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0")
    try:
        fixed = add_fixed_users(users, created)
        add_application_passwords(users, rng, fixed, passwords)
        agencies = AgencyBuilder(rng, provinces, created)
        agencies.plan()
        demo, demo_agency, demo_division = _plan_demo_customer(rng, agencies, fixed)
        agency_employees = agencies.staff(users, fixed, demo_agency, demo_division)
        staff = platform_staff(rng, users, fixed, created)
        users.flush(writer)
        write_options(writer, names)
        writer.insert("agencies", agencies.agency_rows())
        writer.insert("divisions", agencies.division_rows())
        writer.insert("jurisdictions", agencies.jurisdiction_rows)
        writer.insert("agency_employees", agency_employees)
        writer.insert("platform_staff", staff)
        builder = CustomerBuilder(rng, provinces, agencies, users, demo, customers)
        _stream_customers(builder, writer, customers, out)
    finally:
        writer.cursor.execute("SET SESSION unique_checks = 1, foreign_key_checks = 1")
    seconds = time.perf_counter() - started
    result = DemoResult(counts=_counts(writer), seconds=seconds)
    result.logins = demo_logins(fixed, passwords, builder.tallies, demo_agency)
    out(f"demo: {_summary(result)} in {seconds:.1f} s")
    return result


def _stream_customers(builder: CustomerBuilder, writer: Writer, customers: int, out: Callable[[str], Any]) -> None:
    """Render chunk n+1 while a worker thread executes chunk n (the connection is the worker's
    alone meanwhile), so Python and MariaDB work at the same time; reports about every tenth."""
    step = max(customers // 10, CHUNK_CUSTOMERS)
    next_report = step
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-writer") as pool:
        pending: Future[None] | None = None
        written = 0
        for start in range(1, customers + 1, CHUNK_CUSTOMERS):
            end = min(customers, start + CHUNK_CUSTOMERS - 1)
            for customer_id in range(start, end + 1):
                builder.build(customer_id)
            statements = builder.render(writer)
            if pending is not None:
                pending.result()
                if written >= next_report:
                    out(f"demo: {written}/{customers} customers written")
                    next_report += step
            pending = pool.submit(writer.execute, statements)
            written = end
        if pending is not None:
            pending.result()


def _counts(writer: Writer) -> dict[str, int]:
    keys = ("users", "usermeta", "options") + tuple(key for key, _ in EMPTY_TABLES)
    return {key: writer.counts.get(key, 0) for key in keys}


def _summary(result: DemoResult) -> str:
    return ", ".join(f"{n} {key}" for key, n in result.counts.items())
