"""``wpbridge indexes``: list (and with ``--apply`` create) the indexes the bridge's queries need
(the indexes themselves are in ``bridge/indexes.py``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bridge.commands import connect, table_names
from bridge.settings import Settings

if TYPE_CHECKING:
    from bridge.commands import Subcommands


def register(commands: Subcommands) -> None:
    indexes = commands.add_parser(
        "indexes",
        help="list the indexes the bridge's queries need; --apply creates the missing ones",
        description="List the indexes the bridge's queries need and whether each exists.",
    )
    indexes.add_argument("--apply", action="store_true", help="create the missing indexes (idempotent)")
    indexes.set_defaults(func=cmd_indexes)


def cmd_indexes(settings: Settings, args: argparse.Namespace) -> int:
    from bridge.indexes import run
    from bridge.schema import introspect

    conn = connect(settings)
    try:
        names = table_names(settings)
        return run(conn, names, introspect(conn, names), apply=args.apply)
    finally:
        conn.close()
