"""The effect of each index of ``wpbridge indexes``, on the statements the scenarios really send.

All missing indexes are created once; then each is switched off and on for the optimizer
(MariaDB ``IGNORED``, MySQL ``INVISIBLE``: no rebuild) while the captured statements are
timed, alternating, so that both states share the same moment's load. First all together
against none (which statements change at all), then each one alone against none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pymysql

from bench import floor
from bench.stack import connect
from bridge.indexes import IndexState, create, survey
from bridge.schema import TableNames, introspect
from bridge.settings import DatabaseURL


def _switch(conn: pymysql.connections.Connection, mariadb: bool) -> Callable[[IndexState, bool], None]:
    hidden, shown = ("IGNORED", "NOT IGNORED") if mariadb else ("INVISIBLE", "VISIBLE")

    def switch(state: IndexState, on: bool) -> None:
        with conn.cursor() as cur:
            cur.execute(f"ALTER TABLE `{state.table}` ALTER INDEX `{state.spec.name}` {shown if on else hidden}")

    return switch


LESS = 0.95  # an index "changes" a statement when it reads at least 5 % fewer rows and index entries


def _faster(without: float, with_: float, share: float) -> bool:
    return without - with_ > max(0.3, share * without)


def measure(
    url: DatabaseURL, captured: dict[str, dict[str, list[str]]], say: Callable[[str], None]
) -> list[dict[str, Any]]:
    names = TableNames.for_prefix("wp_")
    conn = connect(url)
    try:
        states = [s for s in survey(conn, names, introspect(conn, names)) if s.status == "missing"]
        with conn.cursor() as cur:
            cur.execute("SELECT VERSION()")
            switch = _switch(conn, "mariadb" in cur.fetchone()[0].lower())
        users: dict[str, set[str]] = {}
        for key, parts in captured.items():
            for kind, rows in parts.items():
                for sql in rows:
                    users.setdefault(sql, set()).add(f"{key} {kind}")
        for state in states:
            create(conn, state)

        def timed(
            statements: list[str], on: list[IndexState], rounds: int = 3
        ) -> tuple[dict[str, float], dict[str, float]]:
            """Fastest time of each statement with ``on`` hidden, and with ``on`` shown (others stay hidden)."""
            off_t: dict[str, float] = {}
            on_t: dict[str, float] = {}
            for _ in range(rounds):
                for visible, into in ((False, off_t), (True, on_t)):
                    for state in on:
                        switch(state, visible)
                    for sql in statements:
                        t = floor.time_statement(url, sql, 3)
                        into[sql] = min(t, into.get(sql, t))
            return off_t, on_t

        for state in states:
            switch(state, False)
        say(f"  {len(users)} distinct statements, without and with all {len(states)} indexes …")
        none, every = timed(list(users), states)
        for state in states:
            switch(state, False)
        reads_none = {sql: floor.rows_read(url, sql) for sql in users}
        for state in states:
            switch(state, True)
        reads_all = {sql: floor.rows_read(url, sql) for sql in users}
        changed = [
            sql for sql in users if reads_all[sql] < LESS * reads_none[sql] or _faster(none[sql], every[sql], 0.3)
        ]
        for state in states:
            switch(state, False)
        effects = []
        for state in states:
            off_t, on_t = timed(changed, [state])
            reads_on = {sql: floor.rows_read(url, sql) for sql in changed}
            switch(state, False)
            reads_off = {sql: floor.rows_read(url, sql) for sql in changed}
            rows = [
                {
                    "sql": sql[:300],
                    "used_by": sorted(users[sql]),
                    "without_ms": round(off_t[sql], 2),
                    "with_ms": round(on_t[sql], 2),
                    "rows_without": reads_off[sql],
                    "rows_with": reads_on[sql],
                }  # fmt: skip
                for sql in changed
                if reads_on[sql] < LESS * reads_off[sql]  # rows, not time: a busy machine cannot fake these
            ]
            effects.append({"table": state.table, "column": state.spec.column, "statements": rows})
            say(f"  {state.table}.{state.spec.column}: {len(rows)} of {len(changed)} changed statements faster")
        for state in states:
            switch(state, True)
        return effects
    finally:
        conn.close()
