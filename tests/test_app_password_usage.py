"""Application Passwords' last_used / last_ip over real HTTP on a database of its own: recorded as
WordPress records them (at most once a day per password), written back so that PHP's own
``unserialize`` reads it, and left alone by concurrent logins."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bridge.wordpress import php_dumps, php_loads
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.server import BridgeServer

pytestmark = pytest.mark.skipif(shutil.which("php") is None, reason="needs the php command line")


@pytest.fixture(scope="module")
def site(make_database: Callable, start_bridge: Callable) -> tuple[Any, BridgeServer, dict[str, str]]:
    from bridge.demo import demo_application_passwords

    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "3")
    return url, start_bridge(url), demo_application_passwords(seed=1)


def meta(url: Any, login: str) -> str:
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT m.meta_value FROM wp_usermeta m JOIN wp_users u ON u.ID = m.user_id "
                "WHERE u.user_login = %s AND m.meta_key = '_application_passwords'",
                [login],
            )
            return str(cur.fetchone()["meta_value"])
    finally:
        conn.close()


def set_meta(url: Any, login: str, value: str) -> None:
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "UPDATE wp_usermeta m JOIN wp_users u ON u.ID = m.user_id SET m.meta_value = %s "
                "WHERE u.user_login = %s AND m.meta_key = '_application_passwords'",
                [value, login],
            )
        conn.commit()
    finally:
        conn.close()


def php_unserialize(value: str) -> Any:
    """What WordPress reads: PHP's own unserialize, as JSON (false when PHP cannot read it)."""
    out = subprocess.run(
        ["php", "-r", "echo json_encode(unserialize(stream_get_contents(STDIN)));"],
        input=value.encode(),
        capture_output=True,
        check=True,
    )
    return json.loads(out.stdout)


def with_last_used(value: str, last_used: int | None, last_ip: str | None) -> str:
    items = php_loads(value)
    assert isinstance(items, dict)
    for item in items.values():
        item.update(last_used=last_used, last_ip=last_ip)
    return php_dumps(items)


def test_a_login_records_last_used_and_ip_that_php_reads(site: tuple[Any, BridgeServer, dict[str, str]]) -> None:
    """A first login sets last_used (now) and last_ip (the client's address) on the password it
    used; PHP unserializes the result into the same list with every other key unchanged."""
    url, server, passwords = site
    before = php_unserialize(meta(url, "andi_budi"))
    assert before[0]["last_used"] is None
    started = int(time.time())
    assert (
        server.client.get("/wp-json/wp-customer/v1/users/me", auth=("andi_budi", passwords["andi_budi"])).status_code
        == 200
    )
    after = php_unserialize(meta(url, "andi_budi"))
    assert started <= after[0]["last_used"] <= int(time.time()) + 1
    assert after[0]["last_ip"] == "127.0.0.1"
    assert {k: v for k, v in after[0].items() if k not in ("last_used", "last_ip")} == {
        k: v for k, v in before[0].items() if k not in ("last_used", "last_ip")
    }


def test_usage_is_recorded_at_most_once_a_day(site: tuple[Any, BridgeServer, dict[str, str]]) -> None:
    """A use within a day of the last one writes nothing; one a day later writes again."""
    url, server, passwords = site
    hour_ago = int(time.time()) - 3600
    set_meta(url, "demo_employee", with_last_used(meta(url, "demo_employee"), hour_ago, "10.0.0.1"))
    auth = ("demo_employee", passwords["demo_employee"])
    assert server.client.get("/wp-json/wp-customer/v1/users/me", auth=auth).status_code == 200
    assert php_unserialize(meta(url, "demo_employee"))[0]["last_used"] == hour_ago
    two_days_ago = int(time.time()) - 2 * 86400
    set_meta(url, "demo_branch_admin", with_last_used(meta(url, "demo_branch_admin"), two_days_ago, "10.0.0.1"))
    auth = ("demo_branch_admin", passwords["demo_branch_admin"])
    assert server.client.get("/wp-json/wp-customer/v1/users/me", auth=auth).status_code == 200
    item = php_unserialize(meta(url, "demo_branch_admin"))[0]
    assert item["last_used"] > two_days_ago + 86400 and item["last_ip"] == "127.0.0.1"


def test_concurrent_first_logins_write_one_valid_value(site: tuple[Any, BridgeServer, dict[str, str]]) -> None:
    """Many simultaneous first logins with the same password (each a full check: distinct
    clients, nothing cached yet) leave one readable list, recorded once, nothing lost."""
    url, server, passwords = site
    before = php_unserialize(meta(url, "demo_subscriber"))
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def login() -> None:
        with httpx.Client(base_url=server.base, timeout=30) as client:
            barrier.wait()
            r = client.get("/wp-json/wp-customer/v1/users/me", auth=("demo_subscriber", passwords["demo_subscriber"]))
            statuses.append(r.status_code)

    threads = [threading.Thread(target=login) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    after = php_unserialize(meta(url, "demo_subscriber"))
    assert len(after) == len(before) and after[0]["uuid"] == before[0]["uuid"]
    assert isinstance(after[0]["last_used"], int) and after[0]["last_ip"] == "127.0.0.1"
