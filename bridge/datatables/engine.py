"""The DataTables engine: one table model, its plan, one SQL round trip, cached counts.

``recordsTotal`` (the plan's where list without the search) is cached per table, user scope
and exact SQL; it is only counted (``tot``) on a cache miss with a search, since without a
search it equals the filtered count — and when it is cached and there is no search, the
statement has no COUNT at all, just the page (read from the end past the middle). The
customers' ``recordsTotal`` is cached in two parts so that new customers do not make the old
ones be counted again (bridge/totals.py). Concurrent requests of one worker that miss the same
total share one count (bridge/singleflight.py). The answer passes
``wpapp_datatable_{t}_response`` (response, model, request) last.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from bridge.cache import MISSING, digest
from bridge.datatables import memo, panes
from bridge.datatables.extensions import Extensions
from bridge.datatables.plan import EXTENSIONS, QueryPlan, narrowed, walking_plan
from bridge.datatables.protocol import DataTableError, DataTableRequest
from bridge.datatables.rows import shape_row
from bridge.datatables.statement import Paging, compiled_page, compiled_total
from bridge.principal import Principal
from bridge.row_permissions import Ask
from bridge.singleflight import SingleFlight
from bridge.statements import Bound, bind
from bridge.tables.base import TableModel
from bridge.totals import DATA_GROUPS, TOTAL_TTL, split_total

if TYPE_CHECKING:
    from sanic import Request

    from bridge.services import Services

# recordsTotal being counted right now, per cache and key: concurrent requests of one worker
# that miss the same total (after a write evicted it) wait for that count instead of repeating it.
_COUNTING: SingleFlight[int] = SingleFlight()
# The total while it is being counted beside a new search's page: not MISSING, so that statement
# neither counts it again nor caches it (split_total caches its own parts).
_SETTLING = object()


def _tail(plan: QueryPlan, filtered: int) -> tuple[int, int] | None:
    """Past the middle of a known count, page from the end (fewer index entries skipped)."""
    if plan.limit is None or plan.start <= filtered // 2 or plan.start >= filtered:
        return None
    rows = min(int(plan.limit), filtered - plan.start)
    return max(0, filtered - plan.start - int(plan.limit)), rows


async def run(
    svc: Services,
    model: TableModel,
    request: Request,
    dt: DataTableRequest,
    principal: Principal,
    asks: list[Ask] | None = None,
    repeated: memo.Repeated | None = None,
) -> dict[str, Any]:
    """The DataTables answer for ``dt`` on ``model`` as ``principal`` sees it.

    Without a search the filtered count is ``recordsTotal``; when that is cached the
    statement carries no COUNT at all (the count, not the page, is what grows with the
    table), and a page past the middle is read from the end. A search's count is cached the
    same way (per scope and search, evicted by the same writes), so paging through a search
    or repeating it costs the page only; a new search term costs the full count. A request
    ``repeated`` (its GET query seen before) may reuse its plan (bridge/datatables/memo.py).
    """
    planned = await memo.plan(svc, model, request, dt, principal, repeated)
    plan = planned.plan
    where, search, key = planned.derived.get("prelude", lambda: _prelude(svc, model, plan, principal))
    groups = [model.resource, *DATA_GROUPS]
    full_key = f"{key}@{await svc.cache.generations(groups)}"
    filtered_key = ""
    if plan.search:  # the same search paged through, or sent again: its count is cached like the total
        filtered_key = f"dt:filtered:{key}:{digest(search.sql if search else '', search.values if search else None)}@{full_key.rsplit('@', 1)[1]}"
    counted: list[list[dict[str, Any]]] = []  # the rows of a statement that also counted

    async def count_page() -> Any:
        """The page with its counts in one statement (into ``counted``); the total, cached if it was not."""
        with_total = total is MISSING and bool(plan.search)  # without a search, total == filtered
        paging = Paging(total=with_total, window=narrowed(plan) is not None)
        rows = await svc.db.fetch_all(*compiled_page(model, plan, where, search, paging))
        if rows[0]["__filtered"] is None:  # a windowed count past the end of the matches
            rows = await svc.db.fetch_all(*compiled_page(model, plan, where, search, Paging(total=with_total)))
        counted.append(rows)
        filtered = int(rows[0]["__filtered"])
        fresh = total
        if total is MISSING:
            fresh = int(rows[0]["__total"]) if with_total else filtered
            await svc.cache.set(full_key, fresh, TOTAL_TTL, model.resource)
        if filtered_key:
            await svc.cache.set(filtered_key, filtered, TOTAL_TTL, model.resource)
        return fresh

    total: Any = MISSING
    if model.settled_total:
        settled = split_total(svc, model, key, plan.where, lambda w, p: compiled_total(model, plan, w, p))
        if plan.search and await svc.cache.get(filtered_key, MISSING) is MISSING:
            # A new search: its count and page need not wait for the table's total (a cold total
            # of 100,000 customers is ~10 ms): both statements at once, on two connections.
            total = _SETTLING
            both = await asyncio.gather(settled, count_page(), return_exceptions=True)
            for failed in both:
                if isinstance(failed, BaseException):
                    raise failed  # after both ended: neither is left running unawaited
            total = both[0]
        else:
            total = await settled
    else:
        total = await svc.cache.get(full_key, MISSING)
    if total is MISSING and not plan.search:  # concurrent requests of this worker share one count
        total = await _COUNTING.run((id(svc.cache), full_key), count_page)
    known: Any = MISSING
    if not counted:
        known = total if not plan.search else MISSING
        if plan.search and total is not MISSING:
            known = await svc.cache.get(filtered_key, MISSING)
        if known is MISSING:
            total = await count_page()

    if counted:
        rows = counted[0]
        filtered = int(rows[0]["__filtered"])
        _check_all_rows(svc, dt, filtered)
    else:
        filtered = int(known)
        _check_all_rows(svc, dt, filtered)
        rows = []
        if plan.start < filtered:
            paging = Paging(count=False, tail=_tail(plan, filtered))
            page_plan, page_search = plan, search
            walked = sum(paging.tail) if paging.tail else plan.start + int(plan.limit or filtered)
            if plan.search and (walking := walking_plan(model, plan, walked, int(total), filtered)) is not None:
                page_plan, page_search = walking, bind(walking.search, "s")
            if page_plan is plan:
                statement = planned.derived.get(paging, lambda: compiled_page(model, plan, where, search, paging))
            else:
                statement = compiled_page(model, page_plan, where, page_search, paging)
            rows = await svc.db.fetch_all(*statement)
    data = [await shape_row(svc, model, request, principal, plan, raw, asks) for raw in rows if raw["__id"] is not None]
    response: dict[str, Any] = {"draw": dt.draw, "recordsTotal": int(total), "recordsFiltered": filtered, "data": data}
    response.update(await _extension_options(svc, model, plan, dt, principal))
    response = await svc.hooks.apply_filters(f"wpapp_datatable_{model.hook_base}_response", response, model, request)
    for key, default in (("draw", dt.draw), ("recordsTotal", total), ("recordsFiltered", filtered)):
        response[key] = int(response.get(key, default))  # the protocol's numbers stay ints whatever a filter did
    return response


def _prelude(
    svc: Services, model: TableModel, plan: QueryPlan, principal: Principal
) -> tuple[Bound | None, Bound | None, str]:
    """The plan's WHERE and search, bound, and where its ``recordsTotal`` is cached (per table,
    user scope and exact SQL; the generations are added per request)."""
    where, search = bind(plan.where, "w"), bind(plan.search, "s")
    total_sql, total_params = compiled_total(model, plan, where)
    scope = svc.access.scope_key(principal, model.resource)
    return where, search, f"dt:total:{model.resource}:{scope}:{digest(total_sql, total_params or None)}"


async def _extension_options(
    svc: Services, model: TableModel, plan: QueryPlan, dt: DataTableRequest, principal: Principal
) -> dict[str, Any]:
    """``searchPanes.options`` and ``columnControl`` lists, when the client runs those extensions."""
    ext = plan.extra.get(EXTENSIONS)
    if not isinstance(ext, Extensions) or not ext.panes or not (ext.wants_panes or ext.wants_control):
        return {}
    found = await panes.options(svc, model, plan, ext, principal)
    out: dict[str, Any] = {}
    if ext.wants_panes:
        out["searchPanes"] = {"options": found}
    if ext.wants_control:
        lists: dict[str, list[dict[str, str]]] = {}
        for column in dt.columns:
            pane = next((n for n in (column.data, column.name) if n and n in found), None)
            if pane is not None:
                key = column.name or column.data or pane
                lists[key] = [{"label": o["label"], "value": o["value"]} for o in found[pane] if o["total"]]
        out["columnControl"] = lists
    return out


def _check_all_rows(svc: Services, dt: DataTableRequest, filtered: int) -> None:
    if dt.length == -1 and filtered > svc.settings.datatables_max_rows:
        raise DataTableError(
            f"length=-1 asks for all {filtered} rows, more than the {svc.settings.datatables_max_rows} "
            "this bridge returns at once (BRIDGE_DATATABLES_MAX_ROWS); page the table instead."
        )
