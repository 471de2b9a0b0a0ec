"""Using the search index in a request: may it be used now, and the candidates of a term.

``SearchIndex.narrower`` reads the state row and MariaDB's per-table ``UPDATE_TIME`` in one
statement (only for a request that searches). It answers None — plain LIKE — unless the
index is built and, when it covers owners' names, ``wp_users`` has not been written since the
certificate. ``Narrower.candidates`` is ``c.id IN (the ids holding every window of the
term)``, with the customers changed since the certificate added when the customers table was
written since. The caller keeps its LIKE criterion beside it: the index only narrows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pymysql
from pypika.terms import Criterion, Field, Term

from bridge.db import Database
from bridge.schema import TableNames
from bridge.search_index.schema import GRAM, SKEW_S, STATE_KEY, IndexTables

# Windows looked up per term: the first and the last. Each more is one more lookup per candidate
# and narrows little further (100,000 customers, 10 terms: 2 windows 0.4-27 ms a count, 4 up to
# 1.8x slower, 6 up to 2.6x).
MAX_GRAMS = 2
ABSENT_RECHECK_S = 30.0  # a worker looks for a newly built index this often


def windows(term: str) -> list[str]:
    """The term's distinct ``GRAM``-character windows, at most ``MAX_GRAMS`` (≥ 2) spread over
    it, first and last included (any subset finds a superset of the rows: the LIKE decides)."""
    every = list(dict.fromkeys(term[i : i + GRAM] for i in range(len(term) - GRAM + 1)))
    if len(every) <= MAX_GRAMS:
        return every
    step = (len(every) - 1) / (MAX_GRAMS - 1)
    return list(dict.fromkeys(every[round(i * step)] for i in range(MAX_GRAMS)))


def _bound(parameter: Any, value: Any, **kwargs: Any) -> str:
    """The next placeholder of the statement's collector, with ``value`` bound to it."""
    placeholder: str = parameter.get_sql(**kwargs)
    parameter.update_parameters(param_key=parameter.get_param_key(placeholder=placeholder), value=value)
    return placeholder


class Candidates(Criterion):
    """``id IN (…)``: the customers holding every window of a term (and those changed since)."""

    def __init__(self, id_field: Term, sql: str, values: list[Any]) -> None:
        super().__init__()
        self.id_field = id_field
        self.sql = sql
        self.values = values

    def fields_(self) -> set[Field]:
        return set(self.id_field.fields_())

    def get_sql(self, parameter: Any = None, **kwargs: Any) -> str:
        if parameter is None:
            raise TypeError("a search index criterion is rendered with bound parameters only")
        marks = [_bound(parameter, value, **kwargs) for value in self.values]
        return f"{self.id_field.get_sql(**kwargs)} IN ({self.sql.format(*marks)})"


@dataclass(frozen=True)
class Narrower:
    """The index as it may be used by one request."""

    tables: IndexTables
    customers: str
    users: str
    covered: frozenset[str]
    cert: int
    max_id: int
    clean: bool  # the customers table was not written since the certificate

    def candidates(self, term: str, id_field: Term) -> Candidates | None:
        """None for a term shorter than a gram; else the candidate ids of ``term``."""
        grams = windows(term)
        if not grams:
            return None
        first, rest = grams[0], grams[1:]
        joins = "".join(
            f" JOIN `{self.tables.grams}` wsg{i} ON wsg{i}.customer_id = wsg0.customer_id AND wsg{i}.gram = {{}}"
            for i in range(1, len(grams))
        )
        sql = f"SELECT wsg0.customer_id AS id FROM `{self.tables.grams}` wsg0{joins} WHERE wsg0.gram = {{}}"
        values: list[Any] = [*rest, first]
        if not self.clean:
            sql = (
                f"SELECT wsk.id FROM ({sql} UNION SELECT wsc.id FROM `{self.customers}` wsc "
                "WHERE wsc.updated_at >= FROM_UNIXTIME({}) OR wsc.id > {}) wsk"
            )
            values += [self.cert - SKEW_S, self.max_id]
        return Candidates(id_field, sql, values)

    def for_columns(
        self, columns: Sequence[tuple[str, Term]], id_field: Term, user_field: Term
    ) -> Callable[[str, str], Criterion | None] | None:
        """A (term, LIKE pattern) → criterion function when every searched column is covered,
        else None. Its criterion is the candidates AND the columns' LIKEs, the owner's name
        as ``EXISTS`` (its user by primary key: what the LEFT JOIN finds), so counting the
        candidates needs no join of ``wp_users``."""
        if not columns or not {name for name, _ in columns} <= self.covered:
            return None

        def narrow(term: str, pattern: str) -> Criterion | None:
            candidates = self.candidates(term, id_field)
            if candidates is None:
                return None
            likes = [
                OwnerLike(self.users, user_field, pattern) if name == "owner_name" else column.like(pattern)
                for name, column in columns
            ]
            return candidates & Criterion.any(likes)

        return narrow


