"""Criteria helpers shared by every query builder: LIKE patterns and small conditions.

(Not ``bridge.sql``: that name is the package of the schema files, see setup.py.)

Client text reaches a LIKE only as a bound value built here, with MySQL's escape character
(``\\``) in front of ``\\``, ``%`` and ``_``, so a search for ``50%_off`` matches those
characters and nothing else. One escaping for REST searches, DataTables and the models' checks.
"""

from __future__ import annotations

from typing import Any

from pypika.terms import Criterion, Field


def escape_like(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern: ``\\``, ``%`` and ``_`` escaped with ``\\``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(text: str) -> str:
    """The LIKE pattern of the values that contain ``text`` literally."""
    return f"%{escape_like(text)}%"


def same(field: Field, value: Any) -> Criterion:
    """NULL-safe equality (``<=>``): a NULL region matches only NULL, as the checks need."""
    return field.isnull() if value is None else field == value


class Always(Criterion):
    """``1=1``: the ON of a join that must keep its left row whatever it finds (a count row)."""

    def get_sql(self, **kwargs: Any) -> str:
        return "1=1"
