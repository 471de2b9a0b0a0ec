"""``wpbridge migrate`` and ``wpbridge check``: create the missing tables; show and check the live columns."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bridge.commands import connect, table_names
from bridge.settings import Settings

if TYPE_CHECKING:
    from bridge.commands import Subcommands


def register(commands: Subcommands) -> None:
    migrate = commands.add_parser(
        "migrate",
        help="create missing tables (never alters existing ones)",
        description="Create the tables the bridge reads that do not exist yet; existing tables are never altered.",
    )
    migrate.add_argument(
        "--layout",
        choices=("real", "documented"),
        default="real",
        help="the plugin tables' layout: the real one of WP Customer 1.0.12, or the one its docs describe (default: real)",
    )
    migrate.set_defaults(func=cmd_migrate)
    check = commands.add_parser(
        "check",
        help="show the plugin tables' columns and check the required ones",
        description="Show the live columns of the plugin's tables; exit non-zero when a required one is missing.",
    )
    check.set_defaults(func=cmd_check)


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from bridge.devdb import ensure_database
    from bridge.migrate import migrate

    ensure_database(settings.database_url)
    conn = connect(settings)
    try:
        created = migrate(conn, table_names(settings), layout=args.layout)
    finally:
        conn.close()
    print("created: " + ", ".join(created) if created else "schema is up to date; nothing created")
    return 0


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    from bridge.schema import SchemaError, check_required, introspect

    conn = connect(settings)
    try:
        info = introspect(conn, table_names(settings))
    finally:
        conn.close()
    print(f"database {settings.database_url}, prefix {settings.table_prefix!r}, layout {info.layout}")
    print(info.describe())
    try:
        check_required(info)
    except SchemaError as exc:
        print(f"NOT OK: {exc}", file=sys.stderr)
        return 1
    print("OK: every required column is present")
    return 0
