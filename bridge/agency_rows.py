"""WP Agency 1.0.7's agency list (``get_agencies_datatable``), answered by the bridge (``?shape=plugin``).

WP Agency's dashboard draws its agencies from its own admin-ajax handler (facts §2.5): wp-app-core's
DataTable base over ``{prefix}app_agencies a`` with the provinces and regencies joined by code, the
WHERE list the shim fills from ``/relations/agency/accessible``, and rows whose ``actions`` cell is
HTML built from the user's capabilities. The browser's fast path asks the bridge for that same
JSON, so this module answers it the way that handler does, quirks included:

* ``order[0][column]`` indexes the model's SELECT list (code, name, provinsi_code, regency_code,
  provinsi_name, regency_name, id), not the JavaScript's columns; no order, or an index outside
  the list, is ``a.id DESC``; rows that tie (no region, say) come in id order, where WP Agency
  leaves them to MariaDB, whose order of ties changes from one request to the next;
* the search is ``search[value]`` as PHP sees it after WordPress's magic quotes (``addslashes``),
  LIKE-escaped, over a.code, a.name, p.name and r.name; ``"0"`` is no search (PHP's ``empty``);
* ``length`` is capped at 100 and at least 1 (so ``-1`` is one row); no status filter;
* ``recordsTotal``/``recordsFiltered`` count ``a.id`` over the same joins, without/with the search;
* rows: ``DT_RowId`` ``agency-{id}``, ``DT_RowData`` ``{id: "{id}", entity: "agency"}`` (``$wpdb``
  gives text), esc_html'd code, name and region names ('-' for none), and the view button, the
  edit button for ``edit_agency`` and the delete button for ``delete_agency``, each passed through
  the Python callbacks of ``wp_agency_can_edit_agency`` / ``wp_agency_can_delete_agency``
  (can, agency_id, principal, request).

A user without ``view_agency_list`` (after ``wp_agency_can_access_agencies_page`` (can, user_id,
request)) gets the plugin's refusal, ``{"success": false, "data": {"message": "Permission denied"}}``.
A request PHP would read differently (a number that is not plain digits, a parameter of the wrong
kind) is refused in-band, so the fast path asks admin-ajax instead. PHP callbacks on WP Agency's
or wp-app-core's filters keep the list on admin-ajax: the shim checks (WP_Customer_Bridge_Fast_Path).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pypika import MySQLQuery, Order, Table
from pypika import functions as fn
from pypika.queries import QueryBuilder
from pypika.terms import Criterion, Term

from bridge.datatables.protocol import DataTableError
from bridge.principal import Principal
from bridge.wp_escape import esc_attr, esc_html

if TYPE_CHECKING:
    from sanic import Request

    from bridge.services import Services
    from bridge.tables.base import TableModel

MAX_LENGTH = 100  # wp-app-core's cap on a page
REFUSED = {"success": False, "data": {"message": "Permission denied"}}
_INTEGER = re.compile(r"^[+-]?[0-9]{1,18}$")
_DIRECTION = re.compile(r"^[A-Za-z]*$")

# WP Agency's buttons, byte for byte (its sprintf formats: data-id %d, esc_attr__ titles, the
# source's own indentation inside the strings).
VIEW_BUTTON = (
    '<button type="button" class="button button-small wpapp-panel-trigger" data-id="{id}" data-entity="agency"'
    ' title="{title}">\n                <span class="dashicons dashicons-visibility"></span>\n            </button>'
)
ROW_BUTTON = (
    '<button type="button" class="button button-small wpapp-{action}-agency" data-id="{id}" title="{title}">'
    '\n                    <span class="dashicons dashicons-{icon}"></span>\n                </button>'
)


@dataclass(frozen=True)
class ListRequest:
    """What WP Agency's model reads from ``$_POST``."""

    draw: int
    start: int
    length: int
    search: str  # as PHP sees it (slashed); "" for none
    order: tuple[int, bool] | None  # (SELECT-list index, descending)


