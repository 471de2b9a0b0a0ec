"""The table model: columns (with their SQL terms), joins, and row shaping for one table.

A model is the one place that knows a table's SQL. Routes and the DataTables engine ask it
for the base query and the column whitelist; client strings never become identifiers,
they only pick entries of ``columns``. Columns the live schema lacks are left out, so the
same model serves the plugin's real layout and its documented one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Literal, TypedDict, Unpack

from pypika import MySQLQuery, Table
from pypika import functions as fn
from pypika.queries import QueryBuilder
from pypika.terms import Criterion, Term

from bridge.responses import format_datetime
from bridge.schema import SchemaInfo, TableNames

ColumnKind = Literal["str", "int", "bool", "float", "datetime"]  # the JSON type a column's values get
OrderDir = Literal["asc", "desc"]
Cell = str | int | float | bool | None  # one JSON-typed value of a shaped row


@dataclass(frozen=True)
class ChildCount:
    """What a per-row count column counts: the rows of ``resource`` whose ``foreign_key`` is the
    row's id. The term a model gives it counts them all (what a caller who sees every such row
    gets); each request narrows it to the caller's scope of ``resource`` (``pipeline.scoped_columns``)."""

    resource: str
    foreign_key: str


@dataclass(frozen=True)
class Column:
    """A public column: its key in rows, its SQL term, and what clients may do with it."""

    name: str
    term: Term
    kind: ColumnKind = "str"
    searchable: bool = False
    orderable: bool = True
    regex: bool = False
    joins: tuple[str, ...] = ()  # names of joins this column needs
    internal: bool = False  # read for row permissions only: never shown, searched or ordered
    counts: ChildCount | None = None  # a count of child rows, scoped to the caller per request


class ColumnOptions(TypedDict, total=False):
    """What a model may say about a column besides its name, term and kind (see ``Column``)."""

    searchable: bool
    orderable: bool
    regex: bool
    joins: tuple[str, ...]
    internal: bool


@dataclass(frozen=True)
class Join:
    name: str
    table: Table
    on: Criterion


def cast(kind: ColumnKind, value: Any) -> Cell:
    """JSON-typed value: ints as ints, flags as bools, decimals as floats, datetimes as text."""
    if value is None:
        return None
    if kind == "str" and type(value) is str:  # most cells: the chain below would answer the same
        return value
    if kind == "int":
        return int(value)
    if kind == "bool":
        return bool(int(value))
    if kind == "float":
        return float(value)
    if kind == "datetime":
        return format_datetime(value) if isinstance(value, date) else str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else str(value)


# a cell of this Python type is already what ``cast`` would make of it for the column's kind
_NATIVE: dict[str, type] = {"str": str, "int": int, "float": float}

FilterValue = int | str  # a REST filter's parsed value: an id, or one of the filter's choices


@dataclass(frozen=True)
class RequestFilter:
    """A request parameter that narrows a table, e.g. ``customer_id`` for branches (an int, bound)."""

    param: str
    column: str
    required: bool = False


