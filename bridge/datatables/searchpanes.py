"""DataTables SearchPanes, server-side: the selections a request carries, as criteria.

The client sends ``searchPanes[<data>][i]=<value>`` per ticked option (with a parallel
``searchPanes_null[<data>][i]`` flag when the value stands for an empty cell),
``searchPanesLast`` and ``searchPanes_options[cascade|viewCount|viewTotal]``. Options are
OR'ed within a pane and panes AND'ed together. A pane can only be one the table model declares
(``TableModel.panes``); a value is compared as text, so "0" is not taken for an empty cell.
The option lists themselves (label, value, total over the caller's scope, count under the
current filters) are counted by the DataTables engine with the same scope criteria.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from pypika.terms import Criterion

from bridge.conditions import ConditionError, group_of
from bridge.tables.base import Column

MAX_SELECTED = 200


@dataclass(frozen=True)
class Selection:
    """The ticked values of one pane (``None`` for the empty-cell option)."""

    pane: str
    values: tuple[str | None, ...]


def wanted(params: Mapping[str, Any]) -> bool:
    """Whether the client runs SearchPanes (it sends its options on every server-side draw)."""
    return any(key in params for key in ("searchPanes", "searchPanes_options", "searchPanes_null"))


def _values(node: Any, name: str) -> list[Any]:
    if node is None or node == "":
        return []
    values = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else [node]
    if len(values) > MAX_SELECTED or any(isinstance(v, dict | list) for v in values):
        raise ConditionError(f"{name} must be a list of at most {MAX_SELECTED} values.")
    return values


def selections(params: Mapping[str, Any], panes: Mapping[str, Column]) -> list[Selection]:
    """The pane selections of a request, each pane one the model declares."""
    chosen = params.get("searchPanes")
    if chosen is None or chosen == "":
        return []
    if not isinstance(chosen, dict):
        raise ConditionError("searchPanes must be keyed by column.")
    flags = params.get("searchPanes_null")
    flags = flags if isinstance(flags, dict) else {}
    out = []
    for pane, node in chosen.items():
        if pane not in panes:
            raise ConditionError(f"searchPanes[{pane[:64]}] is not a pane of this table.")
        raw = _values(node, f"searchPanes[{pane[:64]}]")
        nulls = _values(flags.get(pane), f"searchPanes_null[{pane[:64]}]")
        values: list[str | None] = []
        for i, value in enumerate(raw):
            is_null = i < len(nulls) and str(nulls[i]) == "true" and value in (None, "")
            values.append(None if is_null else "" if value is None else str(value))
        if values:
            out.append(Selection(pane, tuple(dict.fromkeys(values))))
    return out


def criteria(chosen: list[Selection], panes: Mapping[str, Column], leave_out: str = "") -> list[Criterion]:
    """One criterion per pane (OR of its values), except the pane ``leave_out``."""
    out = []
    for selection in chosen:
        if selection.pane == leave_out:
            continue
        column = panes[selection.pane]
        present = [v for v in selection.values if v is not None]
        parts: list[Criterion] = [column.term.isin(present)] if present else []
        if None in selection.values:
            blank = column.term.isnull()
            parts.append(blank | (column.term == "") if group_of(column.kind) == "text" else blank)
        out.append(cast(Criterion, Criterion.any(parts)))
    return out
