"""``wpbridge``: serve | up | stop | migrate | demo | check | outbox | indexes | doctor.

``up`` is what ``make run`` does: find or start MariaDB, create the database and schema,
load demo data into an empty database, print the demo logins, then serve.
"""

from __future__ import annotations

import argparse
import errno
import fcntl
import os
import re
import signal
import socket
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import IO

import pymysql

from bridge.settings import Settings, SettingsError, load_settings, run_dir


class AlreadyServing(RuntimeError):
    """Another bridge holds this run folder's ``bridge.pid``: a second one would make `wpbridge stop` lose it."""

    def __init__(self, pid_file: Path, holder: str) -> None:
        super().__init__(f"{pid_file} is held by {holder or 'a starting bridge'}")
        self.pid_file = pid_file
        self.holder = holder


class CannotListen(RuntimeError):
    """Binding ``BRIDGE_HOST``:``BRIDGE_PORT`` (or the metrics port) failed (port in use, address not on this machine, …)."""

    def __init__(self, host: str, port: int, cause: OSError, setting: str = "BRIDGE") -> None:
        super().__init__(f"cannot listen on {host}:{port}: {cause}")
        self.host = host
        self.port = port
        self.cause = cause
        self.host_setting = f"{setting}_HOST"  # what to change: BRIDGE_HOST/BRIDGE_PORT or BRIDGE_METRICS_…
        self.port_setting = f"{setting}_PORT"


def _connect(settings: Settings) -> pymysql.connections.Connection:
    return pymysql.connect(autocommit=True, **settings.database_url.connect_kwargs())


def _names(settings: Settings):
    from bridge.schema import TableNames

    return TableNames.for_prefix(settings.table_prefix, settings.base_prefix)


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from bridge.devdb import ensure_database
    from bridge.migrate import migrate

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
    return run_dir() / "bridge.pid"


class PidFile:
    """The run folder's ``bridge.pid``: locked (flock) by the one bridge serving from that folder.

    The lock, not the file's content, says whether a bridge is alive, so a stale file left by a
    killed bridge does not block the next start. The pid is written only once the port is bound,
    and the file is removed on exit only while it is still the one we locked and holds our pid.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def claim(self) -> None:
        """Lock the file or raise AlreadyServing naming the bridge that holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            raise AlreadyServing(self.path, holder) from None
        self._handle = handle

    def publish(self) -> None:
        """Write our pid: from now on `wpbridge stop` can find this bridge."""
        assert self._handle is not None
        self._handle.seek(0)
        self._handle.truncate()
        self._handle.write(str(os.getpid()))
        self._handle.flush()

    def release(self) -> None:
        """Remove the file only if it is still ours (``wpbridge stop`` may have removed it, another bridge replaced it)."""
        if self._handle is None:
            return
        try:
            ours = os.stat(self.path).st_ino == os.fstat(self._handle.fileno()).st_ino
            if ours and self.path.read_text().strip() in ("", str(os.getpid())):
                self.path.unlink()
        except FileNotFoundError:
            pass
        self._handle.close()
        self._handle = None


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


def _prepare_metrics() -> None:
    """Empty ``<run dir>/metrics`` and point prometheus-client at it, before anything imports it:
    the workers inherit the variable. Only after claiming the pid file: the folder is ours."""
    from bridge.metrics_dir import prepare

    prepare(run_dir() / "metrics")


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    pid_file = PidFile(_pid_file())
    pid_file.claim()
    _prepare_metrics()
    try:
        return _serve(settings, pid_file)
    finally:
        pid_file.release()


def _serve(settings: Settings, pid_file: PidFile) -> int:
    """Bind the port here (so a busy port is one clear error and the pid is written only once it is ours), then serve."""
    from sanic.server.socket import bind_socket

    refusal = _schema_refusal(settings)
    if refusal:
        print(f"wpbridge: refusing to start: {refusal}", file=sys.stderr)
        return 1

    try:
        sock = bind_socket(settings.host, settings.port)
    except OSError as exc:
        raise CannotListen(settings.host, settings.port, exc) from exc
    stop_metrics = _serve_metrics_port(settings)
    try:
        _run(settings, pid_file, sock)
    finally:
        stop_metrics()
    return 0


def _serve_metrics_port(settings: Settings) -> Callable[[], None]:
    """``BRIDGE_METRICS_PORT``: the metrics for everyone, from a thread of this main process
    (it reads every worker's files); a function that stops it."""
    if settings.metrics_port is None:
        return lambda: None
    from bridge.metrics import serve_port

    try:
        return serve_port(settings.metrics_host, settings.metrics_port)
    except OSError as exc:
        raise CannotListen(settings.metrics_host, settings.metrics_port, exc, "BRIDGE_METRICS") from exc


