"""The statements MariaDB ran while a block ran, from its general log (a table, switched on for
the block only): what a test reads to see *how* the bridge asked, not only what it answered."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bridge.settings import DatabaseURL
from tests.support.database import connect


@contextmanager
def statements_run(url: DatabaseURL) -> Iterator[list[str]]:
    """The list fills when the block ends: every query statement of every session meanwhile
    (the tests run one at a time; other bridges' background statements may be among them)."""
    seen: list[str] = []
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT @@log_output AS output, @@general_log AS enabled")
            before = cur.fetchone()
            cur.execute("SET GLOBAL log_output = 'TABLE'")
            cur.execute("TRUNCATE mysql.general_log")
            cur.execute("SET GLOBAL general_log = 1")
        try:
            yield seen
        finally:
            with conn.cursor() as cur:
                cur.execute("SET GLOBAL general_log = %s", (before["enabled"],))
                cur.execute(
                    "SELECT CONVERT(argument USING utf8mb4) AS sql_text FROM mysql.general_log "
                    "WHERE command_type IN ('Query', 'Execute')"
                )
                seen += [str(r["sql_text"]) for r in cur.fetchall()]
                cur.execute("SET GLOBAL log_output = %s", (before["output"],))
    finally:
        conn.close()
