"""The nine fixed demo logins: who they are, their passwords, what each sees, and the printout."""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING

from bridge.demo.result import DemoLogin, DemoResult
from bridge.demo.values import EPOCH
from bridge.namespace import API_PREFIX
from bridge.wordpress import (
    APPLICATION_PASSWORD_CHARS,
    APPLICATION_PASSWORD_LENGTH,
    ITOA64,
    chunk_application_password,
    hash_password_phpass,
    new_application_password_item,
    php_dumps,
)

if TYPE_CHECKING:
    from bridge.demo.agencies import Agency
    from bridge.demo.customers import Tallies
    from bridge.demo.people import Person, Users


DEMO_PASSWORD = "Demo_Data-2025"

APP_PASSWORD_NAME = "wp-customer-bridge demo"


@dataclass(frozen=True)
class FixedLogin:
    """One of the printed demo accounts: who they are and how WordPress knows them."""

    username: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    kind: str
    hash_format: str = "generic"

    @property
    def role(self) -> str:
        """E.g. ``customer owner (customer + customer_admin)``."""
        return f"{self.kind} ({' + '.join(self.roles)})"


FIXED_LOGINS: tuple[FixedLogin, ...] = (
    FixedLogin("admin", "", "", ("administrator",), "site administrator", "phpass"),
    FixedLogin("andi_budi", "Andi", "Budi", ("customer", "customer_admin"), "customer owner"),
    FixedLogin("demo_branch_admin", "Siti", "Rahmawati", ("customer", "customer_branch_admin"), "branch admin"),
    FixedLogin("demo_employee", "Rina", "Kartika", ("customer", "customer_employee"), "customer employee"),
    FixedLogin("demo_agency_admin", "Hendra", "Gunawan", ("agency", "agency_admin_dinas"), "agency admin"),
    FixedLogin("demo_pengawas", "Joko", "Susilo", ("agency", "agency_pengawas"), "agency inspector"),
    FixedLogin("demo_platform_viewer", "Maya", "Sari", ("platform_staff", "platform_viewer"), "platform viewer"),
    FixedLogin("demo_platform_admin", "Dimas", "Pratama", ("platform_staff", "platform_admin"), "platform admin"),
    FixedLogin("demo_subscriber", "Tono", "Subagyo", ("subscriber",), "no relation"),
)


def demo_application_passwords(seed: int) -> dict[str, str]:
    """The application password of each fixed login: the first draws of ``random.Random(seed)``."""
    rng = random.Random(seed)
    return {login.username: draw_password(rng) for login in FIXED_LOGINS}


def draw_password(rng: random.Random) -> str:
    return "".join(rng.choice(APPLICATION_PASSWORD_CHARS) for _ in range(APPLICATION_PASSWORD_LENGTH))


def add_fixed_users(users: Users, created: str) -> dict[str, Person]:
    """The nine demo logins get the first user ids (1–9 on an empty site)."""
    return {
        login.username: users.add(login.first_name, login.last_name, login.roles, created, login=login.username)
        for login in FIXED_LOGINS
    }


def add_application_passwords(
    users: Users, rng: random.Random, fixed: dict[str, Person], passwords: dict[str, str]
) -> None:
    """One application password per fixed login; uuid and phpass salt from the seed too."""
    created = int(EPOCH.replace(tzinfo=UTC).timestamp())
    for login in FIXED_LOGINS:
        secret = passwords[login.username]
        item = new_application_password_item(APP_PASSWORD_NAME, secret, hash_format="generic", created=created)
        item["uuid"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if login.hash_format == "phpass":
            salt = "".join(rng.choice(ITOA64) for _ in range(8))
            item["password"] = hash_password_phpass(secret, salt=salt)
        users.add_meta(fixed[login.username].id, "_application_passwords", php_dumps([item]))


def _n(count: int, word: str) -> str:
    plural = word + ("es" if word.endswith("ch") else "s")
    return f"{count} {word if count == 1 else plural}"


def demo_logins(
    fixed: dict[str, Person], passwords: dict[str, str], tallies: Tallies, agency: Agency
) -> list[DemoLogin]:
    """The printed logins, each with a one-line account of what the access rules let them see."""
    one = tallies.customer_one
    pengawas = fixed["demo_pengawas"].id
    customer = f"customer 1 ({one['name']})"
    sees = {
        "admin": "everything",
        "andi_budi": f"{customer}: {_n(one['branches'], 'branch')}, {_n(one['employees'], 'employee')}",
        "demo_branch_admin": f"{customer} and its branches; {_n(one['cabang_staff'], 'employee')} of {one['cabang']}",
        "demo_employee": f"{customer} and its branches; {_n(one['pusat_staff'], 'employee')} of {one['pusat']}",
        "demo_agency_admin": (
            f"{agency.name}: {_n(tallies.agency_branches[agency.id], 'branch')}"
            f" of {_n(len(tallies.agency_customers[agency.id]), 'customer')}"
        ),
        "demo_pengawas": (
            f"{_n(tallies.inspector_branches[pengawas], 'branch')} they inspect"
            f" ({_n(len(tallies.inspector_customers[pengawas]), 'customer')})"
        ),
        "demo_platform_viewer": "all customers, branches and employees (read only)",
        "demo_platform_admin": "all customers, branches and employees; may add and edit customers and branches",
        "demo_subscriber": "nothing (no relation to any customer or agency)",
    }
    return [
        DemoLogin(
            username=login.username,
            user_id=fixed[login.username].id,
            role=login.role,
            wordpress_password=DEMO_PASSWORD,
            application_password=chunk_application_password(passwords[login.username]),
            sees=sees[login.username],
        )
        for login in FIXED_LOGINS
    ]


def format_logins(result: DemoResult, base_url: str) -> str:
    """A table of the demo logins and a ready-to-paste curl per login."""
    headers = ("login", "id", "role", "WordPress password", "application password", "sees")
    rows = [
        (x.username, str(x.user_id), x.role, x.wordpress_password, x.application_password, x.sees)
        for x in result.logins
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    out = ["Demo logins (every WordPress password is " + DEMO_PASSWORD + "):", line(headers)]
    out.append(line(["-" * w for w in widths]))
    out.extend(line(r) for r in rows)
    out.append("")
    out.append("Try the REST API as each of them:")
    url = base_url.rstrip("/") + API_PREFIX + "/users/me"
    out.extend(f"curl -u '{x.username}:{x.application_password}' {url}" for x in result.logins)
    return "\n".join(out)


_CURL_URL = re.compile(r"^(curl -u '[^']*' )\S*?(/wp-json/)", re.MULTILINE)


def rebase_logins(text: str, base_url: str) -> str:
    """``format_logins`` output with its curl lines pointed at ``base_url`` (the saved copy names the port of its day)."""
    return _CURL_URL.sub(lambda m: m.group(1) + base_url.rstrip("/") + m.group(2), text)
