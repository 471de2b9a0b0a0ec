"""The WHERE-filter pipeline every read goes through, and the access filters that join it.

``where_for`` runs ``wpapp_datatable_{t}_where`` (value: a list of pypika Criterion, ANDed;
args: request, model) and ``statistics_where`` runs ``wpapp_{entity}_statistics_where``
(args: context, request). The access filter is one callback among others, registered like
the plugin's DataTableAccessFilter from ``wp_customer_datatable_access_configs``.

Bypass works as in the plugin (facts §3.5): administrators and platform staff (and, on the
core tables, the platform users of ``bridge/access.py``) first, then a config's
``admin_roles`` (filtered by ``wp_customer_entity_admin_roles``), then the filter
``wp_customer_should_bypass_filter`` (False, user_id, entity, principal). A logged-out visitor
is never bypassed. Everyone else gets the config's ``scope`` (principal, table) -> Criterion
(sync or async; ``bridge.access.ALL`` and ``NEVER`` are its extremes), the core's rules on the
core tables, or, for a plugin entity without a scope of its own, EntityRelationModel's rule:
rows linked, through its relation config, to customers the user may see; without a relation
config, only bypass users see it. A table no config names gets a default one: never unfiltered.

A plugin table's rows carry ``permissions`` {view, edit, delete}: administrators only, passed
through ``wpapp_datatable_{t}_permissions`` (permissions, row, principal, model, request), which
the access filter hooks into the table's ``_row_data`` chain ahead of every other callback. The
core tables' permissions are the WP Customer plugin's rules in ``bridge/access.py``, the same
for DataTables rows and REST items.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from pypika import MySQLQuery, Table
from pypika import functions as fn
from pypika.queries import QueryBuilder
from pypika.terms import Criterion, EmptyCriterion
from sanic import Request

from bridge.access import ALL, NEVER, Access, Never, RelationLink
from bridge.context import authenticated
from bridge.db import Database
from bridge.hooks import Hooks
from bridge.principal import Principal
from bridge.statements import Bound, Scoped, bind
from bridge.tables.base import ChildCount, Column, TableModel

Scope = Callable[[Principal, Table], Criterion | Awaitable[Criterion]]

# A plugin table's permissions are settled before any other ``_row_data`` callback sees the row.
PERMISSIONS_PRIORITY = -1_000_000

# The core tables' configs; plugins add theirs (hooks/agency.py adds "agency").
CORE_ACCESS_CONFIGS: dict[str, dict[str, Any]] = {
    "customer": {"resource": "customers", "hook": "wpapp_datatable_customers_where", "priority": 10},
    "branch": {"resource": "branches", "hook": "wpapp_datatable_customer_branches_where", "priority": 10},
    "employee": {"resource": "employees", "hook": "wpapp_datatable_customer_employees_where", "priority": 10},
}


async def where_for(hooks: Hooks, model: TableModel, request: Request) -> list[Criterion]:
    """The WHERE list for a read of ``model``'s table: base + every plugin filter + access."""
    where: list[object] = await hooks.apply_filters(f"wpapp_datatable_{model.hook_base}_where", [], request, model)
    return [c for c in where if isinstance(c, Criterion)]


async def statistics_where(
    hooks: Hooks, entity: str, context: str, request: Request, initial: list[Criterion] | None = None
) -> list[Criterion]:
    """The WHERE list of a statistics count; ``initial`` is the context's own condition (status…)."""
    where = await hooks.apply_filters(f"wpapp_{entity}_statistics_where", list(initial or []), context, request)
    return [c for c in where if isinstance(c, Criterion)]


async def scoped_columns(
    hooks: Hooks,
    models: Mapping[str, TableModel],
    model: TableModel,
    request: Request,
    columns: Mapping[str, Column] | None = None,
    names: Iterable[str] | None = None,
) -> dict[str, Column]:
    """``columns`` (the model's by default) with each per-row count of child rows (``Column.counts``,
    a customer's ``branch_count``) counting only the children the caller may see.

    The child table's own WHERE pipeline, access filter included, becomes the count subquery's
    criterion, so a row's count is the total the caller gets from the child table for that row.
    It stays in SQL, bound as parameters of a ``Scoped`` term (the statement memo keys on its
    SQL, never its values). A caller the pipeline leaves unfiltered keeps the model's plain
    count (the same column object, so the same statements). ``names`` limits the work to the
    columns a statement uses.
    """
    out = dict(model.columns if columns is None else columns)
    for name in out if names is None else dict.fromkeys(names):
        column = out.get(name)
        if column is None or column.counts is None or isinstance(column.term, Scoped):
            continue
        child = models[column.counts.resource]
        bound = bind(await where_for(hooks, child, request), f"{name}_")
        if bound is None:
            continue
        out[name] = replace(
            column, term=Scoped(column, partial(_count_query, model, child, column.counts, bound), bound)
        )
    return out


