"""``wpbridge``: serve | up | stop | migrate | demo | check | outbox | indexes.

``up`` is what ``make run`` does: find or start MariaDB, create the database and schema,
load demo data into an empty database, print the demo logins, then serve.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from functools import partial
from pathlib import Path

import pymysql

from bridge.settings import Settings, SettingsError, load_settings


def _connect(settings: Settings) -> pymysql.connections.Connection:
    return pymysql.connect(autocommit=True, **settings.database_url.connect_kwargs())


def _names(settings: Settings):
    from bridge.schema import TableNames

    return TableNames.for_prefix(settings.table_prefix, settings.base_prefix)


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from bridge.devdb import ensure_database
    from bridge.schema import migrate

    ensure_database(settings.database_url)
    conn = _connect(settings)
    try:
        created = migrate(conn, _names(settings), layout=args.layout)
    finally:
        conn.close()
    print("created: " + ", ".join(created) if created else "schema is up to date; nothing created")
    return 0


def _demo(settings: Settings, customers: int, seed: int):
    from bridge.demo import generate
    from bridge.schema import introspect

    conn = _connect(settings)
    try:
        names = _names(settings)
        return generate(conn, names, introspect(conn, names), customers=customers, seed=seed)
    finally:
        conn.close()


def _base_url(settings: Settings) -> str:
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    return f"http://{host}:{settings.port}"


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from bridge.demo import DemoError, format_logins

    try:
        result = _demo(settings, args.customers, args.seed)
    except DemoError as exc:
        print(f"wpbridge demo: {exc}", file=sys.stderr)
        return 1
    print(format_logins(result, _base_url(settings)))
    return 0


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    from bridge.schema import SchemaError, check_required, introspect

    conn = _connect(settings)
    try:
        info = introspect(conn, _names(settings))
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


def _pid_file() -> Path:
    from bridge.devdb import run_dir

    return run_dir() / "bridge.pid"


def _schema_refusal(settings: Settings) -> str | None:
    """Why the plugin tables cannot be served (missing required columns), checked before forking workers."""
    from bridge.schema import SchemaError, check_required, introspect

    try:
        conn = _connect(settings)
    except pymysql.MySQLError:
        return None  # database down: start anyway, /readyz says 503 until it answers
    try:
        check_required(introspect(conn, _names(settings)))
    except SchemaError as exc:
        return str(exc)
    finally:
        conn.close()
    return None


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    from bridge.app import create_app

    refusal = _schema_refusal(settings)
    if refusal:
        print(f"wpbridge: refusing to start: {refusal}", file=sys.stderr)
        return 1

    loader = AppLoader(factory=partial(create_app, settings))
    app = loader.load()
    app.prepare(
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        access_log=settings.access_log,
        single_process=settings.workers == 1,
        motd=False,
    )
    if settings.workers > 1:
        from bridge.shutdown import refuse_connections_on_stop

        refuse_connections_on_stop(app)  # else the main process listens on until every worker has drained
    pid_file = _pid_file()
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(str(os.getpid()))
    try:
        if settings.workers == 1:
            Sanic.serve_single(primary=app)
        else:
            Sanic.serve(primary=app, app_loader=loader)
    finally:
        pid_file.unlink(missing_ok=True)
    return 0


def cmd_up(settings: Settings, args: argparse.Namespace) -> int:
    """Find or start MariaDB, migrate, load demo data if empty, print logins, serve."""
    from dataclasses import replace

    from bridge.demo import format_logins
    from bridge.devdb import DatabaseUnavailable, ensure_database, find_database
    from bridge.schema import migrate

    try:
        url = find_database()
    except DatabaseUnavailable as exc:
        print(f"wpbridge: {exc}", file=sys.stderr)
        return 1
    if not os.environ.get("BRIDGE_DATABASE_URL"):
        url = url.with_database(settings.database_url.database)
    settings = replace(settings, database_url=url)
    os.environ["BRIDGE_DATABASE_URL"] = url.to_url()
    ensure_database(url)
    conn = _connect(settings)
    try:
        names = _names(settings)
        created = migrate(conn, names)
        with conn.cursor() as cur:
            cur.execute(f"SELECT COUNT(*) FROM `{names.customers}`")
            empty = cur.fetchone()[0] == 0
    finally:
        conn.close()
    if created:
        print(f"wpbridge: created {len(created)} tables in {url}")
    if empty:
        print(f"wpbridge: loading demo data ({args.customers} customers) …")
        result = _demo(settings, args.customers, args.seed)
        print(format_logins(result, _base_url(settings)))
        _login_file().write_text(format_logins(result, _base_url(settings)))
    elif _login_file().exists():
        print(_login_file().read_text())
    print(f"wpbridge: serving on {_base_url(settings)}  (stop with Ctrl-C or `make stop`)")
    return cmd_serve(settings, args)


def _login_file() -> Path:
    from bridge.devdb import run_dir

    path = run_dir() / "demo-logins.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def cmd_stop(settings: Settings, args: argparse.Namespace) -> int:
    """Stop what `make run` started: the bridge and the private MariaDB (if any)."""
    from bridge.devdb import stop_private

    stopped = []
    pid_file = _pid_file()
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


def cmd_outbox(settings: Settings, args: argparse.Namespace) -> int:
    """Show the lifecycle events still waiting to be delivered to WordPress."""
    from bridge.outbox import pending_report

    conn = _connect(settings)
    try:
        print(pending_report(conn, _names(settings), settings, limit=args.limit))
    finally:
        conn.close()
    return 0


def cmd_indexes(settings: Settings, args: argparse.Namespace) -> int:
    """List (and with --apply create) the indexes the bridge's queries need; see bridge/indexes.py."""
    from bridge.indexes import run
    from bridge.schema import introspect

    conn = _connect(settings)
    try:
        return run(conn, _names(settings), introspect(conn, _names(settings)), apply=args.apply)
    finally:
        conn.close()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wpbridge", description="WP Customer bridge service")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve the REST and DataTables API").set_defaults(func=cmd_serve)
    up = sub.add_parser("up", help="find/start MariaDB, migrate, demo data if empty, serve")
    up.add_argument("--customers", type=int, default=200)
    up.add_argument("--seed", type=int, default=1)
    up.set_defaults(func=cmd_up)
    sub.add_parser("stop", help="stop what `wpbridge up` started").set_defaults(func=cmd_stop)
    migrate = sub.add_parser("migrate", help="create missing tables (never alters existing ones)")
    migrate.add_argument("--layout", choices=("real", "documented"), default="real")
    migrate.set_defaults(func=cmd_migrate)
    demo = sub.add_parser("demo", help="load deterministic demo data into an empty database")
    demo.add_argument("--customers", type=int, default=200)
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(func=cmd_demo)
    sub.add_parser("check", help="show the plugin tables' columns and check the required ones").set_defaults(func=cmd_check)
    outbox = sub.add_parser("outbox", help="show the events waiting to be delivered to WordPress")
    outbox.add_argument("--limit", type=int, default=20, help="how many pending events to list (oldest first)")
    outbox.set_defaults(func=cmd_outbox)
    indexes = sub.add_parser("indexes", help="list the indexes the bridge's queries need; --apply creates the missing ones")
    indexes.add_argument("--apply", action="store_true", help="create the missing indexes (idempotent)")
    indexes.set_defaults(func=cmd_indexes)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"wpbridge: bad setting: {exc}", file=sys.stderr)
        return 2
    return args.func(settings, args)


if __name__ == "__main__":
    sys.exit(main())