def _run(settings: Settings, pid_file: PidFile, sock: socket.socket) -> None:
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    from bridge.app import create_app

    loader = AppLoader(factory=partial(create_app, settings))
    app = loader.load()
    app.prepare(
        sock=sock,
        workers=settings.workers,
        access_log=False,  # the bridge writes its own request lines (BRIDGE_ACCESS_LOG: bridge/access_log.py)
        single_process=settings.workers == 1,
        motd=False,
    )
    if settings.workers > 1:
        from bridge.shutdown import refuse_connections_on_stop

        refuse_connections_on_stop(app)  # else the main process listens on until every worker has drained
    pid_file.publish()
    print(f"wpbridge: serving on {_base_url(settings)}  (stop with Ctrl-C or `make stop`)", flush=True)
    if settings.workers == 1:
        Sanic.serve_single(primary=app)
    else:
        Sanic.serve(primary=app, app_loader=loader)


def cmd_up(settings: Settings, args: argparse.Namespace) -> int:
    """Find or start MariaDB, migrate, load demo data if empty, print logins, serve."""
    pid_file = PidFile(_pid_file())
    pid_file.claim()  # before MariaDB, migrations and demo data: a second `make run` stops here
    _prepare_metrics()
    try:
        return _up(settings, args, pid_file)
    finally:
        pid_file.release()


def _up(settings: Settings, args: argparse.Namespace, pid_file: PidFile) -> int:
    from dataclasses import replace

    from bridge.demo import format_logins, rebase_logins
    from bridge.devdb import ensure_database, find_database
    from bridge.migrate import migrate

    url = find_database()
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
        logins = rebase_logins(_login_file().read_text(), _base_url(settings))  # BRIDGE_PORT may have changed
        _login_file().write_text(logins)
        print(logins)
    return _serve(settings, pid_file)


def _login_file() -> Path:
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


