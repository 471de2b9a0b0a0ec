"""A bounded property-based run (schemathesis) over every operation of /openapi.json, as an
administrator, a customer owner and a logged-out visitor: no 5xx, no response outside its schema."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bridge.demo import demo_application_passwords
from bridge.settings import DatabaseURL
from tests.support.cli import run_cli
from tests.support.server import BridgeServer

CHECKS = "not_a_server_error,response_schema_conformance"


@pytest.fixture(scope="module")
def fuzzed(make_database: Callable[[], DatabaseURL], start_bridge: Callable[..., BridgeServer]) -> BridgeServer:
    """Its own small site: the fuzzer writes and deletes, so it must not share the demo database."""
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "4", "--seed", "1")
    return start_bridge(url)


@pytest.mark.parametrize("login", ["admin", "andi_budi", None])
def test_fuzzing_every_operation_finds_no_server_error_and_no_schema_break(
    fuzzed: BridgeServer, login: str | None, tmp_path: Path
) -> None:
    """Three generated cases per operation (valid and invalid), well under a minute per caller."""
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{fuzzed.base}/openapi.json",
        "--checks",
        CHECKS,
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        "3",
        "--seed",
        "1",
        "--no-shrink",
        "--max-failures",
        "5",
        "--exclude-path-regex",
        "^/docs",
        "--report-dir",
        str(tmp_path),
    ]
    if login is not None:
        command += ["--auth", f"{login}:{demo_application_passwords(seed=1)[login]}"]
    started = time.monotonic()
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )  # its cache stays out of the repository
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert elapsed < 60, f"the bounded run took {elapsed:.0f}s"
