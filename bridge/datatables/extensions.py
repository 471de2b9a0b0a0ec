"""The DataTables extensions a request may carry, applied or refused — never ignored.

SearchBuilder (``searchBuilder``), SearchPanes (``searchPanes…``) and ColumnControl
(``columns[i][columnControl]``) each narrow ``recordsFiltered`` inside the caller's scope: their
criteria join the search criteria of the plan, so counts, pages and exports see the same rows.
A parameter of an extension this bridge does not implement (a future ``searchPanes_x``, a
``searchBuilder…`` variant) is an in-band error naming it: a client whose filter is silently
dropped would show unfiltered rows as if they were filtered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pypika.terms import Criterion

from bridge.conditions import ConditionError
from bridge.datatables import columncontrol, searchbuilder, searchpanes
from bridge.datatables.protocol import ColumnRequest, DataTableError
from bridge.tables.base import Column, TableModel

KNOWN = frozenset({"searchBuilder", "searchPanes", "searchPanes_null", "searchPanesLast", "searchPanes_options"})
_PREFIXES = ("searchPanes", "searchBuilder", "columnControl", "searchpanes", "searchbuilder")


@dataclass
class Extensions:
    """What the extensions of one request add: criteria, and the pane selections (for counts)."""

    criteria: list[Criterion] = field(default_factory=list)  # SearchBuilder and ColumnControl
    panes: dict[str, Column] = field(default_factory=dict)  # the model's pane columns
    selections: list[searchpanes.Selection] = field(default_factory=list)
    wants_panes: bool = False
    wants_control: bool = False

    def pane_criteria(self, leave_out: str = "") -> list[Criterion]:
        return searchpanes.criteria(self.selections, self.panes, leave_out)


def pane_columns(model: TableModel, columns: Mapping[str, Column]) -> dict[str, Column]:
    """The model's declared panes that this site's layout has (also ColumnControl's lists)."""
    return {name: columns[name] for name in model.panes if name in columns and not columns[name].internal}


def _filterable(columns: Mapping[str, Column]) -> dict[str, Column]:
    """Columns a builder may name: the public ones, without per-row counts (a subquery each)."""
    return {name: c for name, c in columns.items() if not c.internal and c.counts is None}


def extensions(
    model: TableModel,
    params: Mapping[str, Any],
    mapped: list[tuple[ColumnRequest, Column | None]],
    columns: Mapping[str, Column],
) -> Extensions:
    """Parse and check every extension parameter of ``params``; raise DataTableError if any is wrong."""
    unknown = sorted(k for k in params if k.startswith(_PREFIXES) and k not in KNOWN)
    if unknown:
        raise DataTableError(f"{unknown[0][:64]} is a DataTables extension parameter this bridge does not implement.")
    out = Extensions(panes=pane_columns(model, columns))
    try:
        built = searchbuilder.builder_criterion(params, _filterable(columns))
        if built is not None:
            out.criteria.append(built)
        for req, column in mapped:
            if req.control is None:
                continue
            out.wants_control = True
            usable = column if column is not None and column.name in _filterable(columns) else None
            out.criteria += columncontrol.column_criteria(f"columns[{req.index}][columnControl]", req.control, usable)
        out.wants_panes = searchpanes.wanted(params)
        out.selections = searchpanes.selections(params, out.panes)
    except ConditionError as exc:
        raise DataTableError(str(exc)) from None
    return out
