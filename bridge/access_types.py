"""The user's access type, as the plugin's ``getUserRelation`` decides it, and what may change it.

The plugin computes a user's relation to customers and branches (``admin``, ``customer_admin``,
``customer_branch_admin``, ``customer_employee``, ``none``) and lets integrations change it:
``wp_customer_access_type`` ($access_type, $context) then ``wp_customer_user_relation``
($relation, $customer_id, $user_id) in CustomerModel, ``wp_customer_branch_access_type`` and
``wp_customer_branch_user_relation`` ($relation, $branch_id, $user_id) in BranchModel (facts
§3.4). The bridge computes the same, in the general context (customer id 0, branch id 0), plus
the values WP App Core (``platform``) and WP Agency (``agency``) add when the incoming value is
``none`` (facts §3.2). It runs the four filters once per load of the principal, so the outcome is
cached with it; ``bridge/access.py`` turns the outcome into scope criteria.

A signed request may carry the PHP side's outcome (``X-WP-Bridge-Access``, signed with the
rest of the statement, ``bridge/signing.py``): ``customer=<type>;branch=<type>`` for each of the
two filters whose PHP callbacks changed the shim's computed value. It comes last, as a later
callback would: a type grants that type, ``none`` withdraws. It may also name the plugin's per-row
permission filters that have PHP callbacks (``perm=delete_branch,edit_employee``): the bridge then
asks about the rows they decide (``bridge/row_permissions.py``). Only the signed shim can say this.
"""

from __future__ import annotations

import re
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from bridge.hooks import Hooks
from bridge.principal import AccessTypes, PhpPermissions, Principal
from bridge.row_permissions import parse_hooked

ACCESS_TYPE = "wp_customer_access_type"  # ($access_type, $context)
USER_RELATION = "wp_customer_user_relation"  # ($relation, $customer_id, $user_id)
BRANCH_ACCESS_TYPE = "wp_customer_branch_access_type"  # ($access_type, $context with branch_id)
BRANCH_USER_RELATION = "wp_customer_branch_user_relation"  # ($relation, $branch_id, $user_id)

# What a type may look like in the signed header: the plugin's and the integrations' slugs.
_TYPE_RE = re.compile(r"[a-z0-9_]{1,64}")
_TYPE_KEYS = ("customer", "branch")
PERMISSION_KEY = "perm"


def relation_flags(p: Principal) -> dict[str, Any]:
    """The four booleans of the plugin's relation array, for the general context."""
    r = p.relations
    owner = bool(r.owned_customers)
    branch_admin = bool(r.admin_branches)
    return {
        "is_admin": p.is_administrator,
        "is_customer_admin": owner,
        "is_customer_branch_admin": branch_admin,
        "is_customer_employee": bool(r.employee_rows) and not owner and not branch_admin,
    }


def computed_type(p: Principal, view_cap: str) -> str:
    """The type the plugin (with WP App Core and WP Agency beside it) gives this user:
    the first relation that holds, then ``platform`` or ``agency`` for a user with none."""
    flags = relation_flags(p)
    for key, value in (
        ("is_admin", "admin"),
        ("is_customer_admin", "customer_admin"),
        ("is_customer_branch_admin", "customer_branch_admin"),
        ("is_customer_employee", "customer_employee"),
    ):
        if flags[key]:
            return value
    if p.is_platform_viewer(view_cap):
        return "platform"
    if p.relations.agencies:
        return "agency"
    return "none"


async def evaluate(hooks: Hooks, p: Principal) -> Principal:
    """``p`` with its access types computed and passed through the plugin's four filters."""
    if not p.logged_in:
        return p
    flags = relation_flags(p)
    computed = computed_type(p, "view_customer_list")
    customer = await hooks.apply_filters(ACCESS_TYPE, computed, {**flags, "user_id": p.user_id, "customer_id": 0})
    relation = await hooks.apply_filters(USER_RELATION, dict(flags), 0, p.user_id)
    computed_branch = computed_type(p, "view_customer_branch_list")
    branch = await hooks.apply_filters(
        BRANCH_ACCESS_TYPE, computed_branch, {**flags, "user_id": p.user_id, "branch_id": 0}
    )
    branch_relation = await hooks.apply_filters(
        BRANCH_USER_RELATION, {**flags, "branch_id": 0, "customer_id": 0}, 0, p.user_id
    )
    types = AccessTypes(
        computed=computed,
        customer=str(customer),
        computed_branch=computed_branch,
        branch=str(branch),
        relation=MappingProxyType({**dict(relation), "access_type": str(customer)}),
        branch_relation=MappingProxyType({**dict(branch_relation), "access_type": str(branch)}),
    )
    return replace(p, access=types)


def parse_statement(value: str) -> dict[str, str]:
    """``customer=platform;branch=none;perm=edit_employee`` → its pairs; anything malformed (an
    unknown or repeated key, a type that is no slug, a filter name not in the list) raises ValueError."""
    pairs: dict[str, str] = {}
    for part in filter(None, value.split(";")):
        key, sep, slug = part.partition("=")
        if not sep or key in pairs:
            raise ValueError(f"not an access statement: {value!r}")
        if key == PERMISSION_KEY:
            parse_hooked(slug)
        elif key not in _TYPE_KEYS or not _TYPE_RE.fullmatch(slug):
            raise ValueError(f"not an access statement: {value!r}")
        pairs[key] = slug
    return pairs


def with_statement(p: Principal, statement: dict[str, str]) -> Principal:
    """``p`` with the PHP side's outcome applied last (it already went through the Python filters),
    and the permission filters it has PHP callbacks for."""
    if not statement or not p.logged_in:
        return p
    if PERMISSION_KEY in statement:
        p = replace(p, php=PhpPermissions(hooked=parse_hooked(statement[PERMISSION_KEY])))
    if not any(key in statement for key in _TYPE_KEYS):
        return p
    types = p.access or AccessTypes(
        computed=computed_type(p, "view_customer_list"),
        customer=computed_type(p, "view_customer_list"),
        computed_branch=computed_type(p, "view_customer_branch_list"),
        branch=computed_type(p, "view_customer_branch_list"),
    )
    customer = statement.get("customer", types.customer)
    branch = statement.get("branch", types.branch)
    return replace(
        p,
        access=replace(
            types,
            customer=customer,
            branch=branch,
            relation=MappingProxyType({**types.relation, "access_type": customer}),
            branch_relation=MappingProxyType({**types.branch_relation, "access_type": branch}),
        ),
    )
