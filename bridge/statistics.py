"""Statistics in the user's scope: the customer totals, any table's total/active/inactive, and
the helpers plugins use for their tab numbers (hooks/agency.py).

Every count goes through ``wpapp_{entity}_statistics_where`` (args: context, request), where
the access filter adds the user's scope, so the numbers agree with the DataTables' totals.
Unlike the plugin, a user who may see nothing is denied, not shown
unfiltered totals. All counts of one answer come from one statement; answers are cached per
user scope and exact SQL (group ``statistics``), stale on any write to the tables they count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pypika import MySQLQuery
from pypika import functions as fn
from pypika.queries import QueryBuilder
from pypika.terms import Criterion, Term

from bridge.cache import Cache, digest, remember
from bridge.caller_memo import CallerMemo
from bridge.datatables.plan import request_filters
from bridge.errors import BridgeError, forbidden, not_found
from bridge.invalidation import SCOPE_GROUPS, STATISTICS_GROUP
from bridge.params import integer_or_400, safe
from bridge.pipeline import denies, fixed_chain, statistics_where
from bridge.statements import MEMO, Bound, bind, term_key
from bridge.tables.base import TableModel

if TYPE_CHECKING:
    from sanic import Request

    from bridge.access import Access
    from bridge.db import Database
    from bridge.hooks import Hooks
    from bridge.principal import Principal

STATISTICS_TTL = 300
TabNumbers = dict[str, object]  # what the plugin of an entity answers ``wpapp_tab_statistics`` with


class Counting(Protocol):
    """What cached counts need: the database, the cache, and the access rules (for the scope key)."""

    @property
    def db(self) -> Database: ...

    @property
    def cache(self) -> Cache: ...

    @property
    def access(self) -> Access: ...


class Tables(Counting, Protocol):
    """What the statistics of the served tables need besides: hooks, models and access configs."""

    @property
    def hooks(self) -> Hooks: ...

    @property
    def models(self) -> Mapping[str, TableModel]: ...

    @property
    def access_configs(self) -> Mapping[str, Mapping[str, Any]]: ...


@dataclass(frozen=True)
class CountOf:
    """``SELECT COUNT(*)`` (or ``COUNT(DISTINCT distinct)``) of the model's table under ``where``:
    the parts, so that a statement of counts is built and rendered only once per shape."""

    model: TableModel
    where: list[Criterion]
    distinct: Term | None = None

    def query(self, bound: Bound | None) -> QueryBuilder:
        counter = fn.Count(self.distinct).distinct() if self.distinct is not None else fn.Count("*")
        query = MySQLQuery.from_(self.model.table).select(counter)
        return query if bound is None else query.where(bound)


def count_of(model: TableModel, where: Iterable[Criterion], distinct: Term | None = None) -> CountOf:
    return CountOf(model, list(where), distinct)


def _shape(count: CountOf, bound: Bound | None, pins: list[Any]) -> tuple[Any, str | None]:
    """What of a count besides its table decides its text: the counted term and the WHERE's SQL."""
    return (None if count.distinct is None else term_key(count.distinct, pins), None if bound is None else bound.sql)


def counts_statement(counts: Mapping[str, CountOf]) -> tuple[str, dict[str, Any]]:
    """``SELECT (…) AS a, (…) AS b``: each WHERE rendered alone (``bind``), the statement around
    them once per shape (the statement memo, bridge/statements.py); the values always bound."""
    bounds = {name: bind(count.where, f"{name}_") for name, count in counts.items()}
    pins: list[Any] = [count.model.table for count in counts.values()]
    key = (
        "counts",
        *((name, id(count.model.table), _shape(count, bounds[name], pins)) for name, count in counts.items()),
    )

    def build() -> QueryBuilder:
        # pypika types ``as_`` as returning a Selectable; on a QueryBuilder it returns the aliased QueryBuilder (a Term)
        return MySQLQuery.select(*(count.query(bounds[name]).as_(name) for name, count in counts.items()))  # type: ignore[arg-type]

    return MEMO.render(key, pins, build, *bounds.values())


@dataclass(frozen=True)
class CountsStatement:
    """One answer's counts: the statement, its values, and where its result is cached."""

    sql: str
    params: dict[str, Any]
    key: str
    names: tuple[str, ...]
    groups: tuple[str, ...]


def counts_of(
    svc: Counting,
    principal: Principal,
    kind: str,
    resource: str,
    counts: Mapping[str, CountOf],
    depends: Iterable[str] = (),
) -> CountsStatement:
    sql, params = counts_statement(counts)
    key = f"stats:{kind}:{svc.access.scope_key(principal, resource)}:{digest(sql, params)}"
    return CountsStatement(sql, params, key, tuple(counts), (*SCOPE_GROUPS, resource, *depends))


