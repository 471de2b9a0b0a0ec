"""DataTables SearchBuilder, server-side: its nested AND/OR groups of conditions as one criterion.

The client sends ``searchBuilder[logic]`` and ``searchBuilder[criteria][i][…]`` (a criterion:
``condition``, ``origData`` = the column's ``data``, ``value[]``/``value1``/``value2``; a
criterion that has ``criteria`` is a nested group). Empty groups are omitted by the client, so
indexes may have gaps. Only the model's whitelisted columns can be named; the whole builder is
one criterion ANDed with the scope and the other filters, so it narrows within what the caller
may see and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from pypika.terms import Criterion

from bridge.conditions import ConditionError, condition
from bridge.tables.base import Column

MAX_DEPTH = 6
MAX_CRITERIA = 64


def _items(node: Any, name: str) -> list[Any]:
    if node is None or node == "":
        return []
    if isinstance(node, list):
        return node
    if not isinstance(node, dict):
        raise ConditionError(f"{name} must be a list of criteria.")
    try:
        keys = sorted(node, key=int)
    except ValueError:
        raise ConditionError(f"{name} must be numbered 0, 1, 2, ….") from None
    return [node[k] for k in keys]


def _text(node: Mapping[str, Any], key: str) -> str:
    value = node.get(key, "")
    if value is None or value == "undefined":  # DataTables 3 sends undefined as the word
        return ""
    if isinstance(value, list):  # value[] — SearchBuilder sorts it into value1/value2 itself
        return ""
    return str(value)


class _Builder:
    def __init__(self, columns: Mapping[str, Column]) -> None:
        self.columns = columns
        self.count = 0

    def group(self, node: Any, name: str, depth: int) -> Criterion | None:
        if not isinstance(node, dict):
            raise ConditionError(f"{name} must be a group with criteria and logic.")
        if depth > MAX_DEPTH:
            raise ConditionError(f"searchBuilder is nested deeper than {MAX_DEPTH} groups.")
        logic = str(node.get("logic", "AND")).upper()
        if logic not in ("AND", "OR"):
            raise ConditionError(f"{name}[logic] must be AND or OR.")
        parts = []
        for i, child in enumerate(_items(node.get("criteria"), f"{name}[criteria]")):
            child_name = f"{name}[criteria][{i}]"
            if isinstance(child, dict) and "criteria" in child:
                part = self.group(child, child_name, depth + 1)
            else:
                part = self.criterion(child, child_name)
            if part is not None:
                parts.append(part)
        if not parts:
            return None
        joined = Criterion.all(parts) if logic == "AND" else Criterion.any(parts)
        return cast(Criterion, joined)

    def criterion(self, node: Any, name: str) -> Criterion | None:
        if not isinstance(node, dict):
            raise ConditionError(f"{name} must be a criterion.")
        self.count += 1
        if self.count > MAX_CRITERIA:
            raise ConditionError(f"searchBuilder has more than {MAX_CRITERIA} criteria.")
        op = _text(node, "condition")
        if not op:  # a criterion the user has not finished choosing: SearchBuilder sends it all the same
            return None
        field = _text(node, "origData") or _text(node, "data")
        column = self.columns.get(field)
        if column is None:
            raise ConditionError(f"{name}[origData]: column {field[:64]!r} cannot be used in searchBuilder.")
        return condition(column.kind, column.term, op, _text(node, "value1"), _text(node, "value2"), name)


def builder_criterion(params: Mapping[str, Any], columns: Mapping[str, Column]) -> Criterion | None:
    """The criterion of ``params["searchBuilder"]`` over ``columns``; None when nothing is asked."""
    node = params.get("searchBuilder")
    if node is None or node == "" or node == {}:
        return None
    return _Builder(columns).group(node, "searchBuilder", 1)
