"""``POST /wp-json/batch/v1`` over real HTTP on a database of its own: WordPress's batch format
(validation modes, at most 25 requests, only the bridge's write routes, per-request status and
body, 207), and ``atomic``: all or nothing, one outbox row per action, actions only after commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.write_site import Site, open_site, unique_digits

NS = "/wp-customer/v1"


@pytest.fixture(scope="module")
def site(make_database: Callable, start_bridge: Callable, tmp_path_factory: pytest.TempPathFactory) -> Site:
    return open_site(make_database, start_bridge, tmp_path_factory)


def batch(site: Site, body: dict[str, Any], login: str = "admin") -> Any:
    return site.server.client.post("/wp-json/batch/v1", json=body, auth=(login, site.passwords[login]))


def create(name: str) -> dict[str, Any]:
    body = {"name": name, "npwp": "7" + unique_digits(14), "nib": "6" + unique_digits(12)}
    return {"method": "POST", "path": f"{NS}/customers", "body": body}


def customers_named(site: Site, *names: str) -> list[str]:
    rows = site.sql("SELECT name FROM wp_app_customers WHERE name IN %s", [names])
    return sorted(r["name"] for r in rows)


def outbox_count(site: Site) -> int:
    return int(site.one("SELECT COUNT(*) AS n FROM wp_wpbridge_outbox")["n"])


def a_customer(site: Site) -> int:
    return int(site.one("SELECT id FROM wp_app_customers ORDER BY id LIMIT 1")["id"])


def test_normal_batch_applies_each_request_and_reports_each(site: Site) -> None:
    """Without atomic a failing request in the middle leaves the others applied; each gets its
    own status, body and Location; the batch answers 207."""
    target = a_customer(site)
    r = batch(
        site,
        {
            "requests": [
                create("Batch Satu"),
                {"method": "PATCH", "path": f"{NS}/customers/{target}", "body": {"npwp": "not a npwp"}},
                create("Batch Dua"),
            ]
        },
    )
    assert r.status_code == 207, r.text
    responses = r.json()["responses"]
    assert [x["status"] for x in responses] == [201, 400, 201]
    assert responses[0]["body"]["name"] == "Batch Satu" and responses[0]["headers"]["Location"].endswith(
        f"/customers/{responses[0]['body']['id']}"
    )
    assert responses[1]["body"]["code"] == "rest_invalid_param"
    assert customers_named(site, "Batch Satu", "Batch Dua") == ["Batch Dua", "Batch Satu"]


def test_atomic_batch_with_a_failure_in_the_middle_writes_nothing(site: Site) -> None:
    """atomic: the failing second request rolls back the first; nothing is stored, no outbox row
    is written and no action fires; the answer names the failure."""
    target = a_customer(site)
    before, site_events = outbox_count(site), site.events()
    del site_events
    r = batch(
        site,
        {
            "atomic": True,
            "requests": [
                create("Atom Satu"),
                {"method": "PATCH", "path": f"{NS}/customers/{target}", "body": {"name": "Atom renamed"}},
                {"method": "PATCH", "path": f"{NS}/customers/{target}", "body": {"nib": "x"}},
                create("Atom Dua"),
            ],
        },
    )
    assert r.status_code == 207, r.text
    body = r.json()
    assert body["failed"] == "atomic"
    assert body["responses"][0] is None and body["responses"][2]["status"] == 400
    assert customers_named(site, "Atom Satu", "Atom Dua") == []
    assert site.one("SELECT name FROM wp_app_customers WHERE id = %s", [target])["name"] != "Atom renamed"
    assert outbox_count(site) == before and site.events() == []


def test_atomic_batch_commits_everything_with_its_outbox_rows(site: Site) -> None:
    """atomic and all valid: every row stored, one outbox row per action, the actions fired after
    commit, and a read right after sees the writes (the cache was evicted)."""
    site.events()
    before = outbox_count(site)
    total = int(site.call("admin", "GET", "/customers").headers["X-WP-Total"])
    r = batch(site, {"atomic": True, "requests": [create("Atom Tiga"), create("Atom Empat")]})
    assert r.status_code == 207 and [x["status"] for x in r.json()["responses"]] == [201, 201], r.text
    assert [x["body"]["name"] for x in r.json()["responses"]] == ["Atom Tiga", "Atom Empat"]
    assert customers_named(site, "Atom Tiga", "Atom Empat") == ["Atom Empat", "Atom Tiga"]
    fired = [e["name"] for e in site.events() if e["name"] == "wp_customer_created"]
    assert len(fired) == 2
    actions = site.sql("SELECT action FROM wp_wpbridge_outbox ORDER BY id")[before:]
    assert [a["action"] for a in actions].count("wp_customer_created") == 2
    assert int(site.call("admin", "GET", "/customers").headers["X-WP-Total"]) == total + 2


def test_validation_modes_limits_and_allowed_routes(site: Site) -> None:
    """require-all-validate stops the batch at an unknown route or a route that is not a bridge
    write (nothing runs); normal runs the valid ones; more than 25 requests is a 400; anonymous
    requests each get the route's own 401."""
    bad = [
        {"method": "POST", "path": f"{NS}/datatables/customers", "body": {}},
        {"method": "DELETE", "path": "/wp/v2/posts/1"},
        {"method": "GET", "path": f"{NS}/customers"},
    ]
    r = batch(site, {"validation": "require-all-validate", "requests": [create("Valid Satu"), *bad]})
    assert r.status_code == 207
    body = r.json()
    assert body["failed"] == "validation" and body["responses"][0] is None
    assert [x["body"]["code"] for x in body["responses"][1:]] == [
        "rest_batch_not_allowed",
        "rest_no_route",
        "rest_invalid_param",
    ]
    assert customers_named(site, "Valid Satu") == []
    r = batch(site, {"requests": [create("Valid Dua"), *bad]})
    assert [x["status"] for x in r.json()["responses"]] == [201, 400, 404, 400]
    r = batch(site, {"requests": [create(f"Many {n}") for n in range(26)]})
    assert r.status_code == 400 and "requests" in r.json()["data"]["params"]
    r = site.server.client.post("/wp-json/batch/v1", json={"requests": [create("Anon")]})
    assert r.status_code == 207 and r.json()["responses"][0]["status"] == 401
