"""What an operator reads when a subcommand fails for a known reason: one sentence saying what
is wrong and which setting to change, instead of a traceback."""

from __future__ import annotations

import errno
import re
import socket

import pymysql

from bridge.commands.pid_file import AlreadyServing
from bridge.commands.serve import CannotListen
from bridge.settings import Settings

# MySQL/MariaDB error codes that mean "the database named in BRIDGE_DATABASE_URL cannot be used", not a bug.
_UNREACHABLE = {2003, 2005, 2006, 2013}  # no server there (refused, unknown host, timed out, dropped)
_UNKNOWN_DATABASE = 1049
_REFUSED_LOGIN = {1044, 1045, 1698}  # no access to the database / wrong user or password
_TOO_MANY = 1040


def why_it_failed(exc: BaseException, settings: Settings) -> str | None:
    """One sentence for an operator: what is wrong and which setting to change; None for anything else (a bug)."""
    from bridge.devdb import DatabaseUnavailable

    if isinstance(exc, pymysql.err.OperationalError) and exc.args and isinstance(exc.args[0], int):
        return _database(exc, settings)
    if isinstance(exc, CannotListen):
        return _listen(exc)
    if isinstance(exc, AlreadyServing):
        holder = f"pid {exc.holder}" if exc.holder else "one that is starting"
        return (
            f"a bridge ({holder}) already serves from this run folder ({exc.pid_file}); stop it with `wpbridge stop` "
            "(`make stop`), or give this one its own BRIDGE_RUN_DIR"
        )
    if isinstance(exc, DatabaseUnavailable):
        return str(exc)
    return None


def _database(exc: pymysql.err.OperationalError, settings: Settings) -> str | None:
    url = settings.database_url
    server = url.unix_socket or f"{url.host}:{url.port}"
    code, message = exc.args[0], str(exc.args[1]) if len(exc.args) > 1 else ""
    if code in _UNREACHABLE:
        reason = re.search(r"\[Errno [^\]]*\] ([^)]*)", message)
        detail = f" ({reason.group(1)})" if reason else ""
        return f"no database server answers at {server}{detail}; start it, or set BRIDGE_DATABASE_URL to one that runs"
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


def _listen(exc: CannotListen) -> str:
    if exc.cause.errno == errno.EADDRINUSE:
        return f"port {exc.port} on {exc.host} is already in use by another program; stop it, or set {exc.port_setting} to a free port"
    if exc.cause.errno == errno.EACCES:
        return f"this user may not listen on port {exc.port}; set {exc.port_setting} to 1024 or above"
    if exc.cause.errno == errno.EADDRNOTAVAIL or isinstance(exc.cause, socket.gaierror):
        return f"cannot listen on {exc.host!r}: it is not an address of this machine ({exc.cause.strerror}); set {exc.host_setting}"
    return f"cannot listen on {exc.host}:{exc.port} ({exc.cause}); check {exc.host_setting} and {exc.port_setting}"
