"""``wpbridge demo``: deterministic demo data in an empty database, and the logins to try it with."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bridge.commands import at_least_one, connect, local_url, table_names
from bridge.settings import Settings

if TYPE_CHECKING:
    from bridge.commands import Subcommands
    from bridge.demo import DemoResult


def register(commands: Subcommands) -> None:
    demo = commands.add_parser(
        "demo",
        help="load deterministic demo data into an empty database",
        description="Load deterministic demo data (customers, branches, employees, agencies, users with "
        "application passwords) into an empty database and print the logins.",
    )
    demo_options(demo)
    demo.set_defaults(func=cmd_demo)


def demo_options(command: argparse.ArgumentParser) -> None:
    """``--customers`` and ``--seed``, shared with ``wpbridge up``."""
    command.add_argument(
        "--customers", type=at_least_one, default=200, help="how many demo customers to create (default: 200)"
    )
    command.add_argument(
        "--seed", type=int, default=1, help="the random seed: the same seed gives the same data (default: 1)"
    )


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from bridge.demo import DemoError, format_logins

    try:
        result = load_demo(settings, args.customers, args.seed)
    except DemoError as exc:
        print(f"wpbridge demo: {exc}", file=sys.stderr)
        return 1
    print(format_logins(result, local_url(settings)))
    return 0


def load_demo(settings: Settings, customers: int, seed: int) -> DemoResult:
    from bridge.demo import generate
    from bridge.schema import introspect

    conn = connect(settings)
    try:
        names = table_names(settings)
        return generate(conn, names, introspect(conn, names), customers=customers, seed=seed)
    finally:
        conn.close()