def _count_query(model: TableModel, child: TableModel, counts: ChildCount, bound: Bound) -> QueryBuilder:
    """``SELECT COUNT(*) FROM child WHERE child.fk = row.id AND <the caller's scope of child>``."""
    parent = child.table.field(counts.foreign_key) == model.id_field
    return MySQLQuery.from_(child.table).select(fn.Count("*")).where(parent & bound)


# The filters an access filter asks (bypass, whether to filter, the ids): while none has a
# callback, an access filter with the core's rules answers by the principal and table alone.
ACCESS_CHAINS = (
    "wp_customer_should_filter_datatable",
    "wp_customer_entity_admin_roles",
    "wp_customer_should_bypass_filter",
    "wp_customer_accessible_entity_ids",
)


def fixed_chain(hooks: Hooks, name: str) -> bool:
    """Whether the WHERE chain ``name`` (a table's ``_where``, an entity's ``_statistics_where``)
    answers by the caller and its arguments alone: every callback is an access filter with the
    core's rules, and no plugin filters what those ask. (A plugin's callback may read anything of
    the request, or the database.) Worked out once while the hooks stay as they are."""
    return hooks.settled(("fixed_chain", name), lambda: _fixed_chain(hooks, name))


def _fixed_chain(hooks: Hooks, name: str) -> bool:
    if any(hooks.has_filter(asked) for asked in ACCESS_CHAINS):
        return False
    for callback in hooks.callbacks(name):
        owner = getattr(callback, "__self__", None)
        if not isinstance(owner, AccessFilter) or not owner.fixed:
            return False
        if getattr(callback, "__func__", None) not in (AccessFilter.datatable_where, AccessFilter.statistics_where):
            return False
    return True


def fixed_where(hooks: Hooks, model: TableModel) -> bool:
    """``fixed_chain`` of ``where_for(model)``'s chain."""
    return fixed_chain(hooks, f"wpapp_datatable_{model.hook_base}_where")


def fixed_reads(hooks: Hooks, models: Mapping[str, TableModel], model: TableModel) -> bool:
    """Whether the scope of a read of ``model``, its per-row counts' scopes included
    (``scoped_columns``), depends on the caller alone (``fixed_where`` of each table)."""
    children = [models.get(c.counts.resource) for c in model.columns.values() if c.counts is not None]
    return all(child is not None and fixed_where(hooks, child) for child in children) and fixed_where(hooks, model)


def combine(where: list[Criterion]) -> Criterion:
    return Criterion.all(where)


def denies(where: list[Criterion]) -> bool:
    """True when the WHERE list can match nothing because a filter denied the user outright."""
    return any(isinstance(c, Never) for c in where)


def default_scope(access: Access, resource: str, model: TableModel, link: RelationLink | None) -> Scope:
    """The access rule for a config without its own ``scope``."""
    if access.has_rules(resource) or link is None:
        return lambda p, table: access.scope(resource, p, table)
    return lambda p, table: access.related(p, table.field(model.id_column), resource, link)


class AccessFilter:
    """One config's DataTable and statistics callbacks (DataTableAccessFilter, facts §3.5)."""

    def __init__(
        self,
        hooks: Hooks,
        access: Access,
        entity: str,
        config: Mapping[str, Any],
        model: TableModel,
        scope: Scope,
        admin_roles: Mapping[str, tuple[str, ...]] | None = None,
        db: Database | None = None,
        fixed: bool = False,
    ) -> None:
        self.hooks = hooks
        self.fixed = fixed  # the scope is the core's rules: a function of the principal and the table alone
        self.db = db  # for ``wp_customer_accessible_entity_ids``: the ids are read to be filtered
        self.access = access
        self.entity = entity
        self.config = config
        self.model = model
        self.scope = scope
        # every config's admin roles, the plugin's ``$map`` (entity → roles), this one's included
        self.admin_roles = dict(admin_roles or {entity: tuple(config.get("admin_roles") or ())})

    async def criterion(self, request: Request | None, table: Table) -> Criterion:
        """The user's scope on this config's table. As in the plugin: bypass, then
        ``wp_customer_should_filter_datatable`` (!bypass, user_id, entity, config) — False leaves
        the table unfiltered — then the scope, narrowed to an id list only when a plugin hooks
        ``wp_customer_accessible_entity_ids`` ($ids, user_id, entity, config). The bridge applies
        both to statistics too, so counts always agree with rows."""
        principal = authenticated(request)
        if not principal.logged_in:
            return NEVER
        bypass = self.access.sees_all(principal, self.model.resource) or await self.bypassed(principal)
        if not await self.hooks.apply_filters(
            "wp_customer_should_filter_datatable", not bypass, principal.user_id, self.entity, dict(self.config)
        ):
            return ALL
        scope = ALL if bypass else self.scope(principal, table)
        criterion = await scope if inspect.isawaitable(scope) else scope
        if not isinstance(criterion, Criterion):
            raise TypeError(f"the scope of the access config {self.entity!r} returned {criterion!r}, not a Criterion")
        if self.db is not None and self.hooks.has_filter("wp_customer_accessible_entity_ids"):
            return await self.accessible_ids(self.db, principal, table, criterion)
        return criterion

    async def accessible_ids(self, db: Database, principal: Principal, table: Table, criterion: Criterion) -> Criterion:
        """The ids the scope opens, through ``wp_customer_accessible_entity_ids``: one query, and
        only when a plugin hooks the filter; the answer is bound as ``id IN (…)`` (empty: none)."""
        id_field = table.field(self.model.id_column)
        query = MySQLQuery.from_(table).select(id_field).distinct()
        if not isinstance(criterion, EmptyCriterion):
            query = query.where(criterion)
        rows = await db.fetch_all(query)
        ids = [int(next(iter(row.values()))) for row in rows]
        chosen = await self.hooks.apply_filters(
            "wp_customer_accessible_entity_ids", ids, principal.user_id, self.entity, dict(self.config)
        )
        kept = sorted({int(i) for i in chosen or ()})
        return id_field.isin(kept) if kept else NEVER

    async def bypassed(self, principal: Principal) -> bool:
        roles = await self.hooks.apply_filters(
            "wp_customer_entity_admin_roles", dict(self.admin_roles), principal.user_id, self.entity
        )
        if principal.has_role(*(roles.get(self.entity) or ())):
            return True
        return bool(
            await self.hooks.apply_filters(
                "wp_customer_should_bypass_filter", False, principal.user_id, self.entity, principal
            )
        )

    async def datatable_where(
        self, where: list[Criterion], request: Request, model: TableModel | None = None
    ) -> list[Criterion]:
        return [*where, await self.criterion(request, (model or self.model).table)]

    async def statistics_where(
        self, where: list[Criterion], context: str, request: Request | None = None
    ) -> list[Criterion]:
        return [*where, await self.criterion(request, self.model.table)]


