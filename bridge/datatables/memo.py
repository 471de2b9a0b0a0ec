"""A repeated DataTables request, parsed and planned once per worker.

A DataTables client sends one request again and again (the same columns, order and page; only
``draw`` counts up), and parsing its ~40 bracketed parameters and building its plan through the
filter chains was ~40 % of the time of such a request (py-spy, S1 at 16 connections). What is
parsed depends on the query alone. The plan depends on the query and the caller alone while the
table's chains hold no plugin callback (``fixed_plan``: no ``_columns``, ``_joins`` or
``_query_builder`` callback, and ``_where`` chains, the counted child tables' too, of access
filters with the core's rules, whose bypass, scope and ids no plugin filters), and while there
is no global search (the search index's state is part of its plan).

So a GET's query without its ``draw`` keys the parsed request, and with the caller's principal
object the plan (bridge/caller_memo.py: kept for that object at the hooks' version). A request
that failed is never kept (it is parsed and refused again), nor is a POST (its body may be large).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bridge.caller_memo import CallerMemo, Derived
from bridge.datatables.plan import QueryPlan, build_plan
from bridge.datatables.protocol import DataTableRequest
from bridge.hooks import Hooks
from bridge.override import sent_method
from bridge.params import MAX_INT
from bridge.pipeline import fixed_reads
from bridge.principal import Principal
from bridge.tables.base import TableModel

if TYPE_CHECKING:
    from sanic import Request

    from bridge.services import Services

ENTRIES = 1024  # per worker and kind; a memo starts over when full
_DRAW = "draw="


@dataclass(frozen=True)
class Repeated:
    """A GET's query without its ``draw``, and that draw."""

    query: str
    draw: int


@dataclass(frozen=True)
class Parsed:
    dt: DataTableRequest  # with draw 0: each request gets its own
    plugin_shape: bool


@dataclass(frozen=True)
class Planned:
    """A plan, and what the engine works out from it and the caller alone (its bound WHERE, the
    total's statement and cache key, a page's statement), kept with it while the plan is kept."""

    plan: QueryPlan
    derived: Derived


_PARSED: dict[tuple[str, int, str], Parsed] = {}
_PLANS: CallerMemo[tuple[TableModel, Planned]] = CallerMemo()


def repeated(request: Request) -> Repeated | None:
    """The key of a GET whose only ``draw`` is ``draw=`` and digits; None for any other request.
    The key is the query with those digits cut out: the query is the key with the draw put back."""
    if request.method != "GET" or sent_method(request) != "GET" or request.body:
        return None
    query = request.query_string
    start = 0 if query.startswith(_DRAW) else query.find("&" + _DRAW) + 1
    if start == 0 and not query.startswith(_DRAW):
        return None
    digits_at = start + len(_DRAW)
    end = query.find("&", digits_at)
    end = len(query) if end < 0 else end
    if query.find("&" + _DRAW, end) >= 0:
        return None  # a second draw: refused by the parser, never kept
    digits = query[digits_at:end]
    if not (0 < len(digits) <= 19 and digits.isascii() and digits.isdigit()) or int(digits) > MAX_INT:
        return None
    return Repeated(query[:digits_at] + query[end:], int(digits))


def parsed(table: str, max_rows: int, key: Repeated) -> tuple[DataTableRequest, bool] | None:
    """The request and its ``shape=plugin`` as parsed before for this query, with this draw."""
    kept = _PARSED.get((table, max_rows, key.query))
    if kept is None:
        return None
    return replace(kept.dt, draw=key.draw), kept.plugin_shape


def keep_parsed(table: str, max_rows: int, key: Repeated, dt: DataTableRequest, plugin_shape: bool) -> None:
    """Keep a request parsed without error (only if its draw is the one the key read)."""
    if dt.draw != key.draw:
        return
    if len(_PARSED) >= ENTRIES:
        _PARSED.clear()
    _PARSED[(table, max_rows, key.query)] = Parsed(replace(dt, draw=0), plugin_shape)


def fixed_plan(hooks: Hooks, models: Mapping[str, TableModel], model: TableModel) -> bool:
    """Whether ``model``'s plan depends on nothing but the request's parameters and the caller
    (see the module's docstring); worked out once while the hooks stay as they are (the value
    keeps the model its key names by id)."""

    def work_out() -> tuple[TableModel, bool]:
        t = model.hook_base
        fixed = not any(
            hooks.has_filter(f"wpapp_datatable_{t}_{part}") for part in ("columns", "joins", "query_builder")
        ) and fixed_reads(hooks, models, model)
        return model, fixed

    return hooks.settled(("fixed_plan", id(model)), work_out)[1]


async def plan(
    svc: Services, model: TableModel, request: Request, dt: DataTableRequest, principal: Principal, key: Repeated | None
) -> Planned:
    """``build_plan``'s answer, from this worker's memo when this caller sent this query before
    and the plan can depend on nothing else."""
    hooks = svc.hooks
    if key is None or dt.search.value or not fixed_plan(hooks, svc.models, model):
        return Planned(await build_plan(svc, model, request, dt), Derived(kept=False))

    async def make() -> tuple[TableModel, Planned]:
        return model, Planned(await build_plan(svc, model, request, dt), Derived(kept=True))

    return (await _PLANS.through(hooks, principal, (id(model), key.query), make))[1]
