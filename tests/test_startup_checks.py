"""Start-up checks: a bridge refuses to start on a table missing a required column, naming it,
and ``wpbridge check`` reports the layout it found."""

from __future__ import annotations

from collections.abc import Callable

from bridge.settings import DatabaseURL
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.server import BridgeServer


def test_refuses_to_start_naming_a_missing_required_column(
    make_database: Callable[[], DatabaseURL], start_bridge: Callable[..., BridgeServer]
) -> None:
    url = make_database()
    run_cli(url, "migrate")
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("ALTER TABLE wp_app_customer_employees DROP COLUMN status")
    conn.close()
    server = start_bridge(url, wait=False)
    server.process.wait(30)
    assert server.process.returncode != 0
    assert "wp_app_customer_employees is missing required columns: status" in server.log()
    check = run_cli(url, "check", check=False)
    assert check.returncode == 1 and "status" in check.stderr


def test_cli_check_reports_the_layout(empty_site: DatabaseURL) -> None:
    out = run_cli(empty_site, "check").stdout
    assert "layout real" in out and "OK: every required column is present" in out
