"""The plugin's per-row permission filters, on both sides: Python callbacks, and PHP ones through the shim.

The WP Customer plugin decides two of its rows' buttons with a filter once its rules refuse:
a branch's delete button (``wp_customer_can_delete_customer_branch`` (False, $relation),
BranchValidator::canDeleteBranch; never past the head-office rule) and an employee's edit and
status buttons (``wp_customer_can_edit_customer_employee`` (False, $employee, $customer,
$user_id), CustomerEmployeeValidator::canEditEmployee). The bridge runs the Python callbacks
(``bridge/access.py`` ``granted_on_row``) wherever it computes those permissions: DataTables
rows, REST items and writes (:func:`settle`).

PHP callbacks run only in WordPress. The signed shim announces which of the two filters have
any (``perm=delete_branch,edit_employee`` in ``X-WP-Bridge-Access``, signed with the request;
nobody else can); for a DataTables answer in the plugin's shape the bridge then adds
``wp_bridge_ask``: one entry per row of the page whose rules refused that action, with the
filter, the row id, the value the Python callbacks gave (the PHP chain runs after them, as a
later callback would), the filter's arguments in the plugin's shapes (the employee's full row
with ``branch_name`` and ``created_by_name``, its customer's row, or the branch relation — values
as ``$wpdb`` gives them, strings) and the row's ``actions`` HTML as the opposite answer renders it.
The shim applies the filter in PHP for the current user and, where its answer differs from
``value``, puts that ``actions`` in the row; it strips ``wp_bridge_ask`` before the browser
sees the answer.

One round trip, not two: the shim could instead send the grants back in a second, signed
request, but that costs every draw with a granting callback a second full query, and lets the
two pages differ under concurrent writes. Here a PHP answer can only pick, for a row already on
the caller's page (in their SQL scope), between two renderings the bridge made; it never reaches
the bridge, so it cannot widen a read, a count or a write. The rows' HTML still comes from one
renderer (``bridge/plugin_rows.py``). Without ``perm`` (no PHP callbacks, or a Basic-auth or
cookie caller) nothing is asked and nothing costs more.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pypika import MySQLQuery, Table

from bridge.access import CAN_DELETE_BRANCH, CAN_EDIT_EMPLOYEE, branch_relation, granted_on_row, head_office_kept
from bridge.principal import Principal

if TYPE_CHECKING:
    from bridge.db import Database
    from bridge.hooks import Hooks
    from bridge.schema import TableNames

ASK_KEY = "wp_bridge_ask"


@dataclass(frozen=True)
class RowFilter:
    """One of the plugin's per-row permission filters: its statement name, where it decides, its hook."""

    name: str
    resource: str
    action: str
    hook: str


ROW_FILTERS = {
    "delete_branch": RowFilter("delete_branch", "branches", "delete", CAN_DELETE_BRANCH),
    "edit_employee": RowFilter("edit_employee", "employees", "edit", CAN_EDIT_EMPLOYEE),
}
_BY_RESOURCE = {f.resource: f for f in ROW_FILTERS.values()}


@dataclass(frozen=True)
class Ask:
    """A row whose rules refused ``rule.action``, for the shim to put to the PHP callbacks."""

    rule: RowFilter
    row_id: int
    value: bool  # what the Python callbacks answered


def parse_hooked(value: str) -> frozenset[str]:
    """``delete_branch,edit_employee`` → those names; empty, unknown or repeated names raise ValueError."""
    names = value.split(",")
    if not value or len(set(names)) != len(names) or any(n not in ROW_FILTERS for n in names):
        raise ValueError(f"not a list of permission filters: {value!r}")
    return frozenset(names)


async def settle(
    hooks: Hooks,
    resource: str,
    p: Principal,
    row: Mapping[str, Any],
    permissions: dict[str, bool],
    asks: list[Ask] | None = None,
) -> dict[str, bool]:
    """``permissions`` (the rules' answer on a visible ``row``) with the plugin's filter for the
    action they refused: the Python callbacks' answer; and, when the signed shim announced PHP
    callbacks for it and ``asks`` collects them, the row to ask WordPress about."""
    rule = _BY_RESOURCE.get(resource)
    if rule is None or permissions.get(rule.action) or not p.logged_in:
        return permissions
    if resource == "branches" and head_office_kept(row):
        return permissions
    value = await granted_on_row(hooks, resource, rule.action, p, row) if hooks.has_filter(rule.hook) else False
    if asks is not None and rule.name in p.php.hooked:
        asks.append(Ask(rule, int(row["id"]), value))
    return {**permissions, rule.action: value} if value else permissions