@dataclass
class TableModel:
    """Base for customers, branches, employees, agencies and any table a plugin adds."""

    names: TableNames
    schema: SchemaInfo
    resource: str = ""  # URL name: customers
    entity: str = ""  # singular: customer
    hook_base: str = ""  # wpapp_datatable_{hook_base}_where
    table_key: str = ""  # key in TableNames / SchemaInfo
    alias: str = "t"
    id_column: str = "id"
    columns: dict[str, Column] = field(default_factory=dict)
    joins: dict[str, Join] = field(default_factory=dict)
    datatable_keys: tuple[str, ...] = ()  # the plugin's row keys for DataTables
    default_order: tuple[tuple[str, OrderDir], ...] = (("id", "asc"),)
    request_filters: tuple[RequestFilter, ...] = ()  # DataTables/statistics parameters that narrow the table
    table_name: str = ""  # a plugin table outside TableNames: its full name (prefix included)
    # NOT NULL columns with a one-column UNIQUE index, read while the services are built
    # (bridge/wiring.py, before anything renders the model's SQL): ordering by one of them is
    # already total, so no id tie-breaker is needed (which would cost MySQL a filesort)
    unique_columns: frozenset[str] = frozenset()
    # DataTables totals split at a watermark (bridge/totals.py): only for a table whose writes
    # all say which of its rows they touched (the customers)
    settled_total: ClassVar[bool] = False
    # DataTables' "smart" search (bridge/smart_search.py): words in any order, quoted phrases,
    # ``!word``; a model whose searches must match the phrase as typed sets it False
    smart_search: ClassVar[bool] = True
    # SearchPanes and ColumnControl list columns: DataTables ``data`` names of public columns
    panes: ClassVar[tuple[str, ...]] = ()
    # what ``shape`` walks: (name, kind, the driver's type that needs no cast) per public column
    _shaping: tuple[tuple[str, ColumnKind, type | None], ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self.table = Table(self.table_name or self.names.named(self.table_key), alias=self.alias)
        self.build()

    def build(self) -> None:
        """Subclasses fill ``self.columns`` and ``self.joins`` here."""

    def has(self, column: str, table_key: str | None = None) -> bool:
        return self.schema.has(table_key or self.table_key, column)

    def add(self, column: Column) -> None:
        self.columns[column.name] = column
        self._shaping = None

    def own(self, name: str, kind: ColumnKind = "str", **options: Unpack[ColumnOptions]) -> None:
        """Add a column of the model's own table if the live schema has it."""
        if self.has(name):
            self.add(Column(name, self.table.field(name), kind, **options))

    def child_count(self, name: str, counts: ChildCount, child: Table, **options: Unpack[ColumnOptions]) -> None:
        """A column counting the rows of ``child`` (the table of ``counts.resource``) that point at
        each row: every one of them here; narrowed per request to the caller's scope of that table."""
        term = MySQLQuery.from_(child).select(fn.Count("*")).where(child.field(counts.foreign_key) == self.id_field)
        self.add(Column(name, term, "int", counts=counts, **options))

    def join(self, join: Join) -> None:
        self.joins[join.name] = join

    @property
    def real_name(self) -> str:
        """The table's name in the database (prefix included)."""
        return self.table_name or self.names.named(self.table_key)

    @property
    def id_field(self) -> Term:
        return self.table.field(self.id_column)

    def base_query(self, needed_joins: set[str] | None = None) -> QueryBuilder:
        """FROM the table plus the joins named in ``needed_joins`` (all when None)."""
        q = MySQLQuery.from_(self.table)
        for name, join in self.joins.items():
            if needed_joins is None or name in needed_joins:
                q = q.left_join(join.table).on(join.on)
        return q

    def joins_for(self, columns: list[Column]) -> set[str]:
        needed: set[str] = set()
        for column in columns:
            needed.update(column.joins)
        return needed

    def select_query(self, columns: list[Column] | None = None) -> QueryBuilder:
        cols = [c for c in self.columns.values() if not c.internal] if columns is None else columns
        return self.base_query(self.joins_for(cols)).select(*(c.term.as_(c.name) for c in cols))

    def shape(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """A raw DB row as JSON-typed values under the public column names (each REST item and
        embedded row; a cell the driver already typed as JSON wants is kept as it is)."""
        shaping = self._shaping
        if shaping is None:
            shaping = self._shaping = tuple(
                (name, col.kind, _NATIVE.get(col.kind)) for name, col in self.columns.items() if not col.internal
            )
        out: dict[str, Any] = {}
        for name, kind, native in shaping:
            if name in raw:
                value = raw[name]
                out[name] = value if value is None or type(value) is native else cast(kind, value)
        return out

    def searchable(self) -> list[Column]:
        return [c for c in self.columns.values() if c.searchable]

    def counted_resources(self) -> frozenset[str]:
        """The resources whose rows a per-row count column of this table counts (a change to
        their rows changes this table's rows too: bridge/invalidation.py)."""
        return frozenset(c.counts.resource for c in self.columns.values() if c.counts is not None)
