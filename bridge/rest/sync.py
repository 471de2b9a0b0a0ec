"""The collection filters of incremental sync, as WordPress's posts controller reads them.

``include`` / ``exclude`` take ids as a comma list or as ``include[]=1&include[]=2``;
``modified_after`` / ``modified_before`` bound ``updated_at`` and ``after`` / ``before`` bound
``created_at`` (ISO 8601, exclusive, as WP_Date_Query's ``inclusive=false``); an enum filter
(``status``) takes one value or several (``status[]=active&status[]=inactive``). Each parses to
a value here and becomes a criterion of the model's own table, bound like every other filter,
so the page and ``X-WP-Total`` agree. The filters themselves are declared in the resource
schemas (``bridge/resources/schema.py`` ``SYNC_FILTERS``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from pypika.terms import Criterion

from bridge.params import MAX_INT, ParamError, integer
from bridge.resources.schema import FilterSpec
from bridge.tables.base import TableModel
from bridge.writes.rows import WritableModel

MAX_IDS = 500  # ids one include / exclude may list: one bound IN list, well under MySQL's limits
SYNC_KINDS = frozenset({"ids", "after", "before"})


def _items(values: Sequence[str]) -> list[str]:
    """Every value of a parameter given as a comma list, an array, or both; blanks dropped."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_ids(flt: FilterSpec, values: Sequence[str], problems: dict[str, str]) -> list[int] | None:
    """``1,2`` or ``include[]=1&include[]=2``: positive ids, at most ``MAX_IDS``; None when empty."""
    items = _items(values)
    if not items:
        return None
    if len(items) > MAX_IDS:
        problems[flt.name] = f"{flt.name} must contain at most {MAX_IDS} items."
        return None
    try:
        return sorted({integer(item, flt.name, low=1, high=MAX_INT) or 0 for item in items})
    except ParamError as exc:
        problems[flt.name] = exc.message
        return None


def parse_date(flt: FilterSpec, values: Sequence[str], problems: dict[str, str]) -> datetime | None:
    """An ISO 8601 date-time (or date); one with an offset is taken in UTC, the columns' time."""
    if len(values) != 1:
        problems[flt.name] = f"{flt.name} must be a single value, not an array."
        return None
    text = values[0].strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        problems[flt.name] = f"{flt.name} is not a valid date (ISO 8601, e.g. 2025-01-31T12:00:00)."
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def parse_choices(flt: FilterSpec, values: Sequence[str], problems: dict[str, str]) -> list[str] | None:
    """One value or several of the filter's choices (``status=active`` or ``status[]=…``)."""
    items = _items(values)
    if not items:
        return None
    wrong = [item for item in items if item not in flt.choices]
    if wrong:
        problems[flt.name] = f"{flt.name} is not one of {', '.join(flt.choices)}."
        return None
    return sorted(set(items))


def parse_sync(flt: FilterSpec, values: Sequence[str], problems: dict[str, str]) -> Any:
    """The parsed value of a sync or enum filter, None when it is absent or blank."""
    if flt.kind == "ids":
        return parse_ids(flt, values, problems)
    if flt.kind == "enum":
        return parse_choices(flt, values, problems)
    return parse_date(flt, values, problems)


def filter_term(model: TableModel, flt: FilterSpec, value: Any) -> Criterion | None:
    """The criterion of ``flt`` with its parsed value; None when this layout lacks its column."""
    if flt.kind in ("id", "enum"):
        if not isinstance(model, WritableModel):
            return None  # a plugin's table has only the sync filters (bridge/rest/plugin_tables.py)
        if flt.kind == "id":
            return model.filter_criterion(flt.name, value)
        found = [model.filter_criterion(flt.name, choice) for choice in value]
        parts = [p for p in found if p is not None]
        if len(parts) != len(found):
            return None
        return cast(Criterion, Criterion.any(parts))  # pypika types it as a Term
    column = flt.column or model.id_column
    if column != model.id_column and not model.has(column):
        return None
    term = model.table.field(column)
    bound: Criterion
    if flt.kind == "ids":
        bound = term.notin(value) if flt.negate else term.isin(value)
    else:
        bound = term > value if flt.kind == "after" else term < value
    return bound