class RowPermissions:
    """A plugin table's row permissions: the core's default (administrators only) through the
    table's ``wpapp_datatable_{t}_permissions`` filter, so the plugin that serves the table
    decides what its DataTables buttons offer."""

    def __init__(self, hooks: Hooks, model: TableModel) -> None:
        self.hooks = hooks
        self.hook_base = model.hook_base

    async def row_data(
        self, row: dict[str, Any], raw: Mapping[str, Any], model: TableModel, request: Request
    ) -> dict[str, Any]:
        granted = await self.hooks.apply_filters(
            f"wpapp_datatable_{self.hook_base}_permissions",
            dict(row["permissions"]),
            raw,
            authenticated(request),
            model,
            request,
        )
        if not isinstance(granted, Mapping):
            raise TypeError(
                f"wpapp_datatable_{self.hook_base}_permissions returned {granted!r}, not a mapping of permissions"
            )
        row["permissions"] = {key: bool(value) for key, value in granted.items()}
        return row


async def register_access_filters(
    hooks: Hooks,
    access: Access,
    models: Mapping[str, TableModel],
    links: Mapping[str, RelationLink] | None = None,
    db: Database | None = None,
) -> dict[str, dict[str, Any]]:
    """Register the access filter for each config (core + plugins'); returns the configs used.

    Configs are read after every plugin has loaded, so a plugin's config is never too late
    (the PHP version reads them while wp-customer itself is loading, facts §3.5). ``links``
    are the entity relation configs, the rule for plugin entities without rules of their own.
    """
    configs = dict(await hooks.apply_filters("wp_customer_datatable_access_configs", dict(CORE_ACCESS_CONFIGS)))
    covered = {config.get("resource") or entity + "s" for entity, config in configs.items()}
    for known in models.values():  # a table no config covers is still filtered: fail closed
        if known.resource not in covered:
            configs.setdefault(known.entity, {"resource": known.resource})
    admin_roles = {entity: tuple(config.get("admin_roles") or ()) for entity, config in configs.items()}
    used: dict[str, dict[str, Any]] = {}
    permitted: set[str] = set()  # plugin tables whose permissions filter is hooked (once per table)
    for entity, config in configs.items():
        resource = config.get("resource") or entity + "s"
        model = models.get(resource)
        if model is None:
            continue
        scope = config.get("scope") or default_scope(access, resource, model, (links or {}).get(entity))
        fixed = not config.get("scope") and access.has_rules(resource)
        flt = AccessFilter(hooks, access, entity, config, model, scope, admin_roles, db, fixed)
        priority = int(config.get("priority", 10))
        hooks.add_filter(
            config.get("hook") or f"wpapp_datatable_{model.hook_base}_where", flt.datatable_where, priority
        )
        hooks.add_filter(f"wpapp_{entity}_statistics_where", flt.statistics_where, priority)
        if not access.has_rules(resource) and resource not in permitted:
            permitted.add(resource)
            permissions = RowPermissions(hooks, model)
            hooks.add_filter(f"wpapp_datatable_{model.hook_base}_row_data", permissions.row_data, PERMISSIONS_PRIORITY)
        used[entity] = {**config, "resource": resource}
    return used
