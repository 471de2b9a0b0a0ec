"""The WHERE-filter pipeline every read goes through, and the access filter that joins it.

``where_for`` runs ``wpapp_datatable_{t}_where`` (value: a list of pypika Criterion, ANDed;
args: request, model) and ``statistics_where`` runs ``wpapp_{entity}_statistics_where``
(args: context, request). The access filter is one callback among others, registered like
the plugin's DataTableAccessFilter from ``wp_customer_datatable_access_configs``.
"""

from __future__ import annotations

from typing import Any

from pypika.terms import Criterion
from sanic import Request

from bridge.access import NEVER, Access
from bridge.hooks import Hooks
from bridge.principal import ANONYMOUS, Principal
from bridge.tables.base import TableModel

# The core tables' configs; plugins add theirs (hooks/agency.py adds "agency").
CORE_ACCESS_CONFIGS: dict[str, dict[str, Any]] = {
    "customer": {"resource": "customers", "hook": "wpapp_datatable_customers_where", "priority": 10},
    "branch": {"resource": "branches", "hook": "wpapp_datatable_customer_branches_where", "priority": 10},
    "employee": {"resource": "employees", "hook": "wpapp_datatable_customer_employees_where", "priority": 10},
}


def request_principal(request: Request | None) -> Principal:
    """The principal the route authenticated; a logged-out visitor if none (deny by default)."""
    if request is None:
        return ANONYMOUS
    return getattr(request.ctx, "principal", None) or ANONYMOUS


async def where_for(hooks: Hooks, model: TableModel, request: Request) -> list[Criterion]:
    """The WHERE list for a read of ``model``'s table: base + every plugin filter + access."""
    where = await hooks.apply_filters(f"wpapp_datatable_{model.hook_base}_where", [], request, model)
    return [c for c in where if isinstance(c, Criterion)]


async def statistics_where(hooks: Hooks, entity: str, context: str, request: Request) -> list[Criterion]:
    where = await hooks.apply_filters(f"wpapp_{entity}_statistics_where", [], context, request)
    return [c for c in where if isinstance(c, Criterion)]


def combine(where: list[Criterion]) -> Criterion:
    return Criterion.all(where)


async def register_access_filters(hooks: Hooks, access: Access, models: dict[str, TableModel]) -> dict[str, dict[str, Any]]:
    """Register the access filter for each config (core + plugins'); returns the configs used.

    Configs are read after every plugin has loaded, so a plugin's config is never too late
    (the PHP version reads them while wp-customer itself is loading, facts §3.5).
    """
    configs = await hooks.apply_filters("wp_customer_datatable_access_configs", dict(CORE_ACCESS_CONFIGS))
    for entity, config in configs.items():
        resource = config.get("resource") or entity + "s"
        model = models.get(resource)
        if model is None:
            continue
        priority = int(config.get("priority", 10))
        hook = config.get("hook") or f"wpapp_datatable_{model.hook_base}_where"
        scope = config.get("scope") or (lambda p, table, _r=resource: access.scope(_r, p, table))

        def datatable_where(where: list, request: Request, m: TableModel, _scope=scope, _model=model) -> list:
            principal = request_principal(request)
            return [*where, _scope(principal, (m or _model).table) if principal.logged_in else NEVER]

        def stats_where(where: list, context: str, request: Request, _scope=scope, _model=model) -> list:
            principal = request_principal(request)
            return [*where, _scope(principal, _model.table) if principal.logged_in else NEVER]

        hooks.add_filter(hook, datatable_where, priority)
        hooks.add_filter(f"wpapp_{entity}_statistics_where", stats_where, priority)
    return configs
