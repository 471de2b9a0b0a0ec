"""``wpbridge up`` and ``wpbridge stop``: the development stack of ``make run`` / ``make stop``
(MariaDB found or started, schema, demo data, serve; then both stopped)."""

from __future__ import annotations

import argparse
import os
import signal
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from bridge.commands import connect, local_url, table_names
from bridge.commands.demo import demo_options, load_demo
from bridge.commands.pid_file import PidFile, pid_path
from bridge.commands.serve import AppFactory, prepare_metrics, serve
from bridge.settings import Settings, run_dir

if TYPE_CHECKING:
    from bridge.commands import Subcommands


def register(commands: Subcommands, app_factory: AppFactory) -> None:
    up = commands.add_parser(
        "up",
        help="find/start MariaDB, migrate, demo data if empty, serve (what `make run` does)",
        description="Find a MariaDB (BRIDGE_DATABASE_URL, else 127.0.0.1:3306, else a private one under "
        "<run dir>/mariadb), create the schema, load demo data into an empty database, print the demo logins "
        "(also written to <run dir>/demo-logins.txt), then serve.",
    )
    demo_options(up)
    up.set_defaults(func=partial(cmd_up, app_factory))
    stop = commands.add_parser(
        "stop",
        help="stop what `wpbridge up` started",
        description="Stop the bridge whose pid is in <run dir>/bridge.pid and the private MariaDB, if one was started.",
    )
    stop.set_defaults(func=cmd_stop)


def cmd_up(app_factory: AppFactory, settings: Settings, args: argparse.Namespace) -> int:
    """Find or start MariaDB, migrate, load demo data if empty, print logins, serve."""
    pid_file = PidFile(pid_path())
    pid_file.claim()  # before MariaDB, migrations and demo data: a second `make run` stops here
    prepare_metrics()
    try:
        return _up(settings, args, pid_file, app_factory)
    finally:
        pid_file.release()


def _up(settings: Settings, args: argparse.Namespace, pid_file: PidFile, app_factory: AppFactory) -> int:
    from bridge.demo import format_logins, rebase_logins
    from bridge.devdb import ensure_database, find_database
    from bridge.migrate import count_rows, migrate

    url = find_database()
    if not os.environ.get("BRIDGE_DATABASE_URL"):
        url = url.with_database(settings.database_url.database)
    settings = replace(settings, database_url=url)
    os.environ["BRIDGE_DATABASE_URL"] = url.to_url()
    ensure_database(url)
    conn = connect(settings)
    try:
        names = table_names(settings)
        created = migrate(conn, names)
        empty = count_rows(conn, names.customers) == 0
    finally:
        conn.close()
    if created:
        print(f"wpbridge: created {len(created)} tables in {url}")
    if empty:
        print(f"wpbridge: loading demo data ({args.customers} customers) …")
        result = load_demo(settings, args.customers, args.seed)
        print(format_logins(result, local_url(settings)))
        _login_file().write_text(format_logins(result, local_url(settings)))
    elif _login_file().exists():
        logins = rebase_logins(_login_file().read_text(), local_url(settings))  # BRIDGE_PORT may have changed
        _login_file().write_text(logins)
        print(logins)
    return serve(settings, pid_file, app_factory)


def _login_file() -> Path:
    path = run_dir() / "demo-logins.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def cmd_stop(settings: Settings, args: argparse.Namespace) -> int:
    """Stop what `make run` started: the bridge and the private MariaDB (if any)."""
    from bridge.devdb import stop_private

    stopped = []
    pid_file = pid_path()
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), signal.SIGINT)
            stopped.append("bridge")
        except (ValueError, ProcessLookupError):
            pass
        pid_file.unlink(missing_ok=True)
    if stop_private():
        stopped.append("private MariaDB")
    print("stopped: " + ", ".join(stopped) if stopped else "nothing to stop")
    return 0