def _at_least_one(raw: str) -> int:
    """argparse type for counts: checked before anything is written (``--customers 0`` once crashed mid-way)."""
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {raw!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def version() -> str:
    """The installed distribution's version (pyproject.toml's, once pip has installed it)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("wp-customer-bridge")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _demo_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--customers", type=_at_least_one, default=200, help="how many demo customers to create (default: 200)"
    )
    command.add_argument(
        "--seed", type=int, default=1, help="the random seed: the same seed gives the same data (default: 1)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wpbridge",
        description="WP Customer bridge: a WordPress-compatible REST and DataTables service over the WP Customer "
        "plugin's tables. Settings come from BRIDGE_* environment variables (and BRIDGE_CONFIG's TOML file); "
        "runtime files go under BRIDGE_RUN_DIR (default: .run in the working directory).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = sub.add_parser(
        "serve",
        help="serve the REST and DataTables API on BRIDGE_HOST:BRIDGE_PORT",
        description="Serve the REST and DataTables API on BRIDGE_HOST:BRIDGE_PORT with BRIDGE_WORKERS processes; "
        "the pid file is <run dir>/bridge.pid.",
    )
    serve.set_defaults(func=cmd_serve)
    up = sub.add_parser(
        "up",
        help="find/start MariaDB, migrate, demo data if empty, serve (what `make run` does)",
        description="Find a MariaDB (BRIDGE_DATABASE_URL, else 127.0.0.1:3306, else a private one under "
        "<run dir>/mariadb), create the schema, load demo data into an empty database, print the demo logins "
        "(also written to <run dir>/demo-logins.txt), then serve.",
    )
    _demo_options(up)
    up.set_defaults(func=cmd_up)
    stop = sub.add_parser(
        "stop",
        help="stop what `wpbridge up` started",
        description="Stop the bridge whose pid is in <run dir>/bridge.pid and the private MariaDB, if one was started.",
    )
    stop.set_defaults(func=cmd_stop)
    migrate = sub.add_parser(
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
    demo = sub.add_parser(
        "demo",
        help="load deterministic demo data into an empty database",
        description="Load deterministic demo data (customers, branches, employees, agencies, users with "
        "application passwords) into an empty database and print the logins.",
    )
    _demo_options(demo)
    demo.set_defaults(func=cmd_demo)
    check = sub.add_parser(
        "check",
        help="show the plugin tables' columns and check the required ones",
        description="Show the live columns of the plugin's tables; exit non-zero when a required one is missing.",
    )
    check.set_defaults(func=cmd_check)
    outbox = sub.add_parser(
        "outbox",
        help="show the events waiting to be delivered to WordPress",
        description="Show the lifecycle events waiting in the outbox for delivery to BRIDGE_EVENTS_URL.",
    )
    outbox.add_argument(
        "--limit", type=_at_least_one, default=20, help="how many pending events to list (oldest first)"
    )
    outbox.set_defaults(func=cmd_outbox)
    indexes = sub.add_parser(
        "indexes",
        help="list the indexes the bridge's queries need; --apply creates the missing ones",
        description="List the indexes the bridge's queries need and whether each exists.",
    )
    indexes.add_argument("--apply", action="store_true", help="create the missing indexes (idempotent)")
    indexes.set_defaults(func=cmd_indexes)
    doctor = sub.add_parser(
        "doctor",
        help="check this installation: one line per check, a fix for each failure, exit 1 when any fails",
        description="Check the settings, the database (privileges, schema, indexes, outbox), the cache, the shared "
        "secret, the shim's events route and clock, and WordPress's secrets; see bridge/doctor.py.",
    )
    doctor.set_defaults(func=None)  # loads the settings itself: a bad one is a failed check, not an exit
    return parser


# MySQL/MariaDB error codes that mean "the database named in BRIDGE_DATABASE_URL cannot be used", not a bug.
_UNREACHABLE = {2003, 2005, 2006, 2013}  # no server there (refused, unknown host, timed out, dropped)
_UNKNOWN_DATABASE = 1049
_REFUSED_LOGIN = {1044, 1045, 1698}  # no access to the database / wrong user or password
_TOO_MANY = 1040


def _why_it_failed(exc: BaseException, settings: Settings) -> str | None:
    """One sentence for an operator: what is wrong and which setting to change; None for anything else (a bug)."""
    from bridge.devdb import DatabaseUnavailable

    url = settings.database_url
    server = url.unix_socket or f"{url.host}:{url.port}"
    if isinstance(exc, pymysql.err.OperationalError) and exc.args and isinstance(exc.args[0], int):
        code, message = exc.args[0], str(exc.args[1]) if len(exc.args) > 1 else ""
        if code in _UNREACHABLE:
            reason = re.search(r"\[Errno [^\]]*\] ([^)]*)", message)
            detail = f" ({reason.group(1)})" if reason else ""
            return (
                f"no database server answers at {server}{detail}; start it, or set BRIDGE_DATABASE_URL to one that runs"
            )
        if code == _UNKNOWN_DATABASE:
            return (
                f"the database {url.database!r} does not exist on {server}; create it with `wpbridge migrate`, "
                "or set BRIDGE_DATABASE_URL to the WordPress database"
            )
        if code in _REFUSED_LOGIN:
            return (
                f"the database server at {server} refused user {url.user!r} (wrong password, or no access to "
                f"{url.database!r}); set BRIDGE_DATABASE_URL with a user and password that may use it"
            )
        if code == _TOO_MANY:
            return f"the database server at {server} has too many connections; retry later, or lower BRIDGE_POOL_SIZE / BRIDGE_WORKERS"
        return None
    if isinstance(exc, CannotListen):
        if exc.cause.errno == errno.EADDRINUSE:
            return f"port {exc.port} on {exc.host} is already in use by another program; stop it, or set {exc.port_setting} to a free port"
        if exc.cause.errno == errno.EACCES:
            return f"this user may not listen on port {exc.port}; set {exc.port_setting} to 1024 or above"
        if exc.cause.errno == errno.EADDRNOTAVAIL or isinstance(exc.cause, socket.gaierror):
            return f"cannot listen on {exc.host!r}: it is not an address of this machine ({exc.cause.strerror}); set {exc.host_setting}"
        return f"cannot listen on {exc.host}:{exc.port} ({exc.cause}); check {exc.host_setting} and {exc.port_setting}"
    if isinstance(exc, AlreadyServing):
        holder = f"pid {exc.holder}" if exc.holder else "one that is starting"
        return (
            f"a bridge ({holder}) already serves from this run folder ({exc.pid_file}); stop it with `wpbridge stop` "
            "(`make stop`), or give this one its own BRIDGE_RUN_DIR"
        )
    if isinstance(exc, DatabaseUnavailable):
        return str(exc)
    return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "doctor":
        from bridge.doctor import run as doctor

        return doctor()
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"wpbridge: bad setting: {exc}", file=sys.stderr)
        return 2
    try:
        return args.func(settings, args)
    except Exception as exc:
        reason = _why_it_failed(exc, settings)
        if reason is None:
            raise
        print(f"wpbridge: {reason}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
