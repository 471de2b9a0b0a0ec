"""The statement memo (bridge/statements.py) alone: a WHERE rendered with its own placeholder
names, a statement rendered once per shape and re-bound with each request's values, the least
recently used shape dropped first, and keys that tell shapes apart but not values. No database:
what is checked is the SQL text and the parameters that would travel with it."""

from __future__ import annotations

from typing import Any

import pytest
from pypika import MySQLQuery, Table
from pypika.queries import QueryBuilder
from pypika.terms import Criterion, Field

from bridge.statements import Bound, Scoped, StatementMemo, bind, scoped_bounds, term_key

CUSTOMERS = Table("wp_app_customers")
BRANCHES = Table("wp_app_customer_branches")


def _where(user: int, search: str) -> list[Criterion]:
    return [CUSTOMERS.user_id == user, CUSTOMERS.name.like(search)]


def _page(where: Bound | None) -> QueryBuilder:
    query = MySQLQuery.from_(CUSTOMERS).select(CUSTOMERS.id).where(CUSTOMERS.status == "active").limit(10)
    return query.where(where) if where is not None else query


def test_bind_renders_placeholders_of_its_own_and_keeps_values_apart() -> None:
    """Values never enter the SQL text; each has a ``param_{prefix}N`` name no other part uses."""
    bound = bind(_where(7, "%an%"), "w")
    assert bound is not None
    assert bound.sql == ("`wp_app_customers`.`user_id`=%(param_w1)s AND `wp_app_customers`.`name` LIKE %(param_w2)s")
    assert bound.values == {"param_w1": 7, "param_w2": "%an%"}
    assert bind([], "w") is None


def test_a_bound_with_values_needs_a_collector() -> None:
    """Rendering it without one would drop its values from the statement."""
    bound = bind(_where(7, "%"), "w")
    assert bound is not None
    with pytest.raises(TypeError):
        bound.get_sql()
    assert Bound("1=1", {}).get_sql() == "(1=1)"


def test_one_render_per_shape_then_each_requests_values() -> None:
    """The second request of a shape does not build the statement again, yet carries its own
    values; the statement's constant parameters (``status``) are kept from the first render."""
    memo = StatementMemo()
    builds: list[int] = []

    def build(where: Bound | None) -> Any:
        def make() -> QueryBuilder:
            builds.append(1)
            return _page(where)

        return make

    first_where, second_where = bind(_where(7, "%an%"), "w"), bind(_where(9, "%budi%"), "w")
    first = memo.render("page", [], build(first_where), first_where)
    second = memo.render("page", [], build(second_where), second_where)
    assert len(builds) == 1
    assert first[0] == second[0] and "%(param_w1)s" in first[0] and "7" not in first[0]
    assert first[1] == {"param_w1": 7, "param_w2": "%an%", "param1": "active"}
    assert second[1] == {"param_w1": 9, "param_w2": "%budi%", "param1": "active"}


def test_the_least_recently_used_shape_goes_first() -> None:
    memo = StatementMemo(size=2)
    built: list[str] = []

    def render(key: str) -> None:
        def make() -> QueryBuilder:
            built.append(key)
            return _page(None)

        memo.render(key, [], make)

    for key in ("a", "b", "a", "c", "a", "b"):
        render(key)
    # "a" was used again before "c" came, so "b" was the one dropped; it is built a second time
    assert built == ["a", "b", "c", "b"]


def test_term_keys_name_plain_fields_and_pin_everything_else() -> None:
    """A model makes a new ``Field`` for its id on every call: plain fields are keyed by table and
    name, so they still hit; other terms by identity, kept alive so that identity is not reused."""
    pins: list[Any] = []
    assert term_key(Field("id", table=CUSTOMERS), pins) == term_key(Field("id", table=CUSTOMERS), pins)
    assert term_key(Field("id", table=CUSTOMERS), pins) != term_key(Field("id", table=BRANCHES), pins)
    assert pins == []
    aliased = Field("name", table=CUSTOMERS, alias="customer_name")
    assert term_key(aliased, pins) == ("id", id(aliased)) and pins == [aliased]


def test_scoped_terms_are_keyed_by_origin_and_criterion_sql_never_by_values() -> None:
    """Two callers' scopes of the same form share a statement; their values are re-bound apart."""
    origin = object()

    def count(bound: Bound) -> Scoped:
        def query() -> QueryBuilder:
            return MySQLQuery.from_(BRANCHES).select(BRANCHES.id).where(bound)

        return Scoped(origin, query, bound, alias="branch_count")

    mine = bind([BRANCHES.user_id == 7], "s")
    theirs = bind([BRANCHES.user_id == 9], "s")
    other_form = bind([BRANCHES.agency_id == 7], "s")
    assert mine is not None and theirs is not None and other_form is not None
    pins: list[Any] = []
    assert term_key(count(mine), pins) == term_key(count(theirs), pins) != term_key(count(other_form), pins)
    assert pins == [origin, origin, origin]
    term = count(mine)
    assert scoped_bounds([term, term, Field("id"), count(theirs)]) == [mine, theirs]
