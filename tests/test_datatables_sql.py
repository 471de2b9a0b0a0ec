"""The engine's SQL never contains a client-supplied string: rendered with hostile input, every
value is a bound parameter, LIKE patterns are escaped, and identifiers come from the models."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from pypika import Table

from bridge import smart_search
from bridge.access import Access
from bridge.criteria import contains_pattern
from bridge.datatables.plan import build_plan
from bridge.datatables.protocol import DataTableError, parse_request
from bridge.datatables.statement import needed_joins, page_statement, total_statement
from bridge.db import render
from bridge.hooks import Hooks
from bridge.params import parse_brackets
from bridge.pipeline import register_access_filters
from bridge.principal import AgencyMembership, Principal, Relations
from bridge.schema import TableNames, introspect
from bridge.tables.base import Column
from bridge.tables.branches import BranchesModel
from bridge.tables.customers import CustomersModel
from bridge.tables.employees import EmployeesModel
from tests.support.database import connect
from tests.support.datatables import CUSTOMER_COLUMNS, dt_params

HOSTILE = [
    "x' OR 1=1 -- ",
    "\\' OR 1=1 #",
    "name; DROP TABLE wp_app_customers",
    "1) UNION SELECT user_pass FROM wp_users -- ",
    "`wp_users`.`user_pass`",
    '"; SELECT SLEEP(5); --',
    "%_\\",
]

PRINCIPALS = {
    "admin": Principal(user_id=1, roles=("administrator",)),
    "owner": Principal(user_id=2, roles=("customer", "customer_admin"), relations=Relations(owned_customers=(1,))),
    "inspector": Principal(
        user_id=6,
        roles=("agency", "agency_pengawas"),
        relations=Relations(agencies=(AgencyMembership(3, 4, "inspector", 9),)),
    ),
    "nobody": Principal(user_id=9, roles=("subscriber",)),
}


@pytest.fixture(scope="module")
async def svc(demo_db):
    names = TableNames.for_prefix("wp_")
    conn = connect(demo_db)
    schema = introspect(conn, names)
    conn.close()
    hooks = Hooks()
    access = Access(names, schema)
    models = {
        m.resource: m
        for m in (CustomersModel(names, schema), BranchesModel(names, schema), EmployeesModel(names, schema))
    }
    await register_access_filters(hooks, access, models)
    return SimpleNamespace(
        hooks=hooks,
        access=access,
        models=models,
        settings=SimpleNamespace(datatables_max_rows=5000),
        search_index=None,  # no search index: the statements are LIKE's
    )


def _request(principal: Principal) -> SimpleNamespace:
    return SimpleNamespace(ctx=SimpleNamespace(principal=principal))


def _hostile_params(text: str, **extra: str) -> dict:
    columns = [dict(c) for c in CUSTOMER_COLUMNS]
    columns[0]["search"] = text
    columns.append({"data": text, "name": text})
    params = dt_params(columns, **{"search[value]": text, "order[0][column]": 1, "order[0][dir]": "desc"}, **extra)
    return parse_brackets(params.items())


async def _rendered(svc, table: str, principal: str, params: dict) -> list[tuple[str, dict]]:
    model = svc.models[table]
    dt = parse_request(params, svc.settings.datatables_max_rows)
    plan = await build_plan(svc, model, _request(PRINCIPALS[principal]), dt)
    return [render(page_statement(model, plan)), render(total_statement(model, plan))]


@pytest.mark.parametrize("principal", ["admin", "owner", "inspector"])
@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_search_text_is_always_a_bound_value(svc, principal: str, text: str) -> None:
    page, total = await _rendered(svc, "customers", principal, _hostile_params(text, start="40", length="15"))
    for sql, params in (page, total):
        assert text not in sql
        assert text.strip() not in sql
        if "LIKE" in sql:  # smart search: each word of the text is its own bound pattern
            for word in smart_search.split(text.strip()).positive:
                assert contains_pattern(word) in params.values()
    # the page searches and is the one asked for; the total counts the whole scope, unpaged
    assert "LIKE" in page[0] and "LIMIT 15 OFFSET 40" in page[0]
    assert "COUNT(*)" in total[0] and "LIMIT" not in total[0] and "OFFSET" not in total[0]


async def test_hostile_strings_in_branches_and_employees(svc) -> None:
    for table in ("branches", "employees"):
        for text in HOSTILE:
            params = parse_brackets(
                dt_params([{"data": text, "name": text}, {"data": "name", "search": text}], customer_id="7").items()
            )
            for sql, values in await _rendered(svc, table, "owner", params):
                assert text not in sql
                # the customer_id of the request is the value bound to the customer_id comparison
                bound = re.search(r"`\w+`\.`customer_id`=%\((\w+)\)s", sql)
                assert bound is not None, sql
                assert values[bound.group(1)] == 7


async def test_like_patterns_escape_wildcards_and_backslashes(svc) -> None:
    assert contains_pattern("50%_off\\") == "%50\\%\\_off\\\\%"
    (sql, params), _ = await _rendered(
        svc, "customers", "admin", parse_brackets(dt_params(**{"search[value]": "a%b"}).items())
    )
    assert "%a\\%b%" in params.values()
    assert "a%b" not in sql


async def test_identifiers_come_only_from_the_model(svc) -> None:
    params = parse_brackets(
        dt_params([{"data": "user_pass"}, {"data": "code"}], **{"order[0][column]": 0, "order[0][dir]": "asc"}).items()
    )
    with pytest.raises(DataTableError, match="cannot be ordered"):
        await _rendered(svc, "customers", "admin", params)
    params = parse_brackets(dt_params([{"data": "user_pass"}, {"data": "code"}]).items())
    for sql, _ in await _rendered(svc, "customers", "admin", params):
        assert "user_pass" not in sql


async def test_users_who_may_see_nothing_are_denied_before_any_sql(svc) -> None:
    with pytest.raises(DataTableError, match="not allowed"):
        await _rendered(svc, "customers", "nobody", parse_brackets(dt_params().items()))
    with pytest.raises(DataTableError, match="logged in"):
        model = svc.models["customers"]
        await build_plan(svc, model, _request(Principal(user_id=0)), parse_request({"draw": 1}, 10))


async def test_scopes_are_in_the_where_of_every_statement(svc) -> None:
    for sql, params in await _rendered(
        svc, "customers", "owner", parse_brackets(dt_params(**{"search[value]": "pt"}).items())
    ):
        assert "`c`.`id` IN (%(param" in sql and 1 in params.values()
    for sql, params in await _rendered(
        svc, "branches", "inspector", parse_brackets(dt_params(customer_id="3").items())
    ):
        assert "`inspector_id`=%(param" in sql and 6 in params.values()


async def test_regex_search_is_bound_when_a_column_allows_it(svc) -> None:
    model = svc.models["customers"]
    c = model.table
    hook = "wpapp_datatable_customers_columns"

    def add_regex_column(columns: dict, *_: object) -> dict:
        return {**columns, "npwp_rx": Column("npwp_rx", c.npwp, searchable=True, regex=True)}

    svc.hooks.add_filter(hook, add_regex_column)
    try:
        pattern = "^01\\.' OR 1=1"
        params = parse_brackets(dt_params([{"data": "npwp_rx", "search": pattern, "regex": True}]).items())
        (sql, values), _ = await _rendered(svc, "customers", "admin", params)
        assert "REGEXP %(param" in sql and pattern in values.values() and pattern not in sql
        bad = parse_brackets(dt_params([{"data": "npwp_rx", "search": "(", "regex": True}]).items())
        with pytest.raises(DataTableError, match="not a valid regular expression"):
            await _rendered(svc, "customers", "admin", bad)
    finally:
        svc.hooks.remove_filter(hook, add_regex_column)


def test_needed_joins_follow_the_terms() -> None:
    from bridge.tables.base import Join

    base = Table("t").as_("t")
    a, b = Table("a").as_("a"), Table("b").as_("b")
    joins = {"a": Join("a", a, a.id == base.a_id), "b": Join("b", b, b.id == a.b_id)}
    assert needed_joins(joins, [base.x == 1]) == []
    assert [j.name for j in needed_joins(joins, [b.name.like("x")])] == ["a", "b"]


async def test_plugins_may_bypass_the_access_filter_like_the_plugin(svc) -> None:
    def owners_see_all(bypass: bool, user_id: int, entity: str) -> bool:
        return bypass or (user_id == 2 and entity == "customer")

    def inspectors_are_admins(roles: dict, user_id: int, entity: str) -> dict:
        return {**roles, entity: ("agency_pengawas",)} if entity == "branch" else roles

    svc.hooks.add_filter("wp_customer_should_bypass_filter", owners_see_all)
    svc.hooks.add_filter("wp_customer_entity_admin_roles", inspectors_are_admins)
    try:
        page, total = await _rendered(svc, "customers", "owner", parse_brackets(dt_params().items()))
        for sql, _ in (page, total):
            assert "`c`.`id` IN " not in sql
        # the branches the owner is not bypassed on keep their scope, in the rows' branch_count too
        assert "`b`.`customer_id` IN (%(param_branch_count_1)s)" in page[0]
        for sql, _ in await _rendered(svc, "branches", "inspector", parse_brackets(dt_params(customer_id="3").items())):
            assert "inspector_id" not in sql
        for sql, _ in await _rendered(svc, "employees", "owner", parse_brackets(dt_params(customer_id="3").items())):
            assert " IN (%(param" in sql  # other entities keep their scope
    finally:
        svc.hooks.remove_filter("wp_customer_should_bypass_filter", owners_see_all)
        svc.hooks.remove_filter("wp_customer_entity_admin_roles", inspectors_are_admins)


async def test_counts_carry_the_child_tables_scope_only_for_callers_who_do_not_see_every_child(svc) -> None:
    """A customer row's branch_count / employee_count count what the caller may see of those tables;
    an administrator keeps the plain correlated count (the hot path's statement)."""
    columns = [*CUSTOMER_COLUMNS, {"data": "employee_count", "orderable": False}]
    (sql, params), _ = await _rendered(svc, "customers", "admin", parse_brackets(dt_params(columns).items()))
    assert (
        "(SELECT COUNT(*) FROM `wp_app_customer_branches` `bc` WHERE `bc`.`customer_id`=`c`.`id`) `branch_count`" in sql
    )
    assert (
        "(SELECT COUNT(*) FROM `wp_app_customer_employees` `ec` WHERE `ec`.`customer_id`=`c`.`id`) `employee_count`"
        in sql
    )
    assert params is None
    (sql, params), _ = await _rendered(svc, "customers", "owner", parse_brackets(dt_params(columns).items()))
    assert "`b`.`customer_id`=`c`.`id` AND (`b`.`customer_id` IN (%(param_branch_count_1)s))) `branch_count`" in sql
    assert "`e`.`customer_id`=`c`.`id` AND (`e`.`customer_id` IN (%(param_employee_count_1)s))) `employee_count`" in sql
    assert params == {"param_w1": 1, "param_branch_count_1": 1, "param_employee_count_1": 1}
