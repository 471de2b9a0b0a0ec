"""The site around the generated rows: the empty-site check, the regions it holds, wp_options."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bridge.demo.logins import FIXED_LOGINS
from bridge.demo.regions import Province, Regency
from bridge.demo.result import DemoError
from bridge.demo.writer import Writer
from bridge.roles import ROLE_DEFINITIONS
from bridge.schema import TableNames
from bridge.wordpress import php_dumps, php_loads

GENERAL_OPTIONS: dict[str, Any] = {
    "records_per_page": 15,
    "enable_caching": True,
    "cache_duration": 43200,
    "datatables_language": "id",
    "display_format": "hierarchical",
    "enable_api": False,
    "api_key": "",
    "log_enabled": False,
    "enable_hard_delete_branch": False,
}


def load_regions(writer: Writer) -> list[Province]:
    names = writer.names
    regencies: defaultdict[int, list[Regency]] = defaultdict(list)
    for rid, pid, code, name in writer.rows(
        f"SELECT id, province_id, code, name FROM `{names.regencies}` ORDER BY code"
    ):
        regencies[int(pid)].append(Regency(int(rid), int(pid), str(code), str(name)))
    provinces = [
        Province(int(pid), str(code), str(name), tuple(regencies[int(pid)]))
        for pid, code, name in writer.rows(f"SELECT id, code, name FROM `{names.provinces}` ORDER BY code")
    ]
    provinces = [p for p in provinces if p.regencies]
    if not provinces:
        raise DemoError("the region tables (wi_provinces, wi_regencies) are empty; run `wpbridge migrate` first")
    return provinces


EMPTY_TABLES = (
    ("customers", "customers"),
    ("branches", "customer branches"),
    ("employees", "customer employees"),
    ("agencies", "agencies"),
    ("divisions", "agency divisions"),
    ("jurisdictions", "agency jurisdictions"),
    ("agency_employees", "agency employees"),
    ("platform_staff", "platform staff"),
)


def refuse_non_empty(writer: Writer) -> None:
    """Demo data goes only into an empty site: it would clash with real rows otherwise."""
    for key, label in EMPTY_TABLES:
        if writer.scalar(f"SELECT EXISTS(SELECT 1 FROM `{writer.table(key)}`)"):
            raise DemoError(f"database already has {label}; demo data loads only into an empty database")
    logins = [login.username for login in FIXED_LOGINS]
    marks = ", ".join(["%s"] * len(logins))
    taken = [
        r[0]
        for r in writer.rows(f"SELECT user_login FROM `{writer.names.users}` WHERE user_login IN ({marks})", logins)
    ]
    if taken:
        raise DemoError(
            f"database already has WordPress users {', '.join(sorted(taken))}; demo data needs those logins free"
        )


def write_options(writer: Writer, names: TableNames) -> None:
    """Roles (merged into any existing definitions), the plugin's settings and the site basics."""
    table = names.options
    roles_key = names.prefix + "user_roles"
    wanted = {
        roles_key: "",
        "wp_customer_general_options": php_dumps(GENERAL_OPTIONS),
        "siteurl": "http://localhost",
        "home": "http://localhost",
        "blogname": "WP Customer Demo",
        "using_application_passwords": "1",
    }
    marks = ", ".join(["%s"] * len(wanted))
    existing = dict(
        writer.rows(f"SELECT option_name, option_value FROM `{table}` WHERE option_name IN ({marks})", list(wanted))
    )
    roles = php_loads(existing.get(roles_key))
    roles = dict(roles) if isinstance(roles, dict) else {}
    roles.update(ROLE_DEFINITIONS)
    wanted[roles_key] = php_dumps(roles)
    rows = [(k, v, "yes") for k, v in wanted.items() if k == roles_key or k not in existing]
    writer.conn.begin()
    writer.cursor.executemany(
        f"INSERT INTO `{table}` (option_name, option_value, autoload) VALUES (%s, %s, %s) "
        "ON DUPLICATE KEY UPDATE option_value = VALUES(option_value)",
        rows,
    )
    writer.conn.commit()
    writer.counts["options"] += len(rows)
