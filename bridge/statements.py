"""Rendering a DataTables statement once per shape, and re-binding only its values.

pypika copies a query on every builder call and renders it term by term: for the engine's
page statement that is ~0.5 ms of CPU per request, more than MySQL needs to answer it. The
parts that change between requests of the same shape are the values of the WHERE (user ids,
search patterns, ``customer_id``), so the engine renders the WHERE alone (``bind``: a few
terms), splices it into the statement as a ``Bound`` criterion whose placeholders have their
own names (``%(param_w1)s``), and keeps the rendered statement in a small per-process LRU
(``StatementMemo``) keyed by everything else the text depends on. A hit costs one render of
the WHERE; the values always travel as bound parameters, exactly as before.

The key holds the identity of the column, join and term objects the statement was built
from (and keeps them alive, so an id is never reused while its entry exists); models build
those once and never mutate them. A hook that creates new objects per request just misses.

A term built per request around a caller's criterion (a customer's ``branch_count`` counting
only the branches the caller may see) is a ``Scoped`` term: its key is the object it was made
from plus the criterion's rendered SQL, never its values, and a statement that contains it
re-binds its ``Bound`` like the WHERE's, so one caller's scope never reaches another's.

A WHERE made only of *shared* criteria (``share``: a user's access scope, built once per
principal object by bridge/access.py) is rendered once per prefix too: by the identity of those
objects, which the entry keeps.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from pypika import MySQLQuery
from pypika.queries import QueryBuilder, Selectable
from pypika.terms import Criterion, EmptyCriterion, Field, PyformatParameter, Term
from pypika.utils import format_alias_sql

# The quoting and dialect pypika uses inside a MySQL statement, for rendering a WHERE alone.
_KWARGS: dict[str, Any] = {}
MySQLQuery._builder()._set_kwargs_defaults(_KWARGS)


class Bound(Criterion):
    """A criterion rendered once, with its values; it re-binds them into the statement's collector."""

    def __init__(self, sql: str, values: dict[str, Any]) -> None:
        super().__init__()
        self.sql = sql
        self.values = values

    def fields_(self) -> set[Field]:
        return set()

    def get_sql(self, parameter: Any = None, **kwargs: Any) -> str:
        if self.values:
            if parameter is None:
                raise TypeError("a Bound criterion with values needs a parameter collector")
            for key, value in self.values.items():
                parameter.update_parameters(param_key=key, value=value)
        return f"({self.sql})"


SHARED_ENTRIES = 4096  # per process; both memos start over when full
_SHARED: dict[int, Criterion] = {}
_BOUND: dict[tuple[Any, ...], tuple[tuple[Criterion, ...], Bound | None]] = {}


def share(criterion: Criterion) -> Criterion:
    """Say that ``criterion`` is never changed and is kept by its maker (the access scope memo,
    bridge/access.py), so ``bind`` may render a list of such criteria once per prefix; any other
    criterion (a hook's, a request's value) is rendered each time."""
    if len(_SHARED) >= SHARED_ENTRIES:
        _SHARED.clear()
        _BOUND.clear()
    _SHARED[id(criterion)] = criterion
    return criterion


def bind(criteria: list[Criterion], prefix: str) -> Bound | None:
    """The AND of ``criteria`` rendered with placeholders ``param_{prefix}N``; None when empty.
    A list of shared criteria only (``share``) is rendered once: the entry holds the very
    objects its key names by id, so an id is never reused while the entry exists."""
    if not criteria or not all(_SHARED.get(id(c)) is c for c in criteria):
        return _render(criteria, prefix)
    key = (prefix, *map(id, criteria))
    kept = _BOUND.get(key)
    if kept is None:
        if len(_BOUND) >= SHARED_ENTRIES:
            _BOUND.clear()
        kept = _BOUND[key] = (tuple(criteria), _render(criteria, prefix))
    return kept[1]


def _render(criteria: list[Criterion], prefix: str) -> Bound | None:
    criterion = Criterion.all(criteria)
    if isinstance(criterion, EmptyCriterion):
        return None
    collector = PyformatParameter(placeholder=lambda n: f"param_{prefix}{n + 1}")
    sql = criterion.get_sql(parameter=collector, subquery=True, with_namespace=True, **_KWARGS)
    return Bound(sql, dict(collector.get_parameters()))


class Scoped(Term):
    """A subquery term holding a caller's criterion as ``bound`` (placeholders, values apart).

    ``origin`` is the long-lived object the term stands in for (a model's column); with the
    criterion's SQL it decides the rendered text, so it is what statement keys hold. ``query``
    makes the subquery (with ``bound`` in it) only when the term is rendered: a statement found
    in the memo never pays for building it.
    """

    def __init__(self, origin: Any, query: Callable[[], QueryBuilder], bound: Bound, alias: str | None = None) -> None:
        super().__init__(alias)
        self.origin = origin
        self.query = query
        self.bound = bound

    @property
    def key(self) -> Hashable:
        return ("scoped", id(self.origin), self.bound.sql)

    def get_sql(self, with_alias: bool = False, subquery: bool = False, **kwargs: Any) -> str:
        sql = self.query().get_sql(subquery=True, **kwargs)
        return format_alias_sql(sql, self.alias, **kwargs) if with_alias and self.alias else sql


def scoped_bounds(terms: Iterable[Any]) -> list[Bound]:
    """The ``Bound`` of each ``Scoped`` term among ``terms``: values a statement of them re-binds."""
    out: dict[int, Bound] = {}
    for term in terms:
        if isinstance(term, Scoped):
            out.setdefault(id(term.bound), term.bound)
    return list(out.values())


def term_key(term: Term, pins: list[Any]) -> Hashable:
    """A key for a column or ORDER BY term: plain fields by name (``model.id_field`` is new each
    time), a ``Scoped`` term by its origin (pinned) and criterion SQL, anything else by identity (pinned)."""
    if isinstance(term, Scoped):
        pins.append(term.origin)
        return term.key
    if type(term) is Field and term.alias is None:
        table = term.table.get_table_name() if isinstance(term.table, Selectable) else term.table
        return ("field", table, term.name)
    pins.append(term)
    return ("id", id(term))


class StatementMemo:
    """Rendered SQL by shape key, least recently used dropped first; one per process."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[str, dict[str, Any], list[Any]]] = OrderedDict()

    def render(
        self, key: Hashable, pins: list[Any], build: Callable[[], Any], *bound: Bound | None
    ) -> tuple[str, dict[str, Any]]:
        """SQL and parameters of the statement ``build()`` makes; ``bound`` are its Bound parts,
        whose current values replace the ones it was rendered with."""
        entry = self._entries.get(key)
        if entry is None:
            collector = PyformatParameter()
            sql = build().get_sql(parameter=collector)
            static = {k: v for k, v in collector.get_parameters().items() if not k.startswith("param_")}
            entry = (sql, static, pins)
            self._entries[key] = entry
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(key)
        params = dict(entry[1])
        for part in bound:
            if part is not None:
                params.update(part.values)
        return entry[0], params


# The one memo of this process, shared by the DataTables engine and the REST lists.
MEMO = StatementMemo()
