"""``wpbridge``: serve | up | stop | migrate | check | demo | outbox | indexes | doctor.

The subcommands live in ``bridge/commands/`` (one module per concern, each with a
``register(commands)``); this module builds the parser from ``COMMANDS``, loads the settings
and runs the chosen subcommand, turning known failures into one sentence for the operator.
It is the only module that imports ``bridge.app``, and only when serving starts.

``up`` is what ``make run`` does: find or start MariaDB, create the database and schema,
load demo data into an empty database, print the demo logins, then serve.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from bridge.commands import Register, Run, demo, doctor, indexes, outbox, schema, serve, up
from bridge.commands.failures import why_it_failed
from bridge.setting_values import SettingsError
from bridge.settings import Settings
from bridge.settings_env import load_settings

if TYPE_CHECKING:
    from bridge.services import BridgeApp

# The subcommands after serve and up, in the order `wpbridge --help` lists them: a new one is its
# module's ``register`` added here.
COMMANDS: tuple[Register, ...] = (schema.register, demo.register, outbox.register, indexes.register, doctor.register)


def create_app(settings: Settings) -> BridgeApp:
    """The Sanic app, imported only once serving starts: ``<run dir>/metrics`` must be prepared
    before prometheus-client is first imported (``bridge/metrics_dir.py``)."""
    from bridge.app import create_app as assemble

    return assemble(settings)


def version() -> str:
    """The installed distribution's version (pyproject.toml's, once pip has installed it)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("wp-customer-bridge")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wpbridge",
        description="WP Customer bridge: a WordPress-compatible REST and DataTables service over the WP Customer "
        "plugin's tables. Settings come from BRIDGE_* environment variables (and BRIDGE_CONFIG's TOML file); "
        "runtime files go under BRIDGE_RUN_DIR (default: .run in the working directory).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve.register(commands, create_app)
    up.register(commands, create_app)
    for register in COMMANDS:
        register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    standalone: Callable[[], int] | None = getattr(args, "standalone", None)
    if standalone is not None:  # doctor: it reports a bad setting as one of its checks
        return standalone()
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"wpbridge: bad setting: {exc}", file=sys.stderr)
        return 2
    run: Run = args.func
    try:
        return run(settings, args)
    except Exception as exc:
        reason = why_it_failed(exc, settings)
        if reason is None:
            raise
        print(f"wpbridge: {reason}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    # Run this module's functions under their own name, not __main__'s: the worker processes
    # unpickle the app factory (bridge.cli.create_app) by that name.
    from bridge.cli import main as cli_main

    sys.exit(cli_main())