class OwnerLike(Criterion):
    """``EXISTS (the owner's display_name LIKE pattern)``: the owner looked up only when asked."""

    def __init__(self, users: str, user_field: Term, pattern: str) -> None:
        super().__init__()
        self.users = users
        self.user_field = user_field
        self.pattern = pattern

    def fields_(self) -> set[Field]:
        return set(self.user_field.fields_())

    def get_sql(self, parameter: Any = None, **kwargs: Any) -> str:
        if parameter is None:
            raise TypeError("a search index criterion is rendered with bound parameters only")
        placeholder = _bound(parameter, self.pattern, **kwargs)
        return (
            f"EXISTS (SELECT 1 FROM `{self.users}` wso WHERE wso.ID = {self.user_field.get_sql(**kwargs)} "
            f"AND wso.display_name LIKE {placeholder})"
        )


PROBE = (
    "SELECT s.status, s.cert, s.max_id, s.columns_covered, VERSION() LIKE %s AS mariadb, "
    "(SELECT UNIX_TIMESTAMP(UPDATE_TIME) FROM information_schema.TABLES "
    " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s) AS customers_time, "
    "(SELECT UNIX_TIMESTAMP(UPDATE_TIME) FROM information_schema.TABLES "
    " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s) AS users_time "
    "FROM `{state}` s WHERE s.name = %s"
)


def probe(names: TableNames) -> tuple[str, tuple[str, ...]]:
    """The statement (and its values) that tells whether the index may be used now."""
    return PROBE.format(state=IndexTables.for_names(names).state), (
        "%MariaDB%",
        names.customers,
        names.users,
        STATE_KEY,
    )


@dataclass(frozen=True)
class Verdict:
    usable: bool
    clean: bool  # the customers table was not written since the certificate
    reason: str


def verdict(row: Mapping[str, Any] | None) -> Verdict:
    """May a search use the index, from the probe's row (None: no state row)."""
    if row is None:
        return Verdict(False, False, "not built")
    if row["status"] != "ready":
        return Verdict(False, False, f"{row['status']} (searches use LIKE until it is ready)")
    cert = int(row["cert"])
    # UPDATE_TIME is trusted on MariaDB only (MySQL 8 caches it); NULL (after a restart) proves nothing
    mariadb = bool(row["mariadb"])

    def unwritten(stamp: Any) -> bool:
        return mariadb and stamp is not None and int(stamp) < cert

    covered = str(row["columns_covered"]).split(",")
    if "owner_name" in covered and not unwritten(row["users_time"]):
        return Verdict(False, False, "wp_users may have changed since the last pass (LIKE until a refresh)")
    clean = unwritten(row["customers_time"])
    return Verdict(True, clean, "in use" + ("" if clean else ", with the customers changed since the last pass"))


@dataclass
class SearchIndex:
    """One per worker: where the index lives, and whether it was found missing lately."""

    names: TableNames
    absent_until: float = field(default=0.0)

    async def narrower(self, db: Database) -> Narrower | None:
        """The index if a search may use it right now, else None (plain LIKE)."""
        if time.monotonic() < self.absent_until:
            return None
        try:
            row = await db.fetch_one(*probe(self.names))
        except pymysql.err.ProgrammingError:  # no state table: the index was never built here (or was dropped)
            self.absent_until = time.monotonic() + ABSENT_RECHECK_S
            return None
        found = verdict(row)
        if row is None or not found.usable:
            return None
        return Narrower(
            IndexTables.for_names(self.names),
            self.names.customers,
            self.names.users,
            frozenset(str(row["columns_covered"]).split(",")),
            int(row["cert"]),
            int(row["max_id"]),
            found.clean,
        )
