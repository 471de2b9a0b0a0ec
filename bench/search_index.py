"""S2 cold with the search index against LIKE alone, in one run (``python -m bench.search_index``).

On a demo database (``BENCH_SEARCH_DB``: an existing one's URL; else a fresh one of
``BENCH_SCALES``' largest size, dropped afterwards unless ``BENCH_KEEP_DB``): the B-tree
indexes are applied (the bench's "indexed" phase), the search index is built (time and size
reported), then S2 cold rounds alternate between the index ready and the index marked
``building`` — the state in which the bridge must answer by LIKE alone. Same bridge, same
data, same buffer pool: the ratio is the index's effect.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from bench import cold
from bench.config import BenchConfig
from bench.scenarios import basic_auth, context, scenarios
from bench.stack import Bridge, cli, connect, drop_database, fresh_database
from bridge.schema import TableNames
from bridge.search_index import build
from bridge.search_index.schema import STATE_KEY, IndexTables
from bridge.settings import DatabaseURL, parse_database_url


def _status(url: DatabaseURL, status: str) -> None:
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            tables = IndexTables.for_names(TableNames.for_prefix("wp_"))
            cur.execute(f"UPDATE `{tables.state}` SET status = %s WHERE name = %s", (status, STATE_KEY))
        conn.commit()
    finally:
        conn.close()


def main() -> None:
    cfg = BenchConfig()
    given = os.environ.get("BENCH_SEARCH_DB", "").strip()
    server = parse_database_url(os.environ.get("BRIDGE_DATABASE_URL", "mysql://root@127.0.0.1:3306/x"))
    if given:
        url, fresh = parse_database_url(given), False
    else:
        url, seconds = fresh_database(server, cfg.customers)
        fresh = True
        print(f"demo data: {cfg.customers} customers in {seconds:.0f} s")
    try:
        cli(url, "indexes", "--apply")
        names = TableNames.for_prefix("wp_")
        conn = connect(url)
        try:
            state = build.read_state(conn, IndexTables.for_names(names))
            if state is None or state.status != "ready" or os.environ.get("BENCH_SEARCH_REBUILD"):
                state = build.build(conn, names, out=lambda _: None)
            size = build.size_mb(conn, names)
        finally:
            conn.close()
        print(f"search index: built in {state.build_seconds or 0:.1f} s, {size:.0f} MB")
        ctx = context(url, cfg.customers)
        rounds = max(cfg.cold_rounds, 5)
        with tempfile.TemporaryDirectory() as run_dir, Bridge(url, 1, Path(run_dir)) as bridge:
            for sc in (s for s in scenarios(ctx) if s.id == "S2"):
                auth = basic_auth(sc.role)
                cold.one(bridge, sc.path, auth)  # warm the bridge's process, not its cache
                with_index: list[float] = []
                like_only: list[float] = []
                errors = 0
                for _ in range(3):  # alternate, so both see the same buffer pool and load
                    _status(url, "building")
                    alone = cold.run(bridge, sc.path, auth, 1, rounds, True)
                    _status(url, "ready")
                    indexed = cold.run(bridge, sc.path, auth, 1, rounds, True)
                    like_only.append(alone.p50)
                    with_index.append(indexed.p50)
                    errors += alone.errors + indexed.errors
                before, after = statistics.median(like_only), statistics.median(with_index)
                print(
                    f"{sc.key:<12} cold p50: LIKE alone {before:7.2f} ms, search index {after:7.2f} ms, "
                    f"ratio {before / after:5.1f}x  (medians of 3 x {rounds} rounds; {errors} errors)"
                )
    finally:
        if fresh and not cfg.keep_database:
            drop_database(url)
    print(f"done at {time.strftime('%H:%M:%S')}")


if __name__ == "__main__":
    main()
