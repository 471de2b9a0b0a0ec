"""``wpbridge doctor``: is this installation healthy? One line per check, a fix for each failure.

Each check looks at the real thing (the database with this user's privileges, the cache folder or
Redis, the shim's events route with a signed ping), not at the settings alone. A check that needs
something an earlier one found broken says so instead of failing twice. The exit status is 1 when
any check failed, so a deployment script or a monitor can run it.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pymysql

from bridge.doctor_remote import check_events, check_replica, check_wordpress_secrets
from bridge.doctor_result import Result, fail, ok, skip
from bridge.schema import SchemaError, SchemaInfo, TableNames, check_required, introspect
from bridge.setting_values import SettingsError
from bridge.settings import Settings
from bridge.settings_env import load_settings

SECRET_MIN = 16  # the shim refuses shorter secrets too (WP_Customer_Bridge_Events::check)
WRITTEN = ("customers", "branches", "employees", "outbox")  # the tables the bridge's writes change
BACKLOG_LIMIT_S = 600  # an event older than this is not on its way (the sender retries every ≤ 300 s)


def check_secret(env: Mapping[str, str]) -> Result:
    """Present and long enough (read from the environment, so it is named even when settings fail)."""
    secret = env.get("BRIDGE_SHARED_SECRET", "")
    fix = (
        f"set BRIDGE_SHARED_SECRET to a random value of at least {SECRET_MIN} characters (e.g. `openssl rand -hex 32`) "
        "and the same value as WP_CUSTOMER_BRIDGE_SECRET in wp-config.php"
    )
    if not secret:
        return fail("shared secret", "BRIDGE_SHARED_SECRET is not set: the shim's signed requests are refused", fix)
    if len(secret) < SECRET_MIN:
        return fail("shared secret", f"BRIDGE_SHARED_SECRET has {len(secret)} characters, fewer than {SECRET_MIN}", fix)
    return ok("shared secret", f"{len(secret)} characters")


_DB_FIX = {
    1045: "set BRIDGE_DATABASE_URL with the user and password WordPress uses (DB_USER, DB_PASSWORD in wp-config.php)",
    1044: "grant the user access: GRANT SELECT, INSERT, UPDATE, DELETE ON `{db}`.* TO the user",
    1049: "set BRIDGE_DATABASE_URL to the WordPress database (DB_NAME in wp-config.php), or create it with `wpbridge migrate`",
}


def connect(settings: Settings, name: str = "database") -> tuple[pymysql.connections.Connection | None, Result]:
    """A connection to ``BRIDGE_DATABASE_URL``, or None and the failure with its fix."""
    url = settings.database_url
    try:
        conn = pymysql.connect(autocommit=True, connect_timeout=5, **url.connect_kwargs())
    except pymysql.MySQLError as exc:
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
        fix = _DB_FIX.get(code, "start the database server, or set BRIDGE_DATABASE_URL to one that runs")
        return None, fail(name, f"{url}: {exc.args[-1] if exc.args else exc}", fix.format(db=url.database))
    with conn.cursor() as cur:
        cur.execute("SELECT VERSION(), CURRENT_USER()")
        version, user = cur.fetchone() or ("?", "?")
    return conn, ok(name, f"{url} answers (MariaDB/MySQL {version}, as {user})")


def _denied(cur: pymysql.cursors.Cursor, sql: str) -> bool:
    """Whether the server refuses ``sql`` for lack of a privilege (it changes no row: WHERE 0)."""
    try:
        cur.execute(sql)
    except pymysql.err.OperationalError as exc:
        if exc.args and exc.args[0] in (1142, 1143):  # command denied on table / column
            return True
        raise
    except pymysql.err.ProgrammingError as exc:
        if exc.args and exc.args[0] in (1142, 1143):
            return True
        raise
    return False


def check_privileges(conn: pymysql.connections.Connection, names: TableNames, schema: SchemaInfo) -> Result:
    """SELECT on every table the bridge reads; INSERT, UPDATE, DELETE on those it writes; GET_LOCK.

    Each privilege is tried with a statement that matches no row, inside a transaction rolled
    back: the server's own answer, whatever mix of global, database, table or role grants gave it."""
    missing: list[str] = []
    with conn.cursor() as cur:
        cur.execute("BEGIN")
        try:
            for key, table in names.tables().items():
                if not schema.has_table(key):
                    continue
                statements = {"SELECT": f"SELECT 1 FROM `{table}` WHERE 0"}
                if key in WRITTEN:
                    column = "ID" if schema.has(key, "ID") else "id"
                    statements["INSERT"] = f"INSERT INTO `{table}` SELECT * FROM `{table}` WHERE 0"
                    statements["UPDATE"] = f"UPDATE `{table}` SET `{column}` = `{column}` WHERE 0"
                    statements["DELETE"] = f"DELETE FROM `{table}` WHERE 0"
                lacking = [grant for grant, sql in statements.items() if _denied(cur, sql)]
                if lacking:
                    missing.append(f"{', '.join(lacking)} on {table}")
        finally:
            cur.execute("ROLLBACK")
        lock = "wpbridge_doctor_" + secrets.token_hex(8)
        cur.execute("SELECT GET_LOCK(%s, 0), RELEASE_LOCK(%s)", (lock, lock))
        got = (cur.fetchone() or (None,))[0]
    if missing:
        return fail(
            "privileges",
            "the user lacks " + "; ".join(missing),
            "GRANT SELECT, INSERT, UPDATE, DELETE ON the WordPress database's tables TO the user of BRIDGE_DATABASE_URL",
        )
    if got != 1:
        return fail(
            "privileges",
            "GET_LOCK is refused: the outbox sender cannot take its lock",
            "use a user and server where GET_LOCK works",
        )
    return ok("privileges", "SELECT, INSERT, UPDATE, DELETE on the plugin's tables, GET_LOCK")


