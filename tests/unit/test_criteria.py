"""bridge/criteria.py alone (no database): client text inside LIKE is literal, and the small
criteria render as the SQL the query builders rely on."""

from __future__ import annotations

import re

import pytest
from pypika import MySQLQuery, Table

from bridge.criteria import Always, contains_pattern, escape_like, same


def like(pattern: str, value: str) -> bool:
    """MySQL's ``value LIKE pattern`` with its default escape character ``\\``."""
    out, chars = [], iter(pattern)
    for char in chars:
        if char == "\\":
            out.append(re.escape(next(chars, "\\")))
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
    return re.fullmatch("".join(out), value, re.DOTALL) is not None


@pytest.mark.parametrize("text", ["50%_off\\", "%", "_", "\\", "\\%", "a_b", "plain", "100\\_%", ""])
def test_escaped_text_matches_only_itself(text: str) -> None:
    """A search for ``%`` or ``_`` finds those characters, not every row (and a trailing ``\\`` is literal)."""
    assert like(escape_like(text), text)
    for other in ("x" + text[1:] if text else "x", text + "x", "anything"):
        if other != text:
            assert not like(escape_like(text), other)


def test_the_escaping_is_mysqls() -> None:
    """The exact escaping: ``\\`` first, then ``%`` and ``_``, each behind one ``\\``."""
    assert escape_like("50%_off\\") == "50\\%\\_off\\\\"
    assert contains_pattern("50%_off\\") == "%50\\%\\_off\\\\%"


@pytest.mark.parametrize("text", ["a%b", "x_y", "pt"])
def test_contains_pattern_finds_the_text_anywhere_literally(text: str) -> None:
    """``contains_pattern`` is ``LIKE '%text%'`` with the text's wildcards literal."""
    pattern = contains_pattern(text)
    assert like(pattern, f"before {text} after") and like(pattern, text)
    assert not like(pattern, text.replace(text[1], "Z") if len(text) > 1 else "Z")


def test_same_is_null_safe_equality() -> None:
    """``same`` compares a NULL value with IS NULL (``= NULL`` is never true) and a value with ``=``."""
    t = Table("t")
    assert str(MySQLQuery.from_(t).select("*").where(same(t.region, None))) == (
        "SELECT * FROM `t` WHERE `region` IS NULL"
    )
    assert str(MySQLQuery.from_(t).select("*").where(same(t.region, 3))) == "SELECT * FROM `t` WHERE `region`=3"


def test_always_keeps_the_left_row_of_a_join() -> None:
    """``Always`` renders ``ON 1=1``: a LEFT JOIN on it keeps the count row when the page is empty."""
    a, b = Table("a"), Table("b")
    sql = str(MySQLQuery.from_(a).left_join(b).on(Always()).select(a.n))
    assert sql == "SELECT `a`.`n` FROM `a` LEFT JOIN `b` ON 1=1"
