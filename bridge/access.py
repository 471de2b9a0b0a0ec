"""Who may see and do what: the scopes of README "Who sees what" as SQL criteria, and row permissions.

This module holds the WP Customer plugin's own rules (customers, branches, employees) and the
generic ones every other entity gets: administrators and platform staff see everything
(DataTableAccessFilter's bypass, facts §3.5), a logged-out visitor nothing. An integration
plugin brings its own table's rules in its one file (``hooks/agency.py`` is the example): its
scope as the access config's ``scope``, its admin roles as the config's ``admin_roles``, its
row permissions through ``wpapp_datatable_{t}_permissions``; ``bridge/pipeline.py`` applies
them. Reads ask for a pypika ``Criterion`` that is ANDed into the query (so counts, rows and
statistics agree); writes ask for a yes/no on top of that scope. A user's scope is the union of
every relation they hold; only active relation rows count (the Principal already holds only
those).

Agency users' scope on customers, branches and employees stays here although it names
agencies: it is the WP Customer plugin's own code. WP Agency only says *who* is an agency user
and at which level (its ``wp_customer_access_type`` filter, facts §3.2/§3.4; here the
Principal's agency memberships), while wp-customer's CustomerModel and BranchModel turn the
``agency`` access type into SQL (facts §2.1, §2.2): the customers with a branch of the agency,
the branches of the agency, of the division's jurisdictions, or inspected by the user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pypika import MySQLQuery, Table
from pypika.queries import QueryBuilder
from pypika.terms import Criterion, EmptyCriterion, Term

from bridge.principal import Principal
from bridge.schema import SchemaInfo, TableNames
from bridge.statements import share

SCOPED_RESOURCES = ("customers", "branches", "employees")


class RelationLink(Protocol):
    """Where a plugin entity meets customers: a bridge table with an entity and a customer column
    (read-only, so a frozen ``relations.RelationConfig`` is one)."""

    @property
    def bridge_table(self) -> str: ...
    @property
    def entity_column(self) -> str: ...
    @property
    def customer_column(self) -> str: ...


VIEW_CAPS = {
    "customers": "view_customer_list",
    "branches": "view_customer_branch_list",
    "employees": "view_customer_employee_list",
}


class Never(Criterion):
    """A criterion no row satisfies: the scope of someone who may see nothing."""

    def get_sql(self, **kwargs: Any) -> str:
        return "1=0"


NEVER = Never()
ALL = EmptyCriterion()

SCOPE_ENTRIES = 1024  # per process; the memo starts over when full


def any_of(criteria: Iterable[Criterion]) -> Criterion:
    """OR of ``criteria``; no criteria at all means nothing is visible."""
    items = [c for c in criteria if c is not None]
    if not items:
        return NEVER
    combined = items[0]  # not Criterion.any: pypika types its result as any Term
    for item in items[1:]:
        combined |= item
    return combined


def _ids(values: Iterable[int]) -> list[int]:
    return sorted({int(v) for v in values})


@dataclass(frozen=True)
class Access:
    """Scope criteria and permissions for one site (its table names and columns)."""

    names: TableNames
    schema: SchemaInfo
    # ``scope``'s memo: (resource, principal id, table id) -> (principal, table, criterion)
    _scopes: dict[tuple[str, int, int], tuple[Principal, Table, Criterion]] = field(
        default_factory=dict, compare=False, repr=False
    )

    # ---- access types a filter changed ------------------------------------------------------
    @staticmethod
    def changed_type(p: Principal, resource: str) -> str | None:
        """The access type governing ``resource`` when a filter (or the signed PHP statement) made
        it differ from the computed one, else None (the computed rules below hold, every relation
        the user has counting). ``wp_customer_access_type`` governs customers and employees,
        ``wp_customer_branch_access_type`` branches (bridge/access_types.py)."""
        t = p.access
        if t is None or not p.logged_in or resource not in VIEW_CAPS:
            return None
        final, computed = (t.branch, t.computed_branch) if resource == "branches" else (t.customer, t.computed)
        return final if final != computed else None

    def typed_scope(self, kind: str, p: Principal, resource: str, table: Table) -> Criterion:
        """The rows an access type opens, as the plugin's models scope them: ``admin`` and
        ``platform`` everything, ``agency`` the agency's, a customer-side type the user's own
        relations, ``none`` or a type nobody scopes nothing."""
        if kind in ("admin", "platform"):
            return ALL
        if kind == "agency":
            return self._relation_scope(p, resource, table, own=False)
        if kind in ("customer_admin", "customer_branch_admin", "customer_employee"):
            return self._relation_scope(p, resource, table, agency=False)
        return NEVER

    # ---- who sees everything -------------------------------------------------------------
    def sees_all(self, p: Principal, resource: str) -> bool:
        """Administrators and platform users see every row of ``resource`` (read). On a plugin's
        table that is administrators and platform staff, DataTableAccessFilter's bypass (facts
        §3.5); the plugin's admin roles and scope (bridge/pipeline.py) may open it to more."""
        if not p.logged_in:
            return False
        changed = self.changed_type(p, resource)
        if changed is not None:
            return changed in ("admin", "platform")
        if p.is_administrator:
            return True
        if resource not in VIEW_CAPS:
            return p.is_platform_staff
        return p.is_platform_viewer(VIEW_CAPS[resource])

    def scope_key(self, p: Principal, resource: str) -> str:
        """A cache-key part naming the user's scope: shared only by users who see everything."""
        return "all" if self.sees_all(p, resource) else f"user:{p.user_id}"

    # ---- relation id sets ------------------------------------------------------------------
    @staticmethod
    def customer_ids(p: Principal) -> list[int]:
        """Customers the user belongs to as owner, branch admin or employee."""
        r = p.relations
        return _ids([*r.owned_customers, *(c for _, c in r.admin_branches), *(c for _, c, _ in r.employee_rows)])

    def _agency_branch_criterion(self, p: Principal, b: Table) -> Criterion | None:
        """Branches an agency user may see: the agency's, the division's jurisdictions, or inspected
        (BranchModel's scope of the ``agency`` access type, facts §2.2: wp-customer's rule)."""
        parts: list[Criterion] = []
        whole = _ids(m.agency_id for m in p.relations.agencies if m.level == "agency")
        divisions = _ids(m.division_id for m in p.relations.agencies if m.level == "division" and m.division_id)
        if whole:
            parts.append(b.agency_id.isin(whole))
        if divisions:
            if self.schema.has("branches", "regency_id") and self.schema.has("jurisdictions", "jurisdiction_code"):
                j, rg = Table(self.names.jurisdictions, alias="scope_j"), Table(self.names.regencies, alias="scope_r")
                regencies = (
                    MySQLQuery.from_(j)
                    .join(rg)
                    .on(rg.code == j.jurisdiction_code)
                    .select(rg.id)
                    .where(j.division_id.isin(divisions))
                )
                parts.append(b.regency_id.isin(regencies))
            if self.schema.has("branches", "division_id"):
                parts.append(b.division_id.isin(divisions))
        if any(m.level == "inspector" for m in p.relations.agencies) and self.schema.has("branches", "inspector_id"):
            parts.append(b.inspector_id == p.user_id)
        return any_of(parts) if parts else None

    def _agency_branches(self, p: Principal, select: str) -> QueryBuilder | None:
        """``SELECT <select> FROM branches WHERE <agency scope>`` or None for non-agency users."""
        sb = Table(self.names.branches, alias="scope_b")
        criterion = self._agency_branch_criterion(p, sb)
        if criterion is None:
            return None
        return MySQLQuery.from_(sb).select(sb.field(select)).where(criterion)

    # ---- scopes ----------------------------------------------------------------------------
    def customers(self, p: Principal, c: Table) -> Criterion:
        return self._scope(p, "customers", c)

    def branches(self, p: Principal, b: Table) -> Criterion:
        return self._scope(p, "branches", b)

    def employees(self, p: Principal, e: Table) -> Criterion:
        return self._scope(p, "employees", e)

    def _scope(self, p: Principal, resource: str, table: Table) -> Criterion:
        if self.sees_all(p, resource):
            return ALL
        if not p.logged_in:
            return NEVER
        changed = self.changed_type(p, resource)
        if changed is not None:
            return self.typed_scope(changed, p, resource, table)
        return self._relation_scope(p, resource, table)

    def _relation_scope(
        self, p: Principal, resource: str, table: Table, own: bool = True, agency: bool = True
    ) -> Criterion:
        """The union of the user's relations on ``resource``: ``own`` (owner, branch admin,
        employee) and ``agency`` (the agency memberships)."""
        r = p.relations
        parts: list[Criterion] = []
        if resource == "employees":
            if own and r.owned_customers:
                parts.append(table.customer_id.isin(_ids(r.owned_customers)))
            branch_ids = _ids([*(b for b, _ in r.admin_branches), *(b for _, _, b in r.employee_rows)])
            if own and branch_ids:
                parts.append(table.branch_id.isin(branch_ids))
            of_agency = self._agency_branches(p, "id") if agency else None
            if of_agency is not None:
                parts.append(table.branch_id.isin(of_agency))
            return any_of(parts)
        mine = self.customer_ids(p) if own else []
        if mine:
            parts.append((table.id if resource == "customers" else table.customer_id).isin(mine))
        if agency and resource == "customers":
            of_agency = self._agency_branches(p, "customer_id")
            if of_agency is not None:
                parts.append(table.id.isin(of_agency))
        elif agency:
            criterion = self._agency_branch_criterion(p, table)
            if criterion is not None:
                parts.append(criterion)
        return any_of(parts)

    def related(self, p: Principal, id_field: Term, resource: str, link: RelationLink) -> Criterion:
        """A plugin entity's rows linked to a customer the user may see (EntityRelationModel's rule,
        as a subquery: ``id IN (SELECT entity_column FROM bridge WHERE customer_column IN …)``)."""
        if self.sees_all(p, resource):
            return ALL
        customers = self.customer_subquery(p)
        if customers is None:
            return NEVER
        bridge = Table(link.bridge_table, alias="scope_rel")
        linked = bridge.field(link.customer_column)
        criterion = linked.notnull() if customers is ALL else linked.isin(customers)
        return id_field.isin(MySQLQuery.from_(bridge).select(bridge.field(link.entity_column)).where(criterion))

    def customer_subquery(self, p: Principal) -> QueryBuilder | EmptyCriterion | None:
        """``SELECT id FROM customers WHERE <scope>``; ALL when every customer is visible, None when none is."""
        c = Table(self.names.customers, alias="scope_c")
        criterion = self.customers(p, c)
        if isinstance(criterion, Never):
            return None
        if isinstance(criterion, EmptyCriterion):
            return ALL
        return MySQLQuery.from_(c).select(c.id).where(criterion)

    def has_rules(self, resource: str) -> bool:
        """True for the resources this module has scope rules for."""
        return resource in SCOPED_RESOURCES

    def scope(self, resource: str, p: Principal, table: Table) -> Criterion:
        """The user's scope on ``resource``; a resource without rules is open to bypass users only.

        It depends on nothing but its arguments (principals are frozen; a new load is a new
        object), so it is built once per principal object and table and shared (``share``): a
        request with the principal the cache's memo gave the last one renders it from memo too.
        """
        key = (resource, id(p), id(table))
        kept = self._scopes.get(key)
        if kept is not None and kept[0] is p and kept[1] is table:
            return share(kept[2])  # again: the statement memo may have started over
        criterion = self._build_scope(resource, p, table)
        if len(self._scopes) >= SCOPE_ENTRIES:
            self._scopes.clear()
        self._scopes[key] = (p, table, criterion)
        return share(criterion)

    def _build_scope(self, resource: str, p: Principal, table: Table) -> Criterion:
        if resource in SCOPED_RESOURCES:
            rule: Callable[[Principal, Table], Criterion] = getattr(self, resource)  # the method of that name
            return rule(p, table)
        return ALL if self.sees_all(p, resource) else NEVER

    # ---- permissions -----------------------------------------------------------------------
    def can_create_customer(self, p: Principal) -> bool:
        return p.logged_in and (p.is_administrator or p.can("add_customer"))

    def customer_permissions(self, p: Principal, row: Mapping[str, Any]) -> dict[str, bool]:
        cid = int(row["id"])
        owner = cid in p.relations.owned_customers
        edit = p.is_administrator or p.can("edit_all_customers") or (owner and p.can("edit_own_customer"))
        return {"view": True, "edit": edit, "delete": p.can("delete_customer")}

    def can_change_customer_owner(self, p: Principal) -> bool:
        """Changing a customer's ``user_id`` needs ``edit_all_customers`` on top of edit."""
        return p.logged_in and p.is_administrator

    def can_create_branch(self, p: Principal, customer_id: int) -> bool:
        if not p.logged_in:
            return False
        if p.is_administrator:
            return True
        return customer_id in p.relations.owned_customers or p.can("add_customer_branch")

    def branch_permissions(self, p: Principal, row: Mapping[str, Any]) -> dict[str, bool]:
        bid, cid = int(row["id"]), int(row.get("customer_id") or 0)
        owner = cid in p.relations.owned_customers
        admin_of = any(b == bid for b, _ in p.relations.admin_branches)
        # The plugin's last clause checks ``edit_customer_branch``, which nobody holds (no role
        # grants it). Reading it as ``edit_all_customer_branches`` must not let a customer_admin
        # (who holds that cap for their own customer) edit another customer's branches where they
        # are merely staff: for customer-side users only the owner / branch-admin clauses count.
        customer_side = bool(p.relations.owned_customers or p.relations.admin_branches or p.relations.employee_rows)
        edit = (
            p.is_administrator
            or owner
            or (p.can("edit_all_customer_branches") and not customer_side)
            or (admin_of and p.can("edit_own_customer_branch"))
        )
        delete = owner or p.can("delete_customer_branch")
        if head_office_kept(row):
            delete = False
        return {"view": True, "edit": edit, "delete": delete}

    def can_create_employee(self, p: Principal, customer_id: int, branch_id: int) -> bool:
        if not p.logged_in:
            return False
        if p.has_role("administrator") or customer_id in p.relations.owned_customers:
            return True
        if any(b == branch_id for b, _ in p.relations.admin_branches):
            return p.can("add_customer_employee")
        return p.can("add_customer_employee") and not p.relations.admin_branches and not p.relations.employee_rows

    def employee_permissions(self, p: Principal, row: Mapping[str, Any]) -> dict[str, bool]:
        cid, bid = int(row.get("customer_id") or 0), int(row.get("branch_id") or 0)
        owner = cid in p.relations.owned_customers
        admin_of = any(b == bid for b, _ in p.relations.admin_branches)
        creator = int(row.get("created_by") or 0) == p.user_id and p.user_id > 0
        edit = (
            owner
            or p.can("edit_all_customer_employees")
            or ((admin_of or creator) and p.can("edit_own_customer_employee"))
        )
        delete = owner or p.can("delete_customer_employee")
        return {"view": True, "edit": edit, "delete": delete}

    def permissions(self, resource: str, p: Principal, row: Mapping[str, Any]) -> dict[str, bool]:
        if resource == "customers":
            return self.customer_permissions(p, row)
        if resource == "branches":
            return self.branch_permissions(p, row)
        if resource == "employees":
            return self.employee_permissions(p, row)
        # A plugin's table: administrators only, until its ``wpapp_datatable_{t}_permissions`` says more.
        return {"view": True, "edit": p.is_administrator, "delete": p.is_administrator}