def check_schema(schema: SchemaInfo) -> Result:
    """What ``wpbridge check`` does: every required column present."""
    try:
        check_required(schema)
    except SchemaError as exc:
        return fail(
            "schema",
            str(exc),
            "activate WP Customer in WordPress (it creates its tables), or run `wpbridge migrate` on an empty database",
        )
    return ok("schema", f"every required column is present (layout {schema.layout})")


def check_indexes(conn: pymysql.connections.Connection, names: TableNames, schema: SchemaInfo) -> Result:
    """What ``wpbridge indexes`` knows: the indexes the bridge's queries need."""
    from bridge.indexes import survey

    missing = [f"{s.table}.{s.spec.column}" for s in survey(conn, names, schema) if s.status == "missing"]
    if missing:
        return fail(
            "indexes",
            f"{len(missing)} missing ({', '.join(missing)}): lists and searches scan whole tables",
            "run `wpbridge indexes --apply` (it only adds indexes)",
        )
    return ok("indexes", "every index the bridge needs is present")


def check_outbox(conn: pymysql.connections.Connection, names: TableNames, settings: Settings) -> Iterator[Result]:
    """The outbox table, then the age of its oldest undelivered event."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s",
            (names.outbox,),
        )
        if not (cur.fetchone() or (0,))[0]:
            yield fail(
                "outbox table", f"{names.outbox} does not exist: every write would fail", "run `wpbridge migrate`"
            )
            yield skip("outbox backlog", "no outbox table")
            return
        yield ok("outbox table", f"{names.outbox} exists")
        cur.execute(
            f"SELECT COUNT(*), TIMESTAMPDIFF(SECOND, MIN(created_at), NOW()) FROM `{names.outbox}` "
            "WHERE delivered_at IS NULL"
        )
        pending, age = cur.fetchone() or (0, None)
    if not pending:
        yield ok("outbox backlog", "no event waiting")
    elif not settings.events_url:
        yield ok("outbox backlog", f"{pending} events kept, none sent: BRIDGE_EVENTS_URL is not set")
    elif age is not None and int(age) > BACKLOG_LIMIT_S:
        yield fail(
            "outbox backlog",
            f"{pending} events waiting, the oldest for {int(age)} s",
            "see `wpbridge outbox` for the last error; check that the bridge runs and WordPress answers BRIDGE_EVENTS_URL",
        )
    else:
        yield ok("outbox backlog", f"{pending} events waiting, the oldest for {int(age or 0)} s")


def check_cache(settings: Settings) -> Result:
    """Redis answers ``PING`` (``BRIDGE_CACHE_URL``), or the cache folder can be written."""
    if settings.cache_url:
        import redis

        client = redis.Redis.from_url(settings.cache_url, socket_connect_timeout=3, socket_timeout=3)
        try:
            client.ping()
        except redis.RedisError as exc:
            return fail(
                "cache",
                f"Redis at {settings.cache_url} does not answer ({exc})",
                "start Redis, or fix BRIDGE_CACHE_URL",
            )
        finally:
            client.close()
        return ok("cache", f"Redis at {settings.cache_url} answers")
    folder = Path(settings.cache_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as exc:
        return fail(
            "cache",
            f"the cache folder {folder} cannot be written ({exc.strerror})",
            f"make {folder} writable by the user the bridge runs as (`chown`), or set BRIDGE_CACHE_DIR / BRIDGE_CACHE_URL",
        )
    return ok("cache", f"the cache folder {folder} is writable")


def database_checks(settings: Settings) -> Iterator[Result]:
    """Everything that needs the database, on one connection."""
    conn, reached = connect(settings)
    yield reached
    if conn is None:
        for name in ("privileges", "schema", "indexes", "outbox table", "outbox backlog"):
            yield skip(name, "needs the database")
        return
    try:
        names = TableNames.for_prefix(settings.table_prefix, settings.base_prefix)
        schema = introspect(conn, names)
        yield check_privileges(conn, names, schema)
        yield check_schema(schema)
        yield check_indexes(conn, names, schema)
        yield from check_outbox(conn, names, settings)
    finally:
        conn.close()


def checks(settings: Settings) -> Iterator[Result]:
    """Every check after the settings, in the order they are printed."""
    yield from database_checks(settings)
    yield from check_replica(settings)
    yield check_cache(settings)
    pong: dict[str, Any] = {}
    yield from check_events(settings, pong)
    yield from check_wordpress_secrets(settings, pong)


def run(env: Mapping[str, str] | None = None, out: Callable[[str], None] = print) -> int:
    """Print one line per check; 1 when any failed, else 0."""
    source = os.environ if env is None else env
    failed = False

    def show(result: Result) -> None:
        nonlocal failed
        failed = failed or result.status == "FAIL"
        out(result.line())

    try:
        settings = load_settings(source)
    except SettingsError as exc:
        show(fail("settings", str(exc), "correct the variable named above (README, Settings)"))
        show(check_secret(source))
        out("the other checks need valid settings")
        return 1
    where = f" (and {settings.config_path})" if settings.config_path else ""
    show(ok("settings", f"BRIDGE_* variables{where} are valid"))
    show(check_secret({"BRIDGE_SHARED_SECRET": settings.shared_secret}))  # BRIDGE_CONFIG's value too
    for result in checks(settings):
        show(result)
    out("some checks failed" if failed else "every check passed")
    return 1 if failed else 0
