"""WP Agency integration — the bridge's AgencyTabController and the working example
of an integration plugin (the API is described in ``bridge/plugins.py``).

It registers, when the site has WP Agency's tables:

- the ``agencies`` table model (``/datatables/agencies``): wp-agency's columns, with the
  province and regency names joined from the regions tables by *code* (facts §2.5);
- the agency access config (DataTableAccessFilter's one default config, facts §3.5): its
  four admin roles, who see every agency (the core passes them through
  ``wp_customer_entity_admin_roles``), and its ``scope`` for everyone else;
- the agencies' row permissions (``wpapp_datatable_agencies_permissions``): wp-agency's
  ``edit_agency`` / ``delete_agency`` buttons (facts §2.5);
- the agency relation config (branches link agencies to customers, facts §4.1);
- the agency info tab's numbers (``/tabs/agency/{id}/statistics``), scoped to the user and
  passed through ``wp_customer_agency_statistics_data`` (stats, agency_id, user_id, request).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pypika import MySQLQuery, Table
from pypika.terms import Criterion, EmptyCriterion
from sanic import Request

from bridge.access import ALL, Access, any_of
from bridge.context import authenticated
from bridge.errors import forbidden, not_found
from bridge.hooks import Hooks
from bridge.pipeline import denies, statistics_where
from bridge.plugins import Registry
from bridge.principal import Principal
from bridge.schema import SchemaInfo, TableNames
from bridge.services import services
from bridge.statistics import cached_counts, count_of
from bridge.tables.base import Column, Join, TableModel

# The four agency roles that see every agency: DataTableAccessFilter's entity admin role map for
# ``agency`` (facts §3.5), which the core passes through ``wp_customer_entity_admin_roles``.
AGENCY_ADMIN_ROLES = ("agency_admin_dinas", "agency_admin_unit", "agency_kepala_dinas", "agency_kepala_bidang")

# DataTableAccessFilter's agency config (facts §3.5); table_alias/id_column are the plugin's keys,
# kept for parity: the bridge takes both from the table model. ``register`` adds the ``scope``.
ACCESS_CONFIG = {
    "resource": "agencies",
    "hook": "wpapp_datatable_agencies_where",
    "table_alias": "a",
    "id_column": "id",
    "priority": 10,
    "admin_roles": AGENCY_ADMIN_ROLES,
}
RELATION_CONFIG = {
    "bridge_table": "app_customer_branches",
    "entity_column": "agency_id",
    "customer_column": "customer_id",
    "access_filter": True,
    "cache_group": "wp_customer_agency_relations",
    "cache_ttl": 3600,
}


class AgenciesModel(TableModel):
    """``{prefix}app_agencies a`` with ``wi_provinces p`` / ``wi_regencies r`` joined by code."""

    def __init__(self, names: TableNames, schema: SchemaInfo) -> None:
        super().__init__(
            names,
            schema,
            resource="agencies",
            entity="agency",
            hook_base="agencies",
            table_key="agencies",
            alias="a",
            datatable_keys=("code", "name", "provinsi_name", "regency_name"),
            default_order=(("name", "asc"),),
        )

    def build(self) -> None:
        a, n = self.table, self.names
        self.own("id", "int")
        self.own("code", searchable=True)
        self.own("name", searchable=True)
        self.own("status")
        self.own("provinsi_code")
        self.own("regency_code")
        for name in ("user_id", "created_by"):
            self.own(name, "int")
        self.own("reg_type")
        self.own("created_at", "datetime")
        self.own("updated_at", "datetime")
        if self.has("provinsi_code"):
            province = Table(n.provinces, alias="p")
            self.join(Join("province", province, province.code == a.provinsi_code))
            self.add(Column("provinsi_name", province.name, searchable=True, joins=("province",)))
        if self.has("regency_code"):
            regency = Table(n.regencies, alias="r")
            self.join(Join("regency", regency, regency.code == a.regency_code))
            self.add(Column("regency_name", regency.name, searchable=True, joins=("regency",)))


def agency_scope(names: TableNames) -> Callable[[Principal, Table], Criterion]:
    """The agencies a user below the bypass may see (DESIGN §5): every agency for a platform user
    (any ``platform_*`` role), the agencies of the branches of the customers they belong to, and
    the agencies they belong to themselves (wp-agency shows those users nothing; README,
    "Differences"). Administrators, platform staff and the admin roles never get here."""
    branches = Table(names.branches, alias="scope_b")

    def scope(p: Principal, a: Table) -> Criterion:
        if any(r.startswith("platform_") for r in p.roles):
            return ALL
        parts: list[Criterion] = []
        own = Access.customer_ids(p)
        if own:
            of_branches = MySQLQuery.from_(branches).select(branches.agency_id).where(branches.customer_id.isin(own))
            parts.append(a.id.isin(of_branches))
        memberships = sorted({m.agency_id for m in p.relations.agencies})
        if memberships:
            parts.append(a.id.isin(memberships))
        return any_of(parts)

    return scope


async def statistics_bypassed(hooks: Hooks, p: Principal) -> bool:
    """CustomerStatisticsModel's bypass (facts §4.2): the agency tab counts every customer and
    branch of the agency for the ``administrator`` role, platform staff (who see them all anyway),
    the roles of ``wp_customer_agency_admin_roles`` ($roles, $user_id) and whom
    ``wp_customer_should_bypass_agency_statistics_filter`` (False, $user_id, $user) lets through.
    The role list starts empty, not with the plugin's four agency admin roles: the bridge counts
    what the user may see (README, "Differences"); a plugin adding them restores the plugin's
    unscoped numbers."""
    if p.has_role("administrator") or p.is_platform_staff:
        return True
    none: list[str] = []
    roles = await hooks.apply_filters("wp_customer_agency_admin_roles", none, p.user_id)
    if p.has_role(*roles):
        return True
    return bool(await hooks.apply_filters("wp_customer_should_bypass_agency_statistics_filter", False, p.user_id, p))


def agency_permissions(permissions: Mapping[str, bool], row: Mapping[str, Any], p: Principal) -> dict[str, bool]:
    """wp-agency draws its edit and delete buttons from these capabilities (facts §2.5)."""
    admin = p.is_administrator
    return {**permissions, "edit": admin or p.can("edit_agency"), "delete": admin or p.can("delete_agency")}


async def agency_tab_statistics(
    value: dict[str, Any] | None, entity: str, agency_id: int, request: Request
) -> dict[str, Any] | None:
    """``{customer_count, branch_count, has_customers, has_branches}`` for the agency info tab.

    Counted like CustomerStatisticsModel but in the user's scope: branches of the
    agency the user may see, and the distinct customers of those that the user may see. An
    agency outside the user's scope is a 404, as for any read by id.
    """
    if entity != "agency":
        return value
    svc = services(request)
    agencies, branches, customers = (svc.models[r] for r in ("agencies", "branches", "customers"))
    principal = authenticated(request)
    seen = await statistics_where(svc.hooks, "agency", "tab", request)
    if denies(seen):
        raise forbidden("Sorry, you are not allowed to see agencies.")
    bypass = await statistics_bypassed(svc.hooks, principal)
    wb = [] if bypass else await statistics_where(svc.hooks, "branch", "tab", request)
    wc = [] if bypass else await statistics_where(svc.hooks, "customer", "tab", request)
    b = branches.table
    in_agency = [*wb, b.agency_id == agency_id]
    of_customers = in_agency
    if not all(isinstance(c, EmptyCriterion) for c in wc):  # only narrow when some customers are hidden
        visible = MySQLQuery.from_(customers.table).select(customers.id_field).where(Criterion.all(wc))
        of_customers = [*in_agency, b.customer_id.isin(visible)]
    counts = {
        "agency": count_of(agencies, [*seen, agencies.id_field == agency_id]),
        "customer_count": count_of(branches, of_customers, distinct=b.customer_id),
        "branch_count": count_of(branches, in_agency),
    }
    result = await cached_counts(svc, principal, f"agency_tab:{agency_id}", "agencies", counts, depends=("agencies",))
    if not result["agency"]:
        raise not_found("rest_agency_invalid_id", "Invalid agency ID.")
    stats = {
        "customer_count": result["customer_count"],
        "branch_count": result["branch_count"],
        "has_customers": result["customer_count"] > 0,
        "has_branches": result["branch_count"] > 0,
    }
    return await svc.hooks.apply_filters(
        "wp_customer_agency_statistics_data", stats, agency_id, principal.user_id, request
    )


def register(registry: Registry) -> None:
    if not registry.schema.has_table("agencies"):
        return  # WP Agency is not installed on this site: nothing to integrate with
    registry.add_table(AgenciesModel(registry.names, registry.schema))
    config = {**ACCESS_CONFIG, "scope": agency_scope(registry.names)}
    registry.hooks.add_filter("wp_customer_datatable_access_configs", lambda configs: {**configs, "agency": config})
    registry.hooks.add_filter("wpapp_datatable_agencies_permissions", agency_permissions)
    registry.hooks.add_filter(
        "wp_customer_entity_relation_configs", lambda configs: {**configs, "agency": dict(RELATION_CONFIG)}
    )
    registry.hooks.add_filter("wpapp_tab_statistics", agency_tab_statistics, 10)
