"""The agency info tab's "Statistik Customer" block from the bridge (``?shape=plugin``), for the
browser's fast path: byte for byte what the shim's own PHP renderer prints for the same numbers,
and served in the caller's scope like the numbers themselves."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bridge.agency_tab_block import agency_statistics_html
from bridge.demo import FIXED_LOGINS
from tests.support.database import query
from tests.support.paths import API
from tests.support.wordpress_site import require_tools

PHP_SCRIPT = Path(__file__).parent / "vectors" / "agency_statistics.php"
PAIRS = [(0, 0), (0, 3), (1, 1), (3, 5), (12, 40), (999, 1000), (123456789, 2**40)]


def php_blocks(pairs: list[tuple[int, int]]) -> list[str]:
    require_tools("php-cli", "wordpress")
    result = subprocess.run(
        ["php", str(PHP_SCRIPT)], input=json.dumps(pairs), capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))


def test_the_block_is_the_shims_php_rendering_byte_for_byte() -> None:
    assert [agency_statistics_html(c, b) for c, b in PAIRS] == php_blocks(PAIRS)


@pytest.mark.parametrize("login", [f.username for f in FIXED_LOGINS])
def test_shape_plugin_adds_the_block_of_the_callers_numbers(bridge, demo_logins, demo_db, login: str) -> None:
    auth = demo_logins[login].auth
    agencies = [r["id"] for r in query(demo_db, "SELECT id FROM wp_app_agencies ORDER BY id LIMIT 4")]
    for agency_id in agencies:
        plain = bridge.client.get(f"{API}/tabs/agency/{agency_id}/statistics", auth=auth)
        shaped = bridge.client.get(f"{API}/tabs/agency/{agency_id}/statistics?shape=plugin", auth=auth)
        assert shaped.status_code == plain.status_code
        if plain.status_code != 200:  # refusals are the same refusals: the fast path falls back
            assert shaped.json()["code"] == plain.json()["code"]
            continue
        numbers = plain.json()
        assert shaped.json() == {
            **numbers,
            "html": agency_statistics_html(numbers["customer_count"], numbers["branch_count"]),
        }


def test_other_shapes_and_entities_are_refused(bridge, demo_logins) -> None:
    auth = demo_logins["admin"].auth
    for target in ("/tabs/agency/1/statistics?shape=rows", "/tabs/division/1/statistics?shape=plugin"):
        response = bridge.client.get(API + target, auth=auth)
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "rest_invalid_param" and "shape" in response.json()["data"]["params"]
