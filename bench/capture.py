"""The statements the bridge really sends, read from MariaDB's general log written to a TABLE.

For one request at a time the log is switched on, the request is made, the log is switched
off, and the Query rows of the bridge's connections (those on the benchmark's database) are
kept, in order. The server's own settings are restored afterwards. Needs SUPER (root has it).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pymysql

from bench.stack import connect
from bridge.settings import DatabaseURL

_CONNECT_DB = re.compile(r" on (\S+)")


class GeneralLog:
    def __init__(self, url: DatabaseURL) -> None:
        self.url = url
        self.conn = connect(url)
        with self.conn.cursor() as cur:
            cur.execute("SELECT @@global.general_log, @@global.log_output, CONNECTION_ID()")
            self.was_on, self.was_output, self.own_id = cur.fetchone()

    def _run(self, *statements: str) -> None:
        with self.conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)

    def capture(self, action: Callable[[], object]) -> list[str]:
        """The SQL the bridge sent while ``action()`` ran."""
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT ID FROM INFORMATION_SCHEMA.PROCESSLIST WHERE DB = %s AND ID <> %s",
                (self.url.database, self.own_id),
            )
            ours = {row[0] for row in cur.fetchall()}
        try:
            self._run(
                "SET GLOBAL general_log = 0",
                "TRUNCATE TABLE mysql.general_log",
                "SET GLOBAL log_output = 'TABLE'",
                "SET GLOBAL general_log = 1",
            )
        except pymysql.err.OperationalError as exc:
            raise SystemExit(f"bench: the floor needs MariaDB's general log (SET GLOBAL needs SUPER): {exc}") from None
        try:
            action()
        finally:
            self._run("SET GLOBAL general_log = 0")
        with self.conn.cursor() as cur:
            cur.execute("SELECT thread_id, command_type, argument FROM mysql.general_log")
            rows = cur.fetchall()
        statements = []
        for thread, kind, argument in rows:
            text = argument.decode("utf-8", "replace") if isinstance(argument, (bytes, bytearray)) else str(argument)
            if kind == "Connect":
                match = _CONNECT_DB.search(text)
                if match and match.group(1) == self.url.database and thread != self.own_id:
                    ours.add(thread)  # a pool connection opened during the request
            elif kind == "Query" and thread in ours:
                statements.append(text)
        return statements

    def close(self) -> None:
        try:
            self._run(f"SET GLOBAL log_output = '{self.was_output}'", f"SET GLOBAL general_log = {int(self.was_on)}")
        finally:
            self.conn.close()

    def __enter__(self) -> GeneralLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
