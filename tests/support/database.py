"""Plain connections to the test databases, for arranging and checking rows beside the bridge."""

from __future__ import annotations

from typing import Any

import pymysql

from bridge.settings import DatabaseURL


def connect(url: DatabaseURL) -> pymysql.connections.Connection:
    """A plain autocommit connection for arranging and checking rows in tests."""
    return pymysql.connect(autocommit=True, cursorclass=pymysql.cursors.DictCursor, **url.connect_kwargs())


def query(url: Any, sql: str, *args: Any) -> list[dict[str, Any]]:
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args)
            return list(cur.fetchall())
    finally:
        conn.close()
