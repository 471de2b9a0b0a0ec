"""Exporting 100,000 customers keeps the bridge's memory flat, in CSV and in XLSX.

100,000 rows are added with MariaDB's sequence engine (seconds, where the demo generator takes
minutes); the bridge's processes' resident memory is sampled while the file streams, and its
growth must stay far below what holding the rows would cost (~150 MB of row dicts).
"""

from __future__ import annotations

import csv
import io
import threading
import time
from pathlib import Path
from typing import Any

import openpyxl

from bridge.demo import demo_application_passwords
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.datatables import dt_params
from tests.support.paths import API

ROWS = 100_000  # exactly BRIDGE_EXPORT_MAX_ROWS's default: 10 demo customers and 99,990 more
GROWTH_LIMIT_MB = 60


def descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() else []
            pending += [int(c) for c in children]
    return found


def rss_mb(pid: int) -> float:
    total = 0
    for p in descendants(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def download(bridge: Any, auth: Any, fmt: str) -> tuple[bytes, float]:
    """The file, and the peak growth of the bridge's memory while it streamed."""
    pid = bridge.process.pid
    base = rss_mb(pid)
    peak = [base]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        columns = [{"data": "code", "name": "Code"}, {"data": "name", "name": "Name"}, {"data": "status"}]
        params = {**dt_params(columns, **{"order[0][column]": 1, "order[0][dir]": "desc"}), "format": fmt}
        r = bridge.client.get(f"{API}/datatables/customers/export", params=params, auth=auth, timeout=300)
    finally:
        done.set()
        sampler.join()
    assert r.status_code == 200, r.text[:500]
    return r.content, peak[0] - base


def test_100k_rows_stream_with_flat_memory(make_database: Any, start_bridge: Any) -> None:
    """Every row arrives once, in order, while the bridge grows by far less than the rows' size."""
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "10", "--seed", "1")
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO wp_app_customers (code, name, status, user_id, created_by) "
            f"SELECT CONCAT('E', seq), CONCAT('PT Ekspor ', LPAD(seq, 6, '0')), IF(seq % 3, 'active', 'inactive'), NULL, 1 "
            f"FROM seq_1_to_{ROWS - 10}"
        )
    conn.close()
    password = demo_application_passwords(seed=1)["admin"]
    bridge = start_bridge(url)
    body, grew = download(bridge, ("admin", password), "csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == ROWS + 1
    names = [r[1] for r in rows[1:]]
    ekspor = [n for n in names if n.startswith("PT Ekspor ")]
    assert (
        ekspor == sorted(ekspor, reverse=True)
        and ekspor[0] == "PT Ekspor 099990"
        and len({r[0] for r in rows[1:]}) == ROWS
    )
    assert grew < GROWTH_LIMIT_MB, f"CSV export grew the bridge by {grew:.0f} MB"
    body, grew = download(bridge, ("admin", password), "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    assert sheet is not None and sum(1 for _ in sheet.iter_rows(values_only=True)) == ROWS + 1
    assert grew < GROWTH_LIMIT_MB, f"XLSX export grew the bridge by {grew:.0f} MB"
