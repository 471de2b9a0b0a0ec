"""A database of its own (migrate + 8 demo customers) and a bridge on it that records every action the
plugin would fire, for the REST write tests; the bodies and picks they build writes from."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.cli import run_cli
from tests.support.database import connect, fetch
from tests.support.paths import API
from tests.support.server import BridgeServer

ACTIONS = (
    "wp_customer_created",
    "wp_customer_customer_created",
    "wp_customer_updated",
    "wp_customer_customer_updated",
    "wp_customer_before_delete",
    "wp_customer_customer_before_delete",
    "wp_customer_deletion_logged",
    "wp_customer_deleted",
    "wp_customer_customer_deleted",
    "wp_customer_cleanup_completed",
    "wp_customer_customer_cleanup_completed",
    "wp_customer_branch_created",
    "wp_customer_branch_updated",
    "wp_customer_branch_before_delete",
    "wp_customer_branch_deletion_logged",
    "wp_customer_branch_deleted",
    "wp_customer_branch_cleanup_completed",
    "wp_customer_employee_created",
    "wp_customer_employee_updated",
    "wp_customer_employee_before_delete",
    "wp_customer_employee_before_delete_processing",
    "wp_customer_employee_deleted",
    "wp_customer_employee_cleanup_completed",
)
RECORDER = """
import json, os

NAMES = {names!r}


def register(registry):
    path = os.environ["REST_TEST_EVENTS"]

    def recorder(name):
        def record(*args):
            with open(path, "a") as handle:
                handle.write(json.dumps({{"name": name, "args": args}}, default=str) + "\\n")
        return record

    for name in NAMES:
        registry.hooks.add_action(name, recorder(name))
"""


@dataclass
class Site:
    url: Any
    server: BridgeServer
    users: dict[str, int]
    passwords: dict[str, str]
    events_file: Path

    def call(self, login: str | None, method: str, path: str, **kw: Any) -> httpx.Response:
        auth = (login, self.passwords[login]) if login else None
        return self.server.client.request(method, API + path, auth=auth, **kw)

    def sql(self, query: str, args: Any = None) -> list[dict[str, Any]]:
        return fetch(self.url, query, args)

    def one(self, query: str, args: Any = None) -> dict[str, Any]:
        rows = self.sql(query, args)
        assert rows, query
        return rows[0]

    def events(self) -> list[dict[str, Any]]:
        """The actions fired since the last call (and forget them)."""
        if not self.events_file.exists():
            return []
        lines = self.events_file.read_text().splitlines()
        self.events_file.write_text("")
        return [json.loads(line) for line in lines]

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of the three plugin tables, for "nothing else changed" checks."""
        out = {}
        for table in ("wp_app_customers", "wp_app_customer_branches", "wp_app_customer_employees"):
            out[table] = [tuple(r.values()) for r in self.sql(f"SELECT * FROM {table} ORDER BY id")]
        return out

    def set_hard_delete(self, on: bool) -> None:
        from bridge.demo import GENERAL_OPTIONS
        from bridge.wordpress import php_dumps

        value = php_dumps({**GENERAL_OPTIONS, "enable_hard_delete_branch": on})
        self.sql("UPDATE wp_options SET option_value = %s WHERE option_name = 'wp_customer_general_options'", [value])


def open_site(
    make_database: Callable[[], Any],
    start_bridge: Callable[..., BridgeServer],
    tmp_path_factory: pytest.TempPathFactory,
) -> Site:
    """A fresh database (migrate + 8 demo customers) and a bridge on it that records every action."""
    from bridge.demo import demo_application_passwords

    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "8")
    hooks = tmp_path_factory.mktemp("rest_hooks")
    (hooks / "rest_recorder.py").write_text(RECORDER.format(names=ACTIONS))
    events = hooks / "events.jsonl"
    server = start_bridge(url, {"BRIDGE_HOOKS_PATH": str(hooks), "REST_TEST_EVENTS": str(events)})
    passwords = demo_application_passwords(seed=1)
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT ID, user_login FROM wp_users WHERE user_login IN %s", [tuple(passwords)])
        users = {r["user_login"]: int(r["ID"]) for r in cur.fetchall()}
    conn.close()
    return Site(url, server, users, passwords, events)


