"""Smart search's splitting and SQL, without a database (the SQL's results are tested over HTTP)."""

from __future__ import annotations

from pypika import Table

from bridge.smart_search import Terms, criterion, split


def test_words_are_split_on_spaces_only() -> None:
    """The words of "Bersama Maju" are two; tabs do not split; runs of spaces give no empty word."""
    assert split("Bersama  Maju") == Terms(("Bersama", "Maju"), ())
    assert split("a\tb") == Terms(("a\tb",), ())
    assert split("   ") == Terms((), ())


def test_quoted_phrases_stay_whole_with_straight_or_curly_quotes() -> None:
    """A quoted phrase is one term, as the client keeps it."""
    assert split('"Maju Bersama" Andi') == Terms(("Andi", "Maju Bersama"), ())
    assert split("\u201cMaju Bersama\u201d") == Terms(("Maju Bersama",), ())


def test_negative_terms_and_the_client_rules_for_them() -> None:
    """``!word`` excludes; a negative of under two characters is ignored; stray quotes dropped."""
    assert split('PT !Jaya !"Toko Baru" !a ab"c') == Terms(("PT", "abc"), ("Jaya", "Toko Baru"))


def test_not_smart_keeps_the_whole_phrase() -> None:
    """A model that turns smart search off searches the phrase as typed."""
    assert split("Maju Bersama", smart=False) == Terms(("Maju Bersama",), ())


def test_key_is_the_normalised_set_of_words() -> None:
    """Word order and repeats do not change the terms, so the SQL and its cached count are the same."""
    assert split("Maju Bersama") == split("Bersama Maju Maju")
    assert split("Maju") != split("!Maju")


def test_sql_is_and_of_words_or_of_columns_and_nulls_are_empty() -> None:
    """Each word may match a different column; a negative term is NOT over COALESCE(col, '')."""
    t = Table("c")
    sql = str(criterion(split("maju !jaya"), [t.name, t.owner]))
    assert sql == (
        "(\"name\" LIKE '%maju%' OR \"owner\" LIKE '%maju%') AND "
        "NOT (COALESCE(\"name\",'') LIKE '%jaya%' OR COALESCE(\"owner\",'') LIKE '%jaya%')"
    )
    assert criterion(split(""), [t.name]) is None
