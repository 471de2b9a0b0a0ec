"""X-WP-Total is cached per caller scope and exact query, and a write through the bridge makes
it stale at once; a write behind the bridge's back waits for /cache/invalidate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.write_site import Site, new_customer, open_site, pick_free_users, pick_place


@pytest.fixture(scope="module")
def site(make_database: Callable, start_bridge: Callable, tmp_path_factory: pytest.TempPathFactory) -> Site:
    return open_site(make_database, start_bridge, tmp_path_factory)


def total(site: Site, login: str, query: str = "") -> int:
    response = site.call(login, "GET", "/customers" + query)
    assert response.status_code == 200
    return int(response.headers["X-WP-Total"])


def test_a_bridge_write_is_counted_in_the_very_next_list(site: Site) -> None:
    place: dict[str, Any] = pick_place(site)
    before = total(site, "admin")
    # served from the cache now: a row taken away behind the bridge's back is still counted
    last = site.one("SELECT * FROM wp_app_customers ORDER BY id DESC LIMIT 1")
    site.sql("DELETE FROM wp_app_customers WHERE id = %s", [last["id"]])
    try:
        assert total(site, "admin") == before
    finally:
        site.sql(
            f"INSERT INTO wp_app_customers ({', '.join(f'`{c}`' for c in last)}) VALUES ({', '.join(['%s'] * len(last))})",
            list(last.values()),
        )
    created = new_customer(site, place, pick_free_users(site)[0], "PT Hitung Ulang")
    assert total(site, "admin") == before + 1
    assert site.call("admin", "DELETE", f"/customers/{created['id']}").status_code == 200
    assert (
        total(site, "admin", "?status=active")
        == before
        + 1
        - 1
        - site.one("SELECT COUNT(*) AS n FROM wp_app_customers WHERE status <> 'active' AND id <> %s", [created["id"]])[
            "n"
        ]
    )


def test_two_users_never_share_a_cached_total(site: Site) -> None:
    admin, owner = total(site, "admin"), total(site, "andi_budi")
    owned = site.one(
        "SELECT COUNT(*) AS n FROM wp_app_customers WHERE user_id = %s AND status = 'active'", [site.users["andi_budi"]]
    )
    assert owner == owned["n"] and admin > owner
    assert total(site, "demo_employee") == 1


def test_a_write_behind_the_bridges_back_waits_for_invalidation(site: Site) -> None:
    active_before = total(site, "admin", "?status=active&per_page=5")
    site.sql("UPDATE wp_app_customers SET status = 'inactive' WHERE status = 'active' ORDER BY id LIMIT 1")
    assert total(site, "admin", "?status=active&per_page=5") == active_before  # nothing told the bridge
    response = site.call("admin", "POST", "/cache/invalidate", json={"groups": ["customers"]})
    assert response.status_code == 200, response.text
    fresh = site.one("SELECT COUNT(*) AS n FROM wp_app_customers WHERE status = 'active'")["n"]
    assert total(site, "admin", "?status=active&per_page=5") == fresh
