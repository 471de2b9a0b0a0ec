"""DataTables' "smart" search, mirrored in SQL: what the browser's own search would match.

The client (DataTables 2.3 ``_fnFilterCreateSearch``) splits the term on spaces, keeps a
quoted phrase (straight or curly quotes) whole, drops a leading ``!`` into a negative term, and
then requires every positive term somewhere in the row and no negative term anywhere. In SQL
that is an AND over the positive terms of ``(col1 LIKE %t% OR col2 LIKE %t% …)`` and an AND of
``NOT (…)`` for the negative ones; case and accents are the column collation's business, and a
term's ``%`` and ``_`` are literal. A NULL cell is the empty string, as in the client, so a
negative term never hides a row because a column is NULL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from pypika.functions import Coalesce
from pypika.terms import Criterion, Term

from bridge.criteria import contains_pattern

_TOKEN = re.compile('!?["\u201c][^"\u201d]+["\u201d]|[^ ]+')
_QUOTES = '"\u201c\u201d'
MAX_TERMS = 32  # each term is a LIKE per searchable column: a bound on the statement's size


class SearchError(ValueError):
    """A search the bridge will not run (too many words); the message is for the client."""


@dataclass(frozen=True)
class Terms:
    """A search text split as the client splits it, each side sorted and unique."""

    positive: tuple[str, ...]
    negative: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.positive or self.negative)


def split(text: str, smart: bool = True) -> Terms:
    """The words of ``text`` (smart), or the whole text as one term (not smart)."""
    if not smart:
        return Terms((text,) if text else (), ())
    positive: list[str] = []
    negative: list[str] = []
    for token in _TOKEN.findall(text):
        is_negative = token.startswith("!")
        if is_negative:
            token = token[1:]
        if len(token) >= 2 and token[0] in _QUOTES and token[-1] in _QUOTES:
            token = token[1:-1]
        if is_negative:
            if len(token) >= 2:
                negative.append(token)
        else:
            token = token.replace('"', "")
            if token:
                positive.append(token)
    # sorted and unique: the same words in any order make the same SQL, so one cached count
    terms = Terms(tuple(sorted(set(positive))), tuple(sorted(set(negative))))
    if len(terms.positive) + len(terms.negative) > MAX_TERMS:
        raise SearchError(f"The search has more than {MAX_TERMS} words; search for fewer.")
    return terms


Narrow = Callable[[str, str], Criterion | None]  # (term, its LIKE pattern) → the term's criterion, or None


def criterion(terms: Terms, columns: Sequence[Term], narrow: Narrow | None = None) -> Criterion | None:
    """Every positive term in some column, no negative term in any; None when nothing is asked.

    ``narrow`` (the search index, bridge/search_index/) may give a positive term its own
    criterion, which must hold for exactly the rows the term's LIKEs match (the index's
    candidates AND those LIKEs); None leaves the LIKEs alone."""
    if not terms or not columns:
        return None
    parts: list[Criterion] = []
    for word in terms.positive:
        pattern = contains_pattern(word)
        narrowed = narrow(word, pattern) if narrow is not None else None
        if narrowed is None:
            narrowed = cast(Criterion, Criterion.any(column.like(pattern) for column in columns))
        parts.append(narrowed)
    for word in terms.negative:
        pattern = contains_pattern(word)
        found = Criterion.any(Coalesce(column, "").like(pattern) for column in columns)
        parts.append(cast(Criterion, found).negate())
    return cast(Criterion, Criterion.all(parts))