# The plugin's permission filters, for what its rules refuse: each starts from
# False, as in the plugin, and gets the plugin's arguments. They can only widen what a caller may
# do to rows already in their scope; reads stay scoped in SQL.
CAN_CREATE_BRANCH = "wp_customer_can_create_branch"  # (False, customer_id, user_id)
CAN_DELETE_BRANCH = "wp_customer_can_delete_customer_branch"  # (False, relation)
CAN_CREATE_EMPLOYEE = "wp_customer_can_create_customer_employee"  # (False, customer_id, branch_id, user_id)
CAN_EDIT_EMPLOYEE = "wp_customer_can_edit_customer_employee"  # (False, employee, customer, user_id)
CAN_VIEW_EMPLOYEE = "wp_customer_can_view_customer_employee"  # (False, employee, customer, user_id)


class FilterHooks(Protocol):
    async def apply_filters(self, name: str, value: Any, *args: Any) -> Any: ...


async def granted_by_filter(hooks: FilterHooks, name: str, *args: Any) -> bool:
    """True when a plugin's permission filter allows what the rules refused."""
    return bool(await hooks.apply_filters(name, False, *args))


def head_office_kept(row: Mapping[str, Any]) -> bool:
    """The plugin's head-office rule: a ``pusat`` branch with active ``cabang`` is never deleted,
    whatever its permission filter says (when the row carries the count: DataTables)."""
    return row.get("type") == "pusat" and int(row.get("active_cabang_count") or 0) > 0


