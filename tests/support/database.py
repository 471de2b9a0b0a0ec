"""Plain connections to the test databases, for arranging and checking rows beside the bridge."""

from __future__ import annotations

from typing import Any

import pymysql
from pymysql.connections import Connection
from pymysql.cursors import DictCursor

from bridge.settings import DatabaseURL


def connect(url: DatabaseURL) -> Connection[DictCursor]:
    """A plain autocommit connection for arranging and checking rows in tests."""
    return pymysql.connect(autocommit=True, cursorclass=DictCursor, **url.connect_kwargs())


def fetch(url: DatabaseURL, sql: str, args: Any = None) -> list[dict[str, Any]]:
    """The rows of one statement, as dicts; ``args`` a sequence or a mapping, as pymysql takes them."""
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args)
            return list(cur.fetchall())
    finally:
        conn.close()


def query(url: DatabaseURL, sql: str, *args: Any) -> list[dict[str, Any]]:
    """The rows of one statement with positional arguments, as dicts."""
    return fetch(url, sql, args)
