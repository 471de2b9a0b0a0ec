"""SearchBuilder, ColumnControl and SearchPanes criteria as SQL, without a database.

The rows these criteria select are tested over HTTP against MariaDB; here the SQL they render
and the refusals (unknown columns, conditions of another type, malformed trees) are checked.
"""

from __future__ import annotations

import pytest
from pypika import Table
from pypika.terms import Criterion

from bridge.conditions import ConditionError, condition
from bridge.datatables.columncontrol import column_criteria
from bridge.datatables.searchbuilder import builder_criterion
from bridge.datatables.searchpanes import Selection, criteria, selections, wanted
from bridge.tables.base import Column

T = Table("c")
COLUMNS = {
    "name": Column("name", T.name, "str", searchable=True),
    "id": Column("id", T.id, "int"),
    "created_at": Column("created_at", T.created_at, "datetime"),
}


def sql(criterion: Criterion | None) -> str:
    assert criterion is not None
    return criterion.get_sql(quote_char="`")


def test_text_conditions_treat_null_as_empty_and_keep_wildcards_literal() -> None:
    """ "does not contain" keeps NULL cells; a ``%`` in the value matches only a percent sign."""
    assert sql(condition("str", T.name, "!contains", "5%", "", "x")) == "`name` IS NULL OR NOT `name` LIKE '%5\\%%'"
    assert sql(condition("str", T.name, "null", "", "", "x")) == "COALESCE(`name`,'')=''"
    assert sql(condition("str", T.name, "starts", "PT", "", "x")) == "`name` LIKE 'PT%'"


def test_number_and_date_conditions() -> None:
    """Ranges are sorted as SearchBuilder sorts them; a day compares DATE(column)."""
    assert sql(condition("int", T.id, "between", "9", "3", "x")) == "`id`>=3 AND `id`<=9"
    assert sql(condition("int", T.id, "!between", "3", "9", "x")) == "`id`<3 OR `id`>9"
    assert sql(condition("datetime", T.created_at, ">", "2026-01-02", "", "x")) == "DATE(`created_at`)>'2026-01-02'"
    assert (
        sql(condition("datetime", T.created_at, "<", "2026-01-02T03:04:05.000Z", "", "x"))
        == "`created_at`<'2026-01-02 03:04:05'"
    )


def test_conditions_refuse_what_does_not_apply() -> None:
    """A string condition on a number column, a word for a number, a bad date: refused by name."""
    with pytest.raises(ConditionError, match="does not apply to a num column"):
        condition("int", T.id, "starts", "1", "", "c")
    with pytest.raises(ConditionError, match="must be a number"):
        condition("int", T.id, "=", "abc", "", "c")
    with pytest.raises(ConditionError, match="must be a date"):
        condition("datetime", T.created_at, "=", "yesterday", "", "c")


def test_empty_values_filter_nothing() -> None:
    """As DataTables' servers do: an unfinished criterion narrows nothing."""
    assert condition("str", T.name, "=", "", "", "x") is None
    assert condition("int", T.id, "between", "1", "", "x") is None


def test_searchbuilder_nested_groups() -> None:
    """AND/OR groups nest; gaps in criteria indexes are fine; unknown columns are refused."""
    params = {
        "searchBuilder": {
            "logic": "OR",
            "criteria": {
                "0": {"condition": "starts", "origData": "name", "type": "string", "value1": "PT"},
                "2": {
                    "logic": "AND",
                    "criteria": {
                        "0": {"condition": ">", "origData": "id", "type": "num", "value1": "5"},
                        "1": {"condition": "<", "origData": "id", "type": "num", "value1": "9"},
                    },
                },
            },
        }
    }
    assert sql(builder_criterion(params, COLUMNS)) == "`name` LIKE 'PT%' OR (`id`>5 AND `id`<9)"
    with pytest.raises(ConditionError, match="cannot be used"):
        builder_criterion({"searchBuilder": {"criteria": {"0": {"condition": "=", "origData": "pass"}}}}, COLUMNS)
    with pytest.raises(ConditionError, match="AND or OR"):
        builder_criterion({"searchBuilder": {"logic": "XOR", "criteria": {}}}, COLUMNS)
    assert builder_criterion({}, COLUMNS) is None


def test_columncontrol_search_and_list() -> None:
    """ "contains" is smart search on the column; a list is IN, its empty value the blank cells."""
    node = {"search": {"value": "maju jaya", "logic": "contains", "type": "text"}, "list": {"0": "A", "1": ""}}
    rendered = [sql(c) for c in column_criteria("columns[0][columnControl]", node, COLUMNS["name"])]
    assert rendered == [
        "`name` IN ('A') OR `name` IS NULL OR `name`=''",
        "`name` LIKE '%jaya%' AND `name` LIKE '%maju%'",
    ]
    starts = {"search": {"value": "PT", "logic": "starts", "type": "text"}}
    assert [sql(c) for c in column_criteria("x", starts, COLUMNS["name"])] == ["`name` LIKE 'PT%'"]
    with pytest.raises(ConditionError, match="cannot be searched"):
        column_criteria("x", starts, None)
    with pytest.raises(ConditionError, match="does not apply"):
        column_criteria("x", {"search": {"value": "1", "logic": "starts"}}, COLUMNS["id"])


def test_searchpanes_selections_or_within_and_across() -> None:
    """Values of one pane are OR'ed, panes AND'ed; a flagged empty value is the NULL option; unknown panes refused."""
    params = {
        "searchPanes": {"name": {"0": "A", "1": ""}, "id": {"0": "0"}},
        "searchPanes_null": {"name": {"0": "false", "1": "true"}, "id": {"0": "false"}},
    }
    chosen = selections(params, COLUMNS)
    assert chosen == [Selection("name", ("A", None)), Selection("id", ("0",))]
    assert [sql(c) for c in criteria(chosen, COLUMNS)] == [
        "`name` IN ('A') OR `name` IS NULL OR `name`=''",
        "`id` IN ('0')",
    ]
    assert [sql(c) for c in criteria(chosen, COLUMNS, leave_out="name")] == ["`id` IN ('0')"]
    assert wanted({"searchPanes_options": {"cascade": "false"}}) and not wanted({"draw": "1"})
    with pytest.raises(ConditionError, match="not a pane"):
        selections({"searchPanes": {"secret": {"0": "x"}}}, COLUMNS)
