"""``wpbridge serve``: bind the port, claim the pid file, and run the app with its workers."""

from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import pymysql

from bridge.commands import connect, local_url, table_names
from bridge.commands.pid_file import PidFile, pid_path
from bridge.settings import Settings, run_dir

if TYPE_CHECKING:
    from bridge.commands import Subcommands
    from bridge.services import BridgeApp

AppFactory = Callable[[Settings], "BridgeApp"]  # bridge/cli.py's, which alone imports bridge.app


class CannotListen(RuntimeError):
    """Binding ``BRIDGE_HOST``:``BRIDGE_PORT`` (or the metrics port) failed (port in use, address not on this machine, …)."""

    def __init__(self, host: str, port: int, cause: OSError, setting: str = "BRIDGE") -> None:
        super().__init__(f"cannot listen on {host}:{port}: {cause}")
        self.host = host
        self.port = port
        self.cause = cause
        self.host_setting = f"{setting}_HOST"  # what to change: BRIDGE_HOST/BRIDGE_PORT or BRIDGE_METRICS_…
        self.port_setting = f"{setting}_PORT"


def register(commands: Subcommands, app_factory: AppFactory) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve the REST and DataTables API on BRIDGE_HOST:BRIDGE_PORT",
        description="Serve the REST and DataTables API on BRIDGE_HOST:BRIDGE_PORT with BRIDGE_WORKERS processes; "
        "the pid file is <run dir>/bridge.pid.",
    )
    serve.set_defaults(func=partial(cmd_serve, app_factory))


def cmd_serve(app_factory: AppFactory, settings: Settings, args: argparse.Namespace) -> int:
    pid_file = PidFile(pid_path())
    pid_file.claim()
    prepare_metrics()
    try:
        return serve(settings, pid_file, app_factory)
    finally:
        pid_file.release()


def prepare_metrics() -> None:
    """Empty ``<run dir>/metrics`` and point prometheus-client at it, before anything imports it:
    the workers inherit the variable. Only after claiming the pid file: the folder is ours."""
    from bridge.metrics_dir import prepare

    prepare(run_dir() / "metrics")


def serve(settings: Settings, pid_file: PidFile, app_factory: AppFactory) -> int:
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
        _run(settings, pid_file, sock, app_factory)
    finally:
        stop_metrics()
    return 0


def _schema_refusal(settings: Settings) -> str | None:
    """Why the plugin tables cannot be served (missing required columns), checked before forking workers."""
    from bridge.schema import SchemaError, check_required, introspect

    try:
        conn = connect(settings)
    except pymysql.MySQLError:
        return None  # database down: start anyway, /readyz says 503 until it answers
    try:
        check_required(introspect(conn, table_names(settings)))
    except SchemaError as exc:
        return str(exc)
    finally:
        conn.close()
    return None


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


def _run(settings: Settings, pid_file: PidFile, sock: socket.socket, app_factory: AppFactory) -> None:
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    loader = AppLoader(factory=partial(app_factory, settings))
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
    print(f"wpbridge: serving on {local_url(settings)}  (stop with Ctrl-C or `make stop`)", flush=True)
    if settings.workers == 1:
        Sanic.serve_single(primary=app)
    else:
        Sanic.serve(primary=app, app_loader=loader)
