"""The windows the search index looks a term up by (bridge/search_index/query.py)."""

from __future__ import annotations

from bridge.search_index.query import MAX_GRAMS, windows


def test_a_term_shorter_than_a_gram_has_no_window() -> None:
    """One or two characters cannot be looked up: such words are searched by LIKE alone."""
    assert windows("") == [] and windows("a") == [] and windows("ab") == []


def test_windows_are_the_terms_own_characters_first_and_last_included() -> None:
    """Every window is a substring of the term as typed (case and accents are the collation's
    business, in SQL), the first and the last are always among them, and no more than MAX_GRAMS."""
    for term in ("abc", "Logistik", "99.871.850.7-420.681", "Café Ñandú", "50%_off", "aaaa"):
        found = windows(term)
        assert all(len(w) == 3 and w in term for w in found)
        assert found[0] == term[:3] and found[-1] == term[-3:]
        assert len(found) == len(set(found)) <= MAX_GRAMS
