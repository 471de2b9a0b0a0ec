"""The comparisons DataTables' SearchBuilder and ColumnControl ask for, as SQL criteria.

Both extensions name a condition and send values as text; what the condition means depends on
the column's kind, which the bridge's table model decides (a client saying ``type=num`` of a
text column changes nothing). Text conditions treat a NULL cell as the empty string, as the
client does, so ``!=``, "does not contain" and "empty" agree with DataTables' own filtering;
LIKE wildcards in a value are literal. Numbers are parsed once (at most 30 digits), dates must
be ISO (``YYYY-MM-DD``, optionally with a time); a date without a time compares whole days.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Literal, cast

from pypika import functions as fn
from pypika.terms import Criterion, Term

from bridge.criteria import escape_like

Group = Literal["text", "num", "date"]
TEXT_OPS = ("=", "!=", "starts", "!starts", "contains", "!contains", "ends", "!ends", "null", "!null")
NUM_OPS = ("=", "!=", "<", "<=", ">=", ">", "between", "!between", "null", "!null")
DATE_OPS = ("=", "!=", "<", ">", "between", "!between", "null", "!null")
OPS: dict[Group, tuple[str, ...]] = {"text": TEXT_OPS, "num": NUM_OPS, "date": DATE_OPS}
_NUMBER_NOISE = re.compile(r"[^0-9.\-]")


class ConditionError(ValueError):
    """A condition or value the bridge cannot turn into SQL; the message is for the client."""


def group_of(kind: str) -> Group:
    """The condition group of a column kind (bridge/tables/base.py ``ColumnKind``)."""
    if kind in ("int", "float"):
        return "num"
    if kind == "datetime":
        return "date"
    return "text"


def number(text: str, name: str) -> Decimal:
    """A number as SearchBuilder sends it (thousands separators and units already stripped)."""
    cleaned = _NUMBER_NOISE.sub("", text)
    if not cleaned or len(cleaned) > 30:
        raise ConditionError(f"{name} must be a number.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ConditionError(f"{name} must be a number.") from None
    if not value.is_finite():
        raise ConditionError(f"{name} must be a number.")
    return value


def moment(text: str, name: str) -> tuple[str, bool]:
    """An ISO date or date-time as SQL text, and whether it names a whole day."""
    raw = text.strip()
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw).isoformat(), True
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ConditionError(f"{name} must be a date as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS.") from None
    return parsed.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S"), False


def _text(term: Term, op: str, v1: str) -> Criterion:
    blank = cast(Criterion, fn.Coalesce(term, "") == "")
    if op == "null":
        return blank
    if op == "!null":
        return blank.negate()
    pattern = {
        "starts": escape_like(v1) + "%",
        "contains": "%" + escape_like(v1) + "%",
        "ends": "%" + escape_like(v1),
    }
    positive = op.lstrip("!")
    hit: Criterion = cast(Criterion, term == v1) if positive == "=" else term.like(pattern[positive])
    return _absent(term, hit) if op.startswith("!") else hit


def _absent(term: Term, hit: Criterion) -> Criterion:
    """NOT ``hit``, true for a NULL cell (the client sees it as ``''``, which contains nothing)."""
    return cast(Criterion, term.isnull() | hit.negate())


def _ordered(term: Term, op: str, v1: object, v2: object) -> Criterion:
    if op == "null":
        return term.isnull()
    if op == "!null":
        return term.notnull()
    if op == "between":
        return cast(Criterion, (term >= v1) & (term <= v2))
    if op == "!between":
        return cast(Criterion, (term < v1) | (term > v2))
    compare = {
        "=": term == v1,
        "!=": term != v1,
        "<": term < v1,
        "<=": term <= v1,
        ">=": term >= v1,
        ">": term > v1,
    }
    return cast(Criterion, compare[op])


def condition(kind: str, term: Term, op: str, v1: str, v2: str, name: str) -> Criterion | None:
    """The criterion for ``term op v1 [v2]`` on a column of ``kind``; None when a value is missing.

    As DataTables' servers do, a condition with an empty first value (or an empty second one for
    a range) filters nothing; ``null`` and ``!null`` need no value.
    """
    group = group_of(kind)
    if op not in OPS[group]:
        raise ConditionError(f"{name}: condition {op!r} does not apply to a {group} column.")
    needs = 0 if op in ("null", "!null") else 2 if op.endswith("between") else 1
    if (needs >= 1 and v1 == "") or (needs == 2 and v2 == ""):
        return None
    if group == "text":
        return _text(term, op, v1)
    if group == "num":
        values = [number(v, name) for v in (v1, v2)[:needs]]
        low, high = (sorted(values) + [None, None])[:2] if needs == 2 else (values[0] if values else None, None)
        return _ordered(term, op, low, high)
    stamps = [moment(v, name) for v in (v1, v2)[:needs]]
    whole_days = bool(stamps) and all(day for _, day in stamps)
    target: Term = fn.Date(term) if whole_days else term
    texts = sorted(text for text, _ in stamps)
    return _ordered(target, op, texts[0] if texts else None, texts[1] if len(texts) > 1 else None)
