"""REST collections answer ``Accept: text/csv`` with the same page as CSV, for every resource."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.support.paths import API


@pytest.mark.parametrize("resource", ["customers", "branches", "employees"])
def test_the_same_page_as_csv(bridge: Any, demo_logins: dict, resource: str) -> None:
    """Page 2 in CSV has the JSON page's ids, scalar columns and paging headers."""
    auth = demo_logins["admin"].auth
    params = {"per_page": 3, "page": 2}
    as_json = bridge.client.get(f"{API}/{resource}", params=params, auth=auth)
    as_csv = bridge.client.get(f"{API}/{resource}", params=params, auth=auth, headers={"Accept": "text/csv"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [int(r["id"]) for r in rows] == [item["id"] for item in as_json.json()]
    assert "permissions" not in (rows[0] if rows else {})
    for header in ("X-WP-Total", "X-WP-TotalPages", "Link"):
        assert as_csv.headers.get(header) == as_json.headers.get(header)
    assert f'filename="{resource}-' in as_csv.headers["content-disposition"]


def test_fields_pick_the_columns_and_json_stays_the_default(bridge: Any, demo_logins: dict) -> None:
    """``_fields`` names the CSV's columns; a browser's ``*/*`` or a preferred JSON keep JSON."""
    auth = demo_logins["admin"].auth
    r = bridge.client.get(f"{API}/customers", params={"_fields": "id,name"}, auth=auth, headers={"Accept": "text/csv"})
    assert r.content.decode("utf-8-sig").splitlines()[0] == "id,name"
    for accept in ("*/*", "application/json, text/csv;q=0.5", "text/html,application/xhtml+xml,*/*;q=0.8"):
        r = bridge.client.get(f"{API}/customers", auth=auth, headers={"Accept": accept})
        assert r.headers["content-type"].startswith("application/json"), accept