def _integer(value: Any, name: str, default: int) -> int:
    """PHP's ``intval`` of what DataTables sends (plain digits); anything else is refused."""
    if value is None:
        return default
    if not isinstance(value, str) or not _INTEGER.match(value):
        raise DataTableError(f"{name} must be an integer.")
    return int(value)


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DataTableError(f"{name} must be text.")
    return value


def addslashes(text: str) -> str:
    """PHP's ``addslashes``, which WordPress applies to ``$_POST`` (``wp_magic_quotes``)."""
    return text.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"').replace("\0", "\\0")


def esc_like(text: str) -> str:
    """``$wpdb->esc_like``: ``_``, ``%`` and ``\\`` taken literally by LIKE."""
    return re.sub(r"([_%\\])", r"\\\1", text)


def parse(params: Mapping[str, Any]) -> ListRequest:
    """The list request as WP Agency's model reads it."""
    search = params.get("search")
    if search is not None and search != "" and not isinstance(search, Mapping):
        raise DataTableError("search must have [value].")
    term = addslashes(_text(search.get("value"), "search[value]")) if isinstance(search, Mapping) else ""
    order: tuple[int, bool] | None = None
    orders = params.get("order")
    if orders is not None:
        if not isinstance(orders, Mapping):
            raise DataTableError("order must be a list of [column] and [dir].")
        first = orders.get("0")
        if first is not None:
            if not isinstance(first, Mapping):
                raise DataTableError("order[0] must have [column] and [dir].")
            direction = _text(first.get("dir"), "order[0][dir]")
            if not _DIRECTION.match(direction):  # sanitize_text_field would change it: PHP's reading is not ours
                raise DataTableError("order[0][dir] must be asc or desc.")
            order = (_integer(first.get("column"), "order[0][column]", 0), direction.upper() == "DESC")
    return ListRequest(
        draw=_integer(params.get("draw"), "draw", 0),
        start=max(0, _integer(params.get("start"), "start", 0)),
        length=max(1, min(_integer(params.get("length"), "length", 10), MAX_LENGTH)),
        search=term if term not in ("", "0") else "",
        order=order,
    )


@dataclass(frozen=True)
class Tables:
    """The model's FROM: agencies ``a``, provinces ``p`` and regencies ``r`` joined by code."""

    a: Table
    p: Table
    r: Table

    @classmethod
    def of(cls, model: TableModel) -> Tables:
        if not (model.has("provinsi_code") and model.has("regency_code")):
            raise DataTableError("shape=plugin answers WP Agency 1.0.7's list: its agencies have no region codes here.")
        return cls(model.table, Table(model.names.provinces, alias="p"), Table(model.names.regencies, alias="r"))

    def select_list(self) -> list[Term]:
        """The SELECT list, in the model's order; ``order[0][column]`` indexes it."""
        a, p, r = self.a, self.p, self.r
        return [
            a.code.as_("code"),
            a.name.as_("name"),
            a.provinsi_code,
            a.regency_code,
            p.name.as_("provinsi_name"),
            r.name.as_("regency_name"),
            a.id.as_("id"),
        ]

    def order_terms(self) -> list[Term]:
        """What ``ORDER BY`` names for each SELECT-list entry (an alias orders by its column)."""
        a, p, r = self.a, self.p, self.r
        return [a.code, a.name, a.provinsi_code, a.regency_code, p.name, r.name, a.id]

    def base(self) -> QueryBuilder:
        a, p, r = self.a, self.p, self.r
        return MySQLQuery.from_(a).left_join(p).on(a.provinsi_code == p.code).left_join(r).on(a.regency_code == r.code)

    def search(self, term: str) -> Criterion | None:
        if not term:
            return None
        pattern = f"%{esc_like(term)}%"
        a, p, r = self.a, self.p, self.r
        return a.code.like(pattern) | a.name.like(pattern) | p.name.like(pattern) | r.name.like(pattern)


async def scope(svc: Services, request: Request, principal: Principal, tables: Tables) -> Criterion | None:
    """The shim's WHERE for this user (WP_Customer_Bridge_Agency::filter_where): every agency, the
    accessible ids, or none — from the same ``/relations/agency/accessible`` answer."""
    accessible = await svc.relations.accessible(request, principal, "agency")
    if accessible["scope"] == "all":
        return None
    ids = accessible["ids"] if accessible["scope"] == "some" else [0]
    return tables.a.id.isin(ids)


