"""``wpbridge indexes``: list (and with ``--apply`` create) the indexes the bridge's queries need
(the indexes themselves are in ``bridge/indexes.py``); ``--search build|refresh|drop`` manages the
optional trigram index of the customers search (``bridge/search_index/``)."""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from bridge.commands import connect, table_names
from bridge.settings import Settings

if TYPE_CHECKING:
    import pymysql

    from bridge.commands import Subcommands
    from bridge.schema import TableNames


def register(commands: Subcommands) -> None:
    indexes = commands.add_parser(
        "indexes",
        help="list the indexes the bridge's queries need; --apply creates the missing ones",
        description="List the indexes the bridge's queries need and whether each exists, and the "
        "state of the optional search index.",
    )
    indexes.add_argument("--apply", action="store_true", help="create the missing indexes (idempotent)")
    indexes.add_argument(
        "--search",
        choices=("build", "refresh", "drop"),
        help="the customers search index (bridge-owned tables): build it from scratch, refresh what "
        "changed since its last pass, or drop it (searches then use LIKE alone)",
    )
    indexes.set_defaults(func=cmd_indexes)


def cmd_indexes(settings: Settings, args: argparse.Namespace) -> int:
    from bridge.indexes import run
    from bridge.schema import introspect

    conn = connect(settings)
    try:
        names = table_names(settings)
        code = run(conn, names, introspect(conn, names), apply=args.apply)
        search(conn, names, args.search)
        return code
    finally:
        conn.close()


def search(conn: pymysql.connections.Connection, names: TableNames, action: str | None) -> None:
    """Run ``action`` on the search index, then print its state."""
    from bridge.search_index import build

    began = time.perf_counter()
    if action == "build":
        build.build(conn, names)
        print(f"search index built in {time.perf_counter() - began:.1f} s")
    elif action == "refresh":
        done = build.refresh(conn, names)
        if done is None:
            print("search index: not built; `wpbridge indexes --search build` builds it")
        else:
            print(
                f"search index refreshed in {time.perf_counter() - began:.1f} s ({max(done[1], 0)} customers re-indexed)"
            )
    elif action == "drop":
        dropped = build.drop(conn, names)
        print(f"dropped {', '.join(dropped) or 'nothing (no search index)'}")
        return
    from bridge.search_index.schema import IndexTables

    found = build.read_state(conn, IndexTables.for_names(names))
    if found is None:
        print("search index: not built (optional; `wpbridge indexes --search build` makes first-time searches fast)")
        return
    print(
        f"search index: {found.status}, covers {', '.join(found.columns)}; built {found.built_at} "
        f"in {found.build_seconds or 0:.1f} s, refreshed {found.refreshed_at}; {build.size_mb(conn, names):.0f} MB; "
        f"searches now: {build.verdict(conn, names)}"
    )
