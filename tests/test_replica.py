"""``BRIDGE_DATABASE_READ_URL`` against a real MariaDB replica (tests/support/replication.py): reads go to
the replica, the writer reads their own writes on the primary for BRIDGE_READ_YOUR_WRITES_S,
and a stopped, lagging or dead replica makes reads fall back to the primary — said by /readyz,
/metrics and `wpbridge doctor`.

To tell which server answered, one customer's name is changed on the replica alone (a statement
that is not written to the binary log): the replica's answer carries that name, the primary's
the real one.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bridge.demo import demo_application_passwords
from tests.support.cli import run_cli
from tests.support.replication import Replication, binaries
from tests.support.server import BridgeServer

FOUND = binaries()
pytestmark = pytest.mark.skipif(
    FOUND is None, reason="MariaDB's server binaries (mariadbd, mariadb-install-db) are not installed"
)
PASSWORDS = demo_application_passwords(seed=1)
WRITER = ("admin", PASSWORDS["admin"])
READER = ("demo_platform_admin", PASSWORDS["demo_platform_admin"])
DATABASE = "wpbridge_replica"
MARKED = "Replica Only Name"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replication]:
    assert FOUND is not None
    replication = Replication.start(tmp_path_factory.mktemp("replication"), *FOUND)
    try:
        url = replication.primary.url(DATABASE)
        run_cli(url, "migrate")
        run_cli(url, "demo", "--customers", "6", "--seed", "1")
        replication.caught_up()
        yield replication
    finally:
        replication.close()


@pytest.fixture(scope="module")
def marked(pair: Replication) -> tuple[int, str]:
    """A customer whose name differs on the replica alone: (id, its real name)."""
    row = pair.primary.sql(f"SELECT id, name FROM {DATABASE}.wp_app_customers ORDER BY id LIMIT 1")[0]
    pair.replica.sql(
        "SET SESSION sql_log_bin = 0",
        f"UPDATE {DATABASE}.wp_app_customers SET name = '{MARKED}' WHERE id = {row['id']}",
    )
    return int(row["id"]), str(row["name"])


@pytest.fixture(scope="module")
def routed(pair: Replication, marked: tuple[int, str], start_bridge: Callable[..., BridgeServer]) -> BridgeServer:
    return start_bridge(
        pair.primary.url(DATABASE),
        {
            "BRIDGE_DATABASE_READ_URL": pair.replica.url(DATABASE).to_url(),
            "BRIDGE_REPLICA_MAX_LAG_S": "2",
            "BRIDGE_READ_YOUR_WRITES_S": "2",
        },
    )


def name_of(bridge: BridgeServer, customer_id: int, auth: tuple[str, str]) -> str:
    response = bridge.client.get(f"/wp-json/wp-customer/v1/customers/{customer_id}", auth=auth)
    assert response.status_code == 200, response.text
    return str(response.json()["name"])


def wait_for(check: Callable[[], bool], what: str, timeout: float = 15) -> None:
    deadline = time.time() + timeout
    while not check():
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def metric(bridge: BridgeServer, name: str) -> float:
    text = bridge.client.get("/metrics").text
    found = re.search(rf"^{re.escape(name)}(?:{{[^}}]*}})? ([0-9.e+-]+)$", text, re.M)
    assert found, f"{name} not in /metrics"
    return float(found.group(1))


def test_reads_go_to_the_replica_and_a_write_is_read_back_then_replicated(
    pair: Replication, routed: BridgeServer, marked: tuple[int, str], tmp_path: Path
) -> None:
    """A read answers from the replica (the marked name). A write through the bridge is read back
    from the primary, and its writer reads the primary (the real name) for the read-your-writes
    window while another user still reads the replica; afterwards the new row is read from the
    replica, where replication has put it; `wpbridge doctor` finds the replica ok."""
    customer_id, real = marked
    wait_for(lambda: name_of(routed, customer_id, READER) == MARKED, "reads on the replica")
    assert routed.client.get("/readyz").json()["replica"]["reads"] == "replica"
    created = routed.client.post("/wp-json/wp-customer/v1/customers", json={"name": "PT Replika Baru"}, auth=WRITER)
    assert created.status_code == 201, created.text
    new_id = int(created.json()["id"])
    assert name_of(routed, customer_id, WRITER) == real, "the writer reads the primary right after writing"
    assert name_of(routed, customer_id, READER) == MARKED, "other callers still read the replica"
    time.sleep(2.2)
    assert name_of(routed, customer_id, WRITER) == MARKED, "after the window the writer reads the replica again"
    assert name_of(routed, new_id, READER) == "PT Replika Baru", "the write reached the replica"
    assert metric(routed, "wpbridge_replica_in_use") == 1
    assert metric(routed, 'wpbridge_db_reads_total{target="replica"}') > 0
    doctor = run_cli(
        pair.primary.url(DATABASE),
        "doctor",
        env={"BRIDGE_DATABASE_READ_URL": pair.replica.url(DATABASE).to_url(), "BRIDGE_RUN_DIR": str(tmp_path)},
        check=False,
    )
    assert re.search(r"^ok\s+replica: .* takes the reads", doctor.stdout, re.M), doctor.stdout


def test_a_stopped_sql_thread_and_a_delayed_replica_make_reads_fall_back(
    pair: Replication, routed: BridgeServer, marked: tuple[int, str], tmp_path: Path
) -> None:
    """STOP SLAVE SQL_THREAD: reads go to the primary within a probe, /readyz and /metrics say so,
    `wpbridge doctor` fails the replica check; started again, reads return to the replica. A
    replica delayed by MASTER_DELAY falls more than BRIDGE_REPLICA_MAX_LAG_S behind: the same."""
    customer_id, real = marked
    wait_for(lambda: name_of(routed, customer_id, READER) == MARKED, "reads on the replica")
    pair.replica.sql("STOP SLAVE SQL_THREAD")
    try:
        wait_for(lambda: name_of(routed, customer_id, READER) == real, "reads on the primary")
        replica = routed.client.get("/readyz").json()["replica"]
        assert (replica["state"], replica["reads"]) == ("stopped", "primary"), replica
        assert metric(routed, "wpbridge_replica_in_use") == 0
        doctor = run_cli(
            pair.primary.url(DATABASE),
            "doctor",
            env={"BRIDGE_DATABASE_READ_URL": pair.replica.url(DATABASE).to_url(), "BRIDGE_RUN_DIR": str(tmp_path)},
            check=False,
        )
        assert re.search(r"^FAIL\s+replica: .* is stopped", doctor.stdout, re.M), doctor.stdout
        assert "START REPLICA" in doctor.stdout
    finally:
        pair.replica.sql("START SLAVE SQL_THREAD")
    wait_for(lambda: name_of(routed, customer_id, READER) == MARKED, "reads back on the replica")

    pair.replica.sql("STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 60", "START SLAVE")
    try:
        pair.primary.sql(f"INSERT INTO {DATABASE}.wp_options (option_name, option_value) VALUES ('replica_probe', '1')")
        wait_for(lambda: name_of(routed, customer_id, READER) == real, "reads on the primary while delayed")
        replica = routed.client.get("/readyz").json()["replica"]
        assert (replica["state"], replica["reads"]) == ("lagging", "primary"), replica
        assert replica["lag_seconds"] > 2
        assert metric(routed, "wpbridge_replica_lag_seconds") > 2
    finally:
        pair.replica.sql("STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 0", "START SLAVE")
    pair.caught_up()
    wait_for(lambda: name_of(routed, customer_id, READER) == MARKED, "reads back on the replica")


def test_a_replica_that_goes_away_makes_reads_fall_back_until_it_is_back(
    pair: Replication, routed: BridgeServer, marked: tuple[int, str]
) -> None:
    """The replica's server stops: reads keep answering 200, from the primary, and /readyz stays
    ready while it names the replica down; started again, the reads return to it."""
    customer_id, real = marked
    wait_for(lambda: name_of(routed, customer_id, READER) == MARKED, "reads on the replica")
    pair.replica.stop()
    try:
        assert name_of(routed, customer_id, READER) == real, "a failed replica read is retried on the primary"
        ready = routed.client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["replica"]["state"] == "down", ready.text
    finally:
        pair.restart_replica()
    wait_for(lambda: name_of(routed, customer_id, READER) == MARKED, "reads back on the replica", timeout=30)
    with httpx.Client(base_url=routed.base) as client:
        assert client.get("/readyz").json()["replica"]["reads"] == "replica"


def test_readiness_is_the_primarys_while_reads_carry_on_from_the_replica(
    pair: Replication, routed: BridgeServer, marked: tuple[int, str]
) -> None:
    """The primary stops: /readyz answers 503 (writes cannot be taken) although the replica
    answers, and reads still come from the replica; with the primary back, /readyz is 200."""
    customer_id, _ = marked
    wait_for(lambda: name_of(routed, customer_id, READER) == MARKED, "reads on the replica")
    pair.primary.stop()
    try:
        assert routed.client.get("/readyz").status_code == 503
        assert name_of(routed, customer_id, READER) == MARKED
    finally:
        pair.primary.start(pair.server, pair.install)
    wait_for(lambda: routed.client.get("/readyz").status_code == 200, "the primary back")
