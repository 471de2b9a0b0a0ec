"""The WP Customer plugin's own row shapes, rendered by the bridge (``?shape=plugin`` on DataTables).

The plugin's JavaScript expects its controllers' rows: escaped text, action buttons as HTML
chosen by the row's permissions, department badges. Both ways the plugin's screens reach the
data use this one renderer: the browser's fast path asks the bridge directly, and the shim's
admin-ajax handlers ask the bridge for the same shape and pass it on, so the two cannot drift.
Escaping is WordPress's own (``bridge/wp_escape.py``); the texts are the plugin's Indonesian
strings (its text domain has no translations). ``tests/vectors/plugin_rows.php`` renders the
same rows with the plugin controllers' PHP for ``tests/test_plugin_rows.py`` to compare.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bridge.wp_escape import esc_attr, esc_html

Row = Mapping[str, Any]
DEPARTMENTS = ("finance", "operation", "legal", "purchase")


def _text(value: Any) -> str:
    """A JSON value as PHP's ``(string)`` gives it ('' for null and non-scalars, '1'/'0' for booleans)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value != int(value) else str(int(value))
    return ""


def _int(value: Any) -> int:
    """PHP's ``(int)`` of a JSON scalar (0 for anything else)."""
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        digits = value.strip()
        sign = -1 if digits.startswith("-") else 1
        digits = digits.lstrip("+-")
        number = ""
        for char in digits:
            if not "0" <= char <= "9":
                break
            number += char
        return sign * int(number) if number else 0
    return 0


def _can(row: Row, action: str) -> bool:
    permissions = row.get("permissions")
    return isinstance(permissions, Mapping) and permissions.get(action) is True


def _button(css: str, ident: int, icon: str, title: str = "", extra: str = "") -> str:
    titled = f' title="{esc_attr(title)}"' if title else ""
    return (
        f'<button type="button" class="button {esc_attr(css)}" data-id="{ident}"{extra}{titled}>'
        f'<i class="dashicons dashicons-{esc_attr(icon)}"></i></button>'
    )


def customer_actions(ident: int, row: Row) -> str:
    """View / edit / delete buttons of the customers table (CustomerController)."""
    html = ""
    if _can(row, "view"):
        html += _button("small-button view-customer", ident, "visibility") + " "
    if _can(row, "edit"):
        html += _button("small-button edit-customer", ident, "edit") + " "
    if _can(row, "delete"):
        html += _button("small-button delete-customer", ident, "trash")
    return html


def customer_row(row: Row) -> dict[str, Any]:
    """One row of handle_customer_datatable."""
    ident = _int(row.get("id"))
    owner = _text(row.get("owner_name"))
    return {
        "id": ident,
        "code": esc_html(_text(row.get("code"))),
        "name": esc_html(_text(row.get("name"))),
        "owner_name": esc_html(owner or "-"),
        "branch_count": _int(row.get("branch_count")),
        "actions": customer_actions(ident, row),
    }


def _titled_actions(kind: str, ident: int, row: Row) -> str:
    """View / edit / delete buttons with the plugin's titles (branches, employees)."""
    html = ""
    if _can(row, "view"):
        html += _button(f"view-{kind}", ident, "visibility", "Lihat") + " "
    if _can(row, "edit"):
        html += _button(f"edit-{kind}", ident, "edit", "Edit") + " "
    if _can(row, "delete"):
        html += _button(f"delete-{kind}", ident, "trash", "Hapus")
    return html


def branch_row(row: Row) -> dict[str, Any]:
    """One row of handle_branch_datatable."""
    ident = _int(row.get("id"))
    admin = _text(row.get("admin_name")).strip(" \t\n\r\0\x0b")
    return {
        "id": ident,
        "code": esc_html(_text(row.get("code"))),
        "name": esc_html(_text(row.get("name"))),
        "admin_name": esc_html(admin or "-"),
        "type": esc_html(_text(row.get("type"))),
        "actions": _titled_actions("branch", ident, row),
    }


def department_badges(row: Row) -> str:
    """One badge per department the employee belongs to, or the empty marker."""
    badges = "".join(
        f'<span class="department-badge {esc_attr(dept)}">{esc_html(dept.capitalize())}</span>'
        for dept in DEPARTMENTS
        if _truthy(row.get(dept))
    )
    if not badges:
        return '<div class="department-badges-container empty">-</div>'
    return f'<div class="department-badges-container">{badges}</div>'


def _truthy(value: Any) -> bool:
    """PHP's ``! empty($value)`` of a JSON value."""
    return value not in (None, False, 0, "", "0") and value != [] and value != {}


def employee_actions(ident: int, status: str, row: Row) -> str:
    """View / edit / delete buttons, and the status toggle for those who may edit."""
    html = _titled_actions("employee", ident, row)
    if _can(row, "edit"):
        active = status == "active"
        html += _button(
            "toggle-status",
            ident,
            "remove" if active else "yes",
            "Nonaktifkan" if active else "Aktifkan",
            f' data-status="{esc_attr("inactive" if active else "active")}"',
        )
    return html


def employee_row(row: Row) -> dict[str, Any]:
    """One row of handle_customer_employee_datatable."""
    ident = _int(row.get("id"))
    status = _text(row.get("status"))
    return {
        "id": ident,
        "name": esc_html(_text(row.get("name"))),
        "position": esc_html(_text(row.get("position"))),
        "department": department_badges(row),
        "email": esc_html(_text(row.get("email"))),
        "branch_name": esc_html(_text(row.get("branch_name"))),
        "status": esc_html(status),
        "actions": employee_actions(ident, status, row),
    }


RENDERERS: dict[str, Callable[[Row], dict[str, Any]]] = {
    "customers": customer_row,
    "branches": branch_row,
    "employees": employee_row,
}


def plugin_body(table: str, body: dict[str, Any]) -> dict[str, Any]:
    """A DataTables answer of ``table`` with its rows in the plugin's shape (``table`` in RENDERERS);
    an empty ``error`` is dropped, as the plugin's controllers send none."""
    render = RENDERERS[table]
    shaped = {**body, "data": [render(row) for row in body.get("data", []) if isinstance(row, Mapping)]}
    if not shaped.get("error"):
        shaped.pop("error", None)
    return shaped
