"""A Python client generated from /openapi.json by a third-party generator
(openapi-python-client) works against the bridge: it lists customers, pages with the
headers and creates a branch."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bridge.demo import demo_application_passwords
from bridge.settings import DatabaseURL
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.server import BridgeServer

PACKAGE = "wp_customer_bridge_client"


@pytest.fixture(scope="module")
def database(make_database: Callable[[], DatabaseURL]) -> DatabaseURL:
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "12", "--seed", "1")
    return url


@pytest.fixture(scope="module")
def site(database: DatabaseURL, start_bridge: Callable[..., BridgeServer]) -> BridgeServer:
    return start_bridge(database)


def free_regency(database: DatabaseURL, customer_id: int, province_id: int) -> int:
    """A regency of the customer's province where it has no branch yet (one branch per regency)."""
    conn = connect(database)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT r.id FROM wp_wi_regencies r WHERE r.province_id = %s AND r.id NOT IN "
            "(SELECT b.regency_id FROM wp_app_customer_branches b WHERE b.customer_id = %s AND b.regency_id IS NOT NULL) "
            "ORDER BY r.id LIMIT 1",
            [province_id, customer_id],
        )
        row = cur.fetchone()
    conn.close()
    return int(row["id"])


@pytest.fixture(scope="module")
def generated(site: BridgeServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], ModuleType]]:
    """The client package generated into a temporary folder, importable for the test."""
    tmp = tmp_path_factory.mktemp("client")
    spec = tmp / "openapi.json"
    spec.write_bytes(site.client.get("/openapi.json").content)
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("openapi-python-client")),
            "generate",
            "--path",
            str(spec),
            "--meta",
            "none",
        ],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(tmp))
    yield lambda name: importlib.import_module(f"{PACKAGE}.{name}")
    sys.path.remove(str(tmp))
    for module in [m for m in sys.modules if m.startswith(PACKAGE)]:
        del sys.modules[module]


def _client(site: BridgeServer, load: Callable[[str], ModuleType], login: str) -> Any:
    password = demo_application_passwords(seed=1)[login]
    return load("client").Client(base_url=site.base, httpx_args={"auth": (login, password)})


def test_generated_client_lists_customers_and_pages_with_the_headers(
    site: BridgeServer, generated: Callable[[str], ModuleType]
) -> None:
    """Page 1 and page 2 of 5 customers, the total read from X-WP-Total, the next page from Link."""
    client = _client(site, generated, "admin")
    list_customers = generated("api.customers.list_customers")
    first = list_customers.sync_detailed(client=client, per_page=5, page=1)
    assert first.status_code == 200 and len(first.parsed) == 5
    total = int(first.headers["X-WP-Total"])
    assert total == 12 and int(first.headers["X-WP-TotalPages"]) == 3
    assert 'rel="next"' in first.headers["Link"]
    second = list_customers.sync_detailed(client=client, per_page=5, page=2)
    ids = [c.id for c in first.parsed] + [c.id for c in second.parsed]
    assert len(set(ids)) == 10


def test_generated_client_creates_a_branch(
    site: BridgeServer, database: DatabaseURL, generated: Callable[[str], ModuleType]
) -> None:
    """The create body model carries the schema's fields; the answer is a 201 with Location."""
    client = _client(site, generated, "admin")
    customer = generated("api.customers.list_customers").sync(client=client, per_page=1)[0]
    kind = generated("models.branch_create_type").BranchCreateType.CABANG
    body = generated("models.branch_create").BranchCreate(
        customer_id=customer.id,
        name="Cabang Generated",
        type_=kind,
        provinsi_id=customer.provinsi_id,
        regency_id=free_regency(database, customer.id, customer.provinsi_id),
    )
    created = generated("api.branches.create_branches").sync_detailed(client=client, body=body)
    assert created.status_code == 201, created.content
    assert created.parsed.name == "Cabang Generated" and created.parsed.customer_id == customer.id
    assert created.headers["Location"].endswith(f"/branches/{created.parsed.id}")
