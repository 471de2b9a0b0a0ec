"""``wpbridge outbox``: the lifecycle events still waiting to be delivered to WordPress."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bridge.commands import at_least_one, connect, table_names
from bridge.settings import Settings

if TYPE_CHECKING:
    from bridge.commands import Subcommands


def register(commands: Subcommands) -> None:
    outbox = commands.add_parser(
        "outbox",
        help="show the events waiting to be delivered to WordPress",
        description="Show the lifecycle events waiting in the outbox for delivery to BRIDGE_EVENTS_URL.",
    )
    outbox.add_argument("--limit", type=at_least_one, default=20, help="how many pending events to list (oldest first)")
    outbox.set_defaults(func=cmd_outbox)


def cmd_outbox(settings: Settings, args: argparse.Namespace) -> int:
    from bridge.outbox import pending_report

    conn = connect(settings)
    try:
        print(pending_report(conn, table_names(settings), settings, limit=args.limit))
    finally:
        conn.close()
    return 0