def pick_free_users(site: Site) -> list[int]:
    """WordPress users with no customer-side rows (agency staff and the like): safe owners/employees."""
    rows = site.sql(
        "SELECT u.ID FROM wp_users u WHERE u.ID NOT IN (SELECT user_id FROM wp_app_customer_employees) "
        "AND u.ID NOT IN (SELECT user_id FROM wp_app_customers WHERE user_id IS NOT NULL) "
        "AND u.ID NOT IN (SELECT user_id FROM wp_app_customer_branches WHERE user_id IS NOT NULL) "
        "AND u.ID NOT IN (SELECT user_id FROM wp_app_platform_staff) AND u.ID > 9 ORDER BY u.ID"
    )
    return [int(r["ID"]) for r in rows]


def pick_place(site: Site) -> dict[str, Any]:
    """A province with an agency and its regencies, for customers and branches."""
    prov = site.one(
        "SELECT p.id, p.code, p.name FROM wp_wi_provinces p JOIN wp_app_agencies a ON a.provinsi_code = p.code "
        "WHERE (SELECT COUNT(*) FROM wp_wi_regencies r WHERE r.province_id = p.id) >= 8 ORDER BY p.id LIMIT 1"
    )
    regencies = site.sql("SELECT id, code, name FROM wp_wi_regencies WHERE province_id = %s ORDER BY id", [prov["id"]])
    other = site.one("SELECT id FROM wp_wi_regencies WHERE province_id <> %s ORDER BY id LIMIT 1", [prov["id"]])
    return {"province": prov, "regencies": regencies, "foreign_regency": other["id"]}


def simultaneously(site: Site, requests: list[tuple[str, str, dict[str, Any]]], login: str = "admin") -> list[int]:
    """Send the requests at the same moment, each on its own connection; their status codes."""
    statuses: list[int] = []
    barrier = threading.Barrier(len(requests))

    def send(method: str, path: str, kwargs: dict[str, Any]) -> None:
        with httpx.Client(base_url=site.server.base, timeout=30) as client:
            barrier.wait()
            r = client.request(method, API + path, auth=(login, site.passwords[login]), **kwargs)
            statuses.append(r.status_code)

    threads = [threading.Thread(target=send, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


_npwp_counter = iter(range(10**6))


def unique_digits(width: int) -> str:
    return f"{next(_npwp_counter):0{width}d}"


def new_customer(
    site: Site, place: dict[str, Any], owner: int | None, name: str, regency: int = 0, login: str = "admin"
) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "npwp": "9" + unique_digits(14), "nib": "8" + unique_digits(12)}
    if owner:
        body.update(user_id=owner, provinsi_id=place["province"]["id"], regency_id=place["regencies"][regency]["id"])
    r = site.call(login, "POST", "/customers", json=body)
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


def employee_body(customer: int, branch: int, user: int, tag: str, **extra: Any) -> dict[str, Any]:
    return {
        "customer_id": customer,
        "branch_id": branch,
        "user_id": user,
        "name": f"Karyawan {tag}",
        "position": "Staf",
        "email": f"karyawan.{tag}@example.com",
        "operation": "1",
        **extra,
    }


def free_regency(site: Site, customer_id: int) -> dict[str, Any]:
    """A regency of a province with an agency where the customer has no branch yet."""
    return site.one(
        "SELECT r.id, r.code, r.province_id, p.code AS province_code FROM wp_wi_regencies r "
        "JOIN wp_wi_provinces p ON p.id = r.province_id JOIN wp_app_agencies a ON a.provinsi_code = p.code "
        "WHERE r.id NOT IN (SELECT regency_id FROM wp_app_customer_branches "
        "WHERE customer_id = %s AND regency_id IS NOT NULL) "
        "ORDER BY RAND() LIMIT 1",
        [customer_id],
    )


def branch_body(site: Site, customer_id: int, name: str, **extra: Any) -> dict[str, Any]:
    regency = free_regency(site, customer_id)
    return {"customer_id": customer_id, "name": name, "type": "cabang", "regency_id": regency["id"], **extra}
