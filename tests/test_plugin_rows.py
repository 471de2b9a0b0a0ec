"""The plugin's row shape (``?shape=plugin``) rendered by the bridge is byte for byte what PHP renders.

``tests/vectors/plugin_rows.php`` is the shim's former PHP renderer (the plugin controllers' rows)
running on WordPress 6.1's own ``esc_html``/``esc_attr`` from Debian's ``wordpress`` package; the
bridge's ``bridge/plugin_rows.py`` and ``bridge/wp_escape.py`` must agree with it on hostile text
and on every row the bridge serves (issue 17 §3).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bridge import plugin_rows
from bridge.wp_escape import esc_html
from tests.support.datatables import datatable
from tests.support.logins import Login
from tests.support.server import BridgeServer
from tests.support.wordpress_site import require_tools

PHP_SCRIPT = Path(__file__).parent / "vectors" / "plugin_rows.php"

HOSTILE = [
    "",
    "plain",
    'PT <script>alert("x")</script> & Co',
    "O'Brien",
    "a & b && c",
    "&amp; &lt; &gt; &quot; &#039; &apos; &nbsp; &eacute; &Eacute; &hellip; &euro;",
    "&garbage; &AMP; &amp &#; &#x; &#65 &x41;",
    "&#0065; &#65; &#00000000065; &#x41; &#X0041; &#x0000041; &#xD800; &#1114112; &#99999999; &#0;",
    "&#9; &#10; &#13; &#31; &#xFFFE; &#x10FFFF; &#x110000;",
    "<b>bold</b> \"quoted\" 'single' `tick`",
    "émoji 😀 ümlaut ß 日本",
    "&sup2; &sup3x; &frac14; &frac14x; &there4;",
    "tab\there\nnew line\r\n",
    "javascript:alert(1)",
]
PERMISSIONS = [
    {"view": True, "edit": True, "delete": True},
    {"view": True, "edit": False, "delete": False},
    {"view": False, "edit": True, "delete": False},
    {"view": "yes", "edit": 1, "delete": None},
    {},
]


def php_render(rows: dict[str, list[dict[str, Any]]], strings: list[str]) -> dict[str, Any]:
    """What the PHP renderer makes of ``rows`` and what WordPress's esc_html makes of ``strings``."""
    require_tools("php-cli", "wordpress")
    result = subprocess.run(
        ["php", str(PHP_SCRIPT)],
        input=json.dumps({"rows": rows, "strings": strings}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def hostile_rows() -> dict[str, list[dict[str, Any]]]:
    """Rows of each table with hostile text in every text column and every kind of permissions."""
    customers, branches, employees = [], [], []
    for i, text in enumerate(HOSTILE):
        permissions = PERMISSIONS[i % len(PERMISSIONS)]
        customers.append(
            {
                "id": i + 1,
                "code": text,
                "name": text[::-1],
                "owner_name": [None, "", text][i % 3],
                "branch_count": [3, "7", None, True][i % 4],
                "permissions": permissions,
            }
        )
        branches.append(
            {
                "id": str(i + 1),
                "code": text,
                "name": text,
                "admin_name": ["  ", None, text][i % 3],
                "type": ["pusat", "cabang", text][i % 3],
                "permissions": permissions,
            }
        )
        employees.append(
            {
                "id": i + 1,
                "name": text,
                "position": text,
                "email": text,
                "branch_name": text,
                "status": ["active", "inactive", text][i % 3],
                "finance": [True, False, 1, "0"][i % 4],
                "operation": [False, True, 0, "1"][i % 4],
                "legal": [None, True, "", 1][i % 4],
                "purchase": [True, True, False, 0][i % 4],
                "permissions": permissions,
            }
        )
    return {"customers": customers, "branches": branches, "employees": employees}


def test_esc_html_is_wordpress_esc_html() -> None:
    """Entities WordPress accepts are kept (normalised), everything else is escaped: same bytes as PHP."""
    strings = [*HOSTILE, *(f"&{name};" for name in sorted(plugin_rows_names()))]
    assert [esc_html(s) for s in strings] == php_render({"customers": [], "branches": [], "employees": []}, strings)[
        "strings"
    ]


def plugin_rows_names() -> frozenset[str]:
    from bridge.wp_escape import ALLOWED_ENTITY_NAMES

    return ALLOWED_ENTITY_NAMES


def test_rows_with_hostile_text_render_as_php_renders_them() -> None:
    """Every table's rows — escaped text, '-' placeholders, buttons by permissions, badges, the
    status toggle — are the PHP renderer's, key order included."""
    rows = hostile_rows()
    expected = php_render(rows, [])["rows"]
    for table, render in plugin_rows.RENDERERS.items():
        mine = [render(row) for row in rows[table]]
        assert [list(r) for r in mine] == [list(r) for r in expected[table]], table
        assert mine == expected[table], table


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_shape_plugin_over_http_is_the_php_rendering_of_the_same_rows(
    bridge: BridgeServer, demo_logins: dict[str, Login], method: str
) -> None:
    """Row by row, the bridge's ``shape=plugin`` answer equals PHP's rendering of the rows the bridge
    answers without it, for every table and for a user who may edit and one who may only view."""
    columns = {
        "customers": ["code", "name", "owner_name", "branch_count", "actions"],
        "branches": ["code", "name", "admin_name", "type", "actions"],
        "employees": ["name", "department", "branch_name", "status", "actions"],
    }
    for login in ("admin", "andi_budi"):
        auth = demo_logins[login].auth
        raw: dict[str, list[dict[str, Any]]] = {}
        shaped: dict[str, dict[str, Any]] = {}
        for table, names in columns.items():
            cols = [{"data": n} for n in names]
            extra = {} if table == "customers" else {"customer_id": 1}
            raw[table] = datatable(bridge.client, table, auth, method, columns=cols, length=-1, **extra)["data"]
            shaped[table] = datatable(
                bridge.client, table, auth, method, columns=cols, length=-1, shape="plugin", **extra
            )
        expected = php_render(raw, [])["rows"]
        for table in columns:
            assert raw[table], f"{login} sees no {table}: nothing compared"
            assert shaped[table]["data"] == expected[table], (login, table)
            assert "error" not in shaped[table]


def test_shape_plugin_refusals_are_in_band(bridge: BridgeServer, demo_logins: dict[str, Login]) -> None:
    """Another shape is a DataTables error (the plugin shape of a table no plugin draws:
    tests/test_plugins.py, whose bridge has one)."""
    auth = demo_logins["admin"].auth
    body = datatable(bridge.client, "customers", auth, columns=[{"data": "code"}], shape="rows")
    assert body["data"] == [] and "shape must be plugin" in body["error"]