def wpdb_value(value: Any) -> Any:
    """A column value as ``$wpdb`` hands it to PHP: a string, or null."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, int | float | decimal.Decimal | datetime.date):
        return str(value)
    return str(value)


def _as_wpdb(row: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): wpdb_value(v) for k, v in row.items()}


async def _employee_arguments(db: Database, n: TableNames, ids: list[int]) -> dict[int, list[Any]]:
    """Per employee id: ($employee, $customer) as the plugin's employee DataTable passes them
    (CustomerEmployeeModel's row: ``e.*``, ``branch_name``, ``created_by_name``; the customer's row)."""
    e, b, u, c = (
        Table(n.employees, alias="e"),
        Table(n.branches, alias="b"),
        Table(n.users, alias="u"),
        Table(n.customers),
    )
    rows = await db.fetch_all(
        MySQLQuery.from_(e)
        .left_join(b)
        .on(e.branch_id == b.id)
        .left_join(u)
        .on(e.created_by == u.ID)
        .select(e.star, b.name.as_("branch_name"), u.display_name.as_("created_by_name"))
        .where(e.id.isin(ids))
    )
    customer_ids = sorted({int(r["customer_id"]) for r in rows if r.get("customer_id") is not None})
    customers = await db.fetch_all(MySQLQuery.from_(c).select(c.star).where(c.id.isin(customer_ids or [0])))
    by_id = {int(r["id"]): _as_wpdb(r) for r in customers}
    return {int(r["id"]): [_as_wpdb(r), by_id.get(int(r["customer_id"] or 0))] for r in rows}


async def _branch_arguments(db: Database, n: TableNames, p: Principal, ids: list[int]) -> dict[int, list[Any]]:
    """Per branch id: ($relation) as BranchModel::getUserRelation gives it for that branch (without
    the ``user_id`` only Python callbacks get)."""
    b, c = Table(n.branches, alias="b"), Table(n.customers, alias="c")
    rows = await db.fetch_all(
        MySQLQuery.from_(b)
        .left_join(c)
        .on(b.customer_id == c.id)
        .select(b.id, b.customer_id, b.name, c.name.as_("customer_name"))
        .where(b.id.isin(ids))
    )
    relations = {int(r["id"]): branch_relation(p, r) for r in rows}
    return {ident: [{k: v for k, v in rel.items() if k != "user_id"}] for ident, rel in relations.items()}


def _row_id(row: Mapping[str, Any]) -> int:
    data = row.get("DT_RowData")
    ident = data.get("id") if isinstance(data, Mapping) else row.get("id")
    return ident if isinstance(ident, int) and not isinstance(ident, bool) else 0


async def wire_asks(
    db: Database,
    names: TableNames,
    p: Principal,
    asks: list[Ask],
    rows: list[Mapping[str, Any]],
    render: Callable[[Mapping[str, Any]], Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """``wp_bridge_ask`` for the rows of the page (``rows``, the engine's, with ``permissions``):
    filter, id, value, the filter's arguments, and the row's ``actions`` as the other answer renders
    them. Rows a ``_row_data`` callback removed from the page are not asked about."""
    by_id = {_row_id(r): r for r in rows}
    asks = [a for a in asks if a.row_id in by_id]
    if not asks:
        return []
    ids = sorted({a.row_id for a in asks})
    resource = asks[0].rule.resource  # one table per answer, one filter per table
    if resource == "employees":
        arguments = await _employee_arguments(db, names, ids)
    else:
        arguments = await _branch_arguments(db, names, p, ids)
    out: list[dict[str, Any]] = []
    for ask in asks:
        if ask.row_id not in arguments:
            continue  # deleted between the page and this read
        row = by_id[ask.row_id]
        value = bool(dict(row.get("permissions") or {}).get(ask.rule.action))  # after any _row_data callback
        permissions = {**dict(row.get("permissions") or {}), ask.rule.action: not value}
        out.append(
            {
                "filter": ask.rule.hook,
                "id": ask.row_id,
                "value": value,
                "args": arguments[ask.row_id],
                "actions": render({**row, "permissions": permissions}).get("actions", ""),
            }
        )
    return out