def branch_relation(p: Principal, row: Mapping[str, Any]) -> dict[str, Any]:
    """``BranchModel::getUserRelation($branch_id)`` for a visible branch, as canDeleteBranch passes
    it to its filter: the four booleans for this branch, its ids and names, its access type; plus
    ``user_id``, which Python callbacks have always had."""
    bid, cid = int(row.get("id") or 0), int(row.get("customer_id") or 0)
    owner = cid in p.relations.owned_customers
    admin = any(b == bid for b, _ in p.relations.admin_branches)
    flags = {
        "is_admin": p.is_administrator,
        "is_customer_admin": owner,
        "is_customer_branch_admin": admin,
        "is_customer_employee": any(c == cid for _, c, _ in p.relations.employee_rows) and not owner and not admin,
    }
    kinds = ("admin", "customer_admin", "customer_branch_admin", "customer_employee")
    kind = next((k for k, held in zip(kinds, flags.values(), strict=True) if held), None)
    general = p.access.branch if p.access is not None else "none"
    return {
        **flags,
        "branch_id": bid,
        "customer_id": cid,
        "customer_name": row.get("customer_name"),
        "branch_name": row.get("name"),
        "access_type": kind or general,
        "user_id": p.user_id,
    }


async def granted_on_row(hooks: FilterHooks, resource: str, action: str, p: Principal, row: Mapping[str, Any]) -> bool:
    """The filter the plugin consults for ``action`` on a visible ``row``, if it has one."""
    if resource == "branches" and action == "delete":
        return await granted_by_filter(hooks, CAN_DELETE_BRANCH, branch_relation(p, row))
    if resource == "employees" and action == "edit":
        customer = {"id": row.get("customer_id"), "name": row.get("customer_name")}
        return await granted_by_filter(hooks, CAN_EDIT_EMPLOYEE, dict(row), customer, p.user_id)
    return False
