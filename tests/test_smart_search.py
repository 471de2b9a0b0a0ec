"""Smart search over HTTP: words in any order, across columns, inside the caller's scope.

The expected rows are computed here from the tables themselves with DataTables' client rule
(every word a case-insensitive substring of some searchable column, no negative word in any),
and compared with what the bridge answers for every demo login.
"""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest

from tests.support.database import connect

API = "/wp-json/wp-customer/v1"
SEARCHABLE = "SELECT c.id, c.code, c.name, c.npwp, c.nib, u.display_name FROM wp_app_customers c LEFT JOIN wp_users u ON u.ID = c.user_id"


@pytest.fixture(scope="module")
def customers(demo_db: Any) -> list[dict[str, Any]]:
    conn = connect(demo_db)
    with conn.cursor() as cur:
        cur.execute(SEARCHABLE)
        rows = list(cur.fetchall())
    conn.close()
    return rows


def ids_of(client: httpx.Client, auth: Any, **params: Any) -> set[int]:
    ids: set[int] = set()
    page = 1
    while True:
        r = client.get(f"{API}/customers", params={"per_page": 100, "page": page, **params}, auth=auth)
        assert r.status_code == 200, r.text
        ids |= {item["id"] for item in r.json()}
        if int(r.headers["X-WP-TotalPages"]) <= page:
            return ids
        page += 1


def client_rule(rows: list[dict[str, Any]], positive: list[str], negative: list[str] = ()) -> set[int]:  # type: ignore[assignment]
    def cells(row: dict[str, Any]) -> list[str]:
        return [str(row[k] or "").lower() for k in ("code", "name", "npwp", "nib", "display_name")]

    return {
        int(row["id"])
        for row in rows
        if all(any(w.lower() in c for c in cells(row)) for w in positive)
        and not any(any(w.lower() in c for c in cells(row)) for w in negative)
    }


def test_words_match_in_any_order_and_across_name_and_owner(bridge: Any, demo_logins: dict, customers: list) -> None:
    """A name word and an owner word, in either order, find the customer (the phrase alone would not)."""
    auth = demo_logins["admin"].auth
    row = next(r for r in customers if r["display_name"] and " " in r["name"])
    name_word, owner_word = row["name"].split()[-1], row["display_name"].split()[0]
    for text in (f"{name_word} {owner_word}", f"{owner_word}  {name_word}"):
        found = ids_of(bridge.client, auth, search=text)
        assert row["id"] in found
        assert found == client_rule(customers, [name_word, owner_word])
    quoted = ids_of(bridge.client, auth, search=f'"{owner_word} {name_word}"')
    assert row["id"] not in quoted  # a quoted phrase stays whole: owner and name are different columns


def test_negative_words_exclude(bridge: Any, demo_logins: dict, customers: list) -> None:
    """``!word`` leaves out every row containing it in any column."""
    auth = demo_logins["admin"].auth
    word = customers[0]["name"].split()[0]
    found = ids_of(bridge.client, auth, search=f"!{word}")
    assert found == client_rule(customers, [], [word])
    assert customers[0]["id"] not in found and found


def test_random_terms_agree_with_the_client_rule_for_every_login(
    bridge: Any, demo_logins: dict, customers: list
) -> None:
    """On random words from the data, every login gets the client rule's rows within its own scope."""
    rng = random.Random(7)
    words = sorted(
        {w for r in customers for k in ("name", "display_name") for w in str(r[k] or "").split() if w.isalpha()}
    )
    for login in demo_logins.values():
        scope = ids_of(bridge.client, login.auth)
        for _ in range(3):
            picked = rng.sample(words, 2)
            found = ids_of(bridge.client, login.auth, search=" ".join(picked))
            assert found == client_rule(customers, picked) & scope, (login.username, picked)


def test_too_many_words_is_a_clear_400(bridge: Any, demo_logins: dict) -> None:
    """A search of hundreds of words is refused by name rather than run as hundreds of LIKEs."""
    r = bridge.client.get(
        f"{API}/customers", params={"search": " ".join(f"w{i}" for i in range(40))}, auth=demo_logins["admin"].auth
    )
    assert r.status_code == 400
    assert r.json()["code"] == "rest_invalid_param" and "search" in r.json()["data"]["params"]