async def may_list(svc: Services, request: Request, principal: Principal) -> bool:
    """``view_agency_list``, through ``wp_agency_can_access_agencies_page`` (can, user_id, request)."""
    can = principal.can("view_agency_list")
    return bool(await svc.hooks.apply_filters("wp_agency_can_access_agencies_page", can, principal.user_id, request))


async def actions(svc: Services, request: Request, principal: Principal, agency_id: int) -> str:
    """The row's buttons: view always; edit and delete by capability, then the Python callbacks."""
    buttons = [VIEW_BUTTON.format(id=agency_id, title=esc_attr("View Details"))]
    edit = await svc.hooks.apply_filters(
        "wp_agency_can_edit_agency", principal.can("edit_agency"), agency_id, principal, request
    )
    if edit:
        buttons.append(ROW_BUTTON.format(action="edit", id=agency_id, title=esc_attr("Edit"), icon="edit"))
    delete = await svc.hooks.apply_filters(
        "wp_agency_can_delete_agency", principal.can("delete_agency"), agency_id, principal, request
    )
    if delete:
        buttons.append(ROW_BUTTON.format(action="delete", id=agency_id, title=esc_attr("Delete"), icon="trash"))
    return " ".join(buttons)


def _name(value: Any) -> str:
    return esc_html("-" if value is None else str(value))


async def row(svc: Services, request: Request, principal: Principal, raw: Mapping[str, Any]) -> dict[str, Any]:
    """One row of AgencyDataTableModel::format_row."""
    ident = int(raw["id"])
    return {
        "DT_RowId": f"agency-{ident}",
        "DT_RowData": {"id": str(ident), "entity": "agency"},
        "code": esc_html(str(raw["code"])),
        "name": esc_html(str(raw["name"])),
        "provinsi_name": _name(raw["provinsi_name"]),
        "regency_name": _name(raw["regency_name"]),
        "actions": await actions(svc, request, principal, ident),
    }


async def answer(
    svc: Services, request: Request, model: TableModel, params: Mapping[str, Any], principal: Principal
) -> dict[str, Any]:
    """``get_agencies_datatable``'s JSON for ``principal``: two statements, the counts and the page.

    The counts are two scalar subqueries (pypika's CASE would write the search's text into the
    SQL instead of binding it)."""
    if not await may_list(svc, request, principal):
        return dict(REFUSED)
    asked = parse(params)
    tables = Tables.of(model)
    where = await scope(svc, request, principal, tables)
    search = tables.search(asked.search)
    total = tables.base().select(fn.Count(tables.a.id))
    if where is not None:
        total = total.where(where)
    filtered = total.where(search) if search is not None else total
    counts = MySQLQuery.select(total.as_("total"), filtered.as_("filtered"))  # type: ignore[arg-type]  # pypika selects subqueries, its stubs say Term
    found = await svc.db.fetch_one(counts)
    counted, matching = (int(found["total"]), int(found["filtered"])) if found else (0, 0)
    data: list[dict[str, Any]] = []
    if asked.start < matching:
        page = tables.base().select(*tables.select_list())
        for criterion in (where, search):
            if criterion is not None:
                page = page.where(criterion)
        order = _order(tables, asked.order)
        page = page.orderby(order[0], order=order[1]).orderby(tables.a.id, order=Order.asc)
        page = page.limit(asked.length).offset(asked.start)
        data = [await row(svc, request, principal, raw) for raw in await svc.db.fetch_all(page)]
    return {"draw": asked.draw, "recordsTotal": counted, "recordsFiltered": matching, "data": data}


def _order(tables: Tables, order: tuple[int, bool] | None) -> tuple[Term, Order]:
    """The SELECT-list entry ``order[0][column]`` names, or ``a.id DESC`` (none, or out of the list)."""
    terms = tables.order_terms()
    if order is None or not 0 <= order[0] < len(terms):
        return tables.a.id, Order.desc
    return terms[order[0]], Order.desc if order[1] else Order.asc