async def run_counts(svc: Counting, statement: CountsStatement) -> dict[str, int]:
    """The counts, from the cache while no write evicted them (per scope and SQL)."""

    async def compute() -> dict[str, int]:
        row = await svc.db.fetch_one(statement.sql, statement.params) or {}
        return {name: int(row.get(name) or 0) for name in statement.names}

    result: dict[str, int] = await remember(
        svc.cache, statement.key, compute, ttl=STATISTICS_TTL, group=STATISTICS_GROUP, depends=statement.groups
    )
    return result


async def cached_counts(
    svc: Counting,
    principal: Principal,
    kind: str,
    resource: str,
    counts: Mapping[str, CountOf],
    depends: Iterable[str] = (),
) -> dict[str, int]:
    """Run the ``counts`` subqueries as one ``SELECT (…) AS a, (…) AS b``; cached per scope and SQL."""
    return await run_counts(svc, counts_of(svc, principal, kind, resource, counts, depends))


def optional_id(request: Request, name: str) -> int | None:
    """A positive int query parameter (bridge/params.py), or None when absent; 400 naming it otherwise."""
    return integer_or_400(request.args.get(name), name, low=1)


# The customer statistics' statement per caller and ``customer_id``, while the three chains are
# the core's access filters alone (``fixed_chain``): what S6 asks again and again.
_CUSTOMER_COUNTS: CallerMemo[CountsStatement] = CallerMemo()


async def customer_statistics(
    svc: Tables, request: Request, principal: Principal, customer_id: int | None
) -> dict[str, int]:
    """``{total_customers, total_branches, total_employees}`` the user may see (of one customer)."""
    models = [svc.models[r] for r in ("customers", "branches", "employees")]
    chains = [f"wpapp_{model.entity}_statistics_where" for model in models]
    if all(fixed_chain(svc.hooks, chain) for chain in chains):
        statement = await _CUSTOMER_COUNTS.through(
            svc.hooks, principal, customer_id, lambda: _customer_counts(svc, request, principal, customer_id)
        )
    else:
        statement = await _customer_counts(svc, request, principal, customer_id)
    result = await run_counts(svc, statement)
    if customer_id is not None and result["total_customers"] == 0:
        raise not_found("rest_customer_invalid_id", "Invalid customer ID.")
    return result


async def _customer_counts(
    svc: Tables, request: Request, principal: Principal, customer_id: int | None
) -> CountsStatement:
    customers, branches, employees = (svc.models[r] for r in ("customers", "branches", "employees"))
    wc = await statistics_where(svc.hooks, customers.entity, "total", request)
    if denies(wc):
        raise forbidden("Sorry, you are not allowed to see customer statistics.")
    wb = await statistics_where(svc.hooks, branches.entity, "total", request)
    we = await statistics_where(svc.hooks, employees.entity, "total", request)
    if customer_id is not None:
        wc.append(customers.id_field == customer_id)
        wb.append(branches.table.customer_id == customer_id)
        we.append(employees.table.customer_id == customer_id)
    counts = {
        "total_customers": count_of(customers, wc),
        "total_branches": count_of(branches, wb),
        "total_employees": count_of(employees, we),
    }
    return counts_of(svc, principal, "customers", "customers", counts)


async def table_statistics(svc: Tables, request: Request, principal: Principal, model: TableModel) -> dict[str, int]:
    """``{total, active, inactive}`` of any table whose entity has an access filter (agencies…)."""
    if model.entity not in svc.access_configs:
        raise BridgeError("rest_no_route", f"{model.resource} has no access filter, so it has no statistics.", 404)
    where = await statistics_where(svc.hooks, model.entity, "total", request)
    if denies(where):
        raise forbidden(f"Sorry, you are not allowed to see {model.resource} statistics.")
    narrow = []
    for spec in request_filters(model):
        value = optional_id(request, spec.param)
        if value is not None:
            narrow.append(model.table.field(spec.column) == value)
    counts = {"total": count_of(model, [*where, *narrow])}
    status = model.columns.get("status")
    if status is not None:
        for context in ("active", "inactive"):
            ctx_where = await statistics_where(svc.hooks, model.entity, context, request, [status.term == context])
            counts[context] = count_of(model, [*ctx_where, *narrow])
    return await cached_counts(svc, principal, f"table:{model.resource}", model.resource, counts)


async def tab_statistics(hooks: Hooks, request: Request, entity: str, entity_id: int) -> TabNumbers:
    """The numbers of an entity's tab, from the plugin that answers ``wpapp_tab_statistics``."""
    unanswered: TabNumbers | None = None
    result = await hooks.apply_filters("wpapp_tab_statistics", unanswered, entity, entity_id, request)
    if result is None:
        raise BridgeError("rest_no_route", f"No statistics tab is registered for {safe(entity, 'that entity')}.", 404)
    return result
