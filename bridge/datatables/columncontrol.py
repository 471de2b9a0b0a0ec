"""DataTables ColumnControl, server-side: each column's search input and selected list values.

Per column the client sends ``columns[i][columnControl][search][value|logic|type|mask]`` and
``columns[i][columnControl][list][k]`` (the values ticked in its list). Its logic names are
mapped onto the shared conditions (bridge/conditions.py), judged by the model's column kind;
a text "contains" is DataTables' smart search on that column, as in the client. The column is
the model column named by ``columns[i][data]`` (else ``name``); any other is refused by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from pypika.terms import Criterion

from bridge import smart_search
from bridge.conditions import ConditionError, condition, group_of
from bridge.tables.base import Column

LOGIC: dict[str, dict[str, str]] = {
    "text": {
        "contains": "contains",
        "notContains": "!contains",
        "equal": "=",
        "notEqual": "!=",
        "starts": "starts",
        "ends": "ends",
        "empty": "null",
        "notEmpty": "!null",
    },
    "num": {
        "equal": "=",
        "notEqual": "!=",
        "greater": ">",
        "greaterOrEqual": ">=",
        "less": "<",
        "lessOrEqual": "<=",
        "empty": "null",
        "notEmpty": "!null",
    },
    "date": {"equal": "=", "notEqual": "!=", "greater": ">", "less": "<", "empty": "null", "notEmpty": "!null"},
}
MAX_LIST = 200


def _word(node: Mapping[str, Any], key: str) -> str:
    value = node.get(key, "")
    return "" if value is None or value == "undefined" or isinstance(value, dict | list) else str(value)


def _list(node: Any, name: str) -> list[str]:
    if node is None or node == "":
        return []
    values = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else [node]
    if len(values) > MAX_LIST:
        raise ConditionError(f"{name} has more than {MAX_LIST} values.")
    if any(isinstance(v, dict | list) for v in values):
        raise ConditionError(f"{name} must be a list of values.")
    return ["" if v is None else str(v) for v in values]


def column_criteria(name: str, node: Any, column: Column | None) -> list[Criterion]:
    """The criteria of one column's ``columnControl`` node (``name`` is ``columns[i][columnControl]``)."""
    if node is None or node == "":
        return []
    if not isinstance(node, dict):
        raise ConditionError(f"{name} must hold search and list.")
    unknown = sorted(set(node) - {"search", "list"})
    if unknown:
        raise ConditionError(f"{name}[{unknown[0][:32]}] is not a ColumnControl parameter this bridge knows.")
    search = node.get("search")
    values = _list(node.get("list"), f"{name}[list]")
    asked = values or (isinstance(search, dict) and (_word(search, "value") or _word(search, "logic") in LOGIC["text"]))
    if column is None:
        if asked:
            raise ConditionError(f"{name} is set, but the column cannot be searched.")
        return []
    criteria: list[Criterion] = []
    if values:
        present = [v for v in values if v != ""]
        parts: list[Criterion] = [column.term.isin(present)] if present else []
        if len(present) < len(values):  # an empty value ticked: the cells with nothing in them
            blank = column.term.isnull()
            parts.append(blank | (column.term == "") if group_of(column.kind) == "text" else blank)
        criteria.append(cast(Criterion, Criterion.any(parts)))
    if isinstance(search, dict):
        criteria.extend(_search(name, search, column))
    elif search not in (None, ""):
        raise ConditionError(f"{name}[search] must hold value and logic.")
    return criteria


def _search(name: str, search: Mapping[str, Any], column: Column) -> list[Criterion]:
    group = group_of(column.kind)
    logic = _word(search, "logic") or "contains"
    value = _word(search, "value")
    ops = LOGIC[group]
    if logic not in ops:
        raise ConditionError(f"{name}[search][logic]: {logic[:32]!r} does not apply to a {group} column.")
    op = ops[logic]
    if op == "contains" and value:
        found = smart_search.criterion(smart_search.split(value), [column.term])
        return [found] if found is not None else []
    if op not in ("null", "!null") and not value:
        return []
    if group == "date" and _word(search, "mask") == "YYYY-MM-DD":
        value = value[:10]
    made = condition(column.kind, column.term, op, value, "", f"{name}[search][value]")
    return [made] if made is not None else []
