"""The employee DataTable's "department" column, which the plugin's JavaScript sorts and searches."""

from __future__ import annotations

from bridge.settings import DatabaseURL
from tests.support.database import connect
from tests.support.datatables import datatable
from tests.support.logins import Login
from tests.support.server import BridgeServer

COLUMNS = [
    {"data": "name"},
    {"data": "department"},
    {"data": "branch_name"},
    {"data": "status"},
    {"data": "actions", "orderable": False, "searchable": False},
]
LABELS = ("Finance", "Operation", "Legal", "Purchase")


def expected_departments(url: DatabaseURL, customer_id: int) -> dict[int, str]:
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT id, finance, operation, legal, purchase FROM wp_app_customer_employees WHERE customer_id = %s",
            (customer_id,),
        )
        rows = cur.fetchall()
    conn.close()
    return {
        r["id"]: ", ".join(
            label for flag, label in zip(("finance", "operation", "legal", "purchase"), LABELS, strict=True) if r[flag]
        )
        for r in rows
    }


def test_department_is_the_badge_texts_of_the_four_flags(
    bridge: BridgeServer, demo_db: DatabaseURL, demo_logins: dict[str, Login]
) -> None:
    body = datatable(bridge.client, "employees", demo_logins["admin"].auth, columns=COLUMNS, customer_id=1, length=-1)
    expected = expected_departments(demo_db, 1)
    assert {row["id"]: row["department"] for row in body["data"]} == expected


def test_ordering_by_department_follows_the_text(
    bridge: BridgeServer, demo_db: DatabaseURL, demo_logins: dict[str, Login]
) -> None:
    params = {"order[0][column]": "1", "order[0][dir]": "desc"}
    body = datatable(
        bridge.client, "employees", demo_logins["admin"].auth, columns=COLUMNS, customer_id=1, length=-1, **params
    )
    assert "error" not in body
    departments = [row["department"] for row in body["data"]]
    assert departments == sorted(departments, key=str.lower, reverse=True)


def test_searching_a_department_finds_its_members(
    bridge: BridgeServer, demo_db: DatabaseURL, demo_logins: dict[str, Login]
) -> None:
    body = datatable(
        bridge.client,
        "employees",
        demo_logins["admin"].auth,
        columns=[COLUMNS[1]],
        customer_id=1,
        length=-1,
        **{"search[value]": "legal"},
    )
    expected = {i for i, text in expected_departments(demo_db, 1).items() if "Legal" in text}
    assert {row["id"] for row in body["data"]} == expected and body["recordsFiltered"] == len(expected)
