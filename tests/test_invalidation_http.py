"""``POST /cache/invalidate`` on WordPress's behalf evicts what the bridge's own write of the same
entity evicts (the map itself is tested alone in tests/unit/test_invalidation.py)."""

from __future__ import annotations

import textwrap

from bridge.demo import demo_application_passwords
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.datatables import datatable
from tests.support.paths import API

TALLY_PLUGIN = '''
"""Keeps a number derived from the employees in the customers cache group, as a plugin may."""
from bridge.cache import remember
from bridge.services import services


def register(registry):
    async def tally(response, model, request):
        svc = services(request)

        async def count():
            return int(await svc.db.fetch_val(f"SELECT COUNT(*) FROM {registry.names.employees}"))

        response["employee_tally"] = await remember(svc.cache, "test:tally", count, ttl=300, group="customers")
        return response

    registry.hooks.add_filter("wpapp_datatable_customers_response", tally)
'''


def test_employee_invalidation_evicts_what_an_employee_write_evicts(make_database, start_bridge, tmp_path) -> None:
    """WordPress deleting an employee and reporting ``{"entity": "employee"}`` makes a value
    cached in the customers group stale, as the bridge's own employee write does (the customers
    show ``employee_count``); it used to evict the employees group only."""
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "5", "--seed", "1")
    folder = tmp_path / "tally"
    folder.mkdir()
    (folder / "tally.py").write_text(textwrap.dedent(TALLY_PLUGIN))
    server = start_bridge(url, {"BRIDGE_HOOKS_PATH": str(folder)})
    auth = ("admin", demo_application_passwords(1)["admin"])
    before = datatable(server.client, "customers", auth)["employee_tally"]
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("DELETE FROM wp_app_customer_employees ORDER BY id DESC LIMIT 1")
    conn.close()
    assert datatable(server.client, "customers", auth)["employee_tally"] == before  # cached; nobody told the bridge
    told = server.client.post(f"{API}/cache/invalidate", json={"entity": "employee", "id": 1}, auth=auth)
    assert told.status_code == 200
    assert {"customers", "employees", "principals", "statistics", "relations"} <= set(told.json()["evicted"])
    assert datatable(server.client, "customers", auth)["employee_tally"] == before - 1
