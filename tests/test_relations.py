"""Entity relations (EntityRelationModel): counts and accessible ids per kind of user, scoped
like the DataTables; unknown entities listed in a 404. (A plugin's own entity: test_plugins.py.)"""

from __future__ import annotations

import pytest

from bridge.demo import FIXED_LOGINS
from tests.support.database import query
from tests.support.datatables import datatable, row_ids
from tests.support.paths import API
from tests.support.scopes import Scope, all_scopes

LOGINS = [f.username for f in FIXED_LOGINS]
SEES_ALL_AGENCIES = {"admin", "demo_platform_viewer", "demo_platform_admin", "demo_agency_admin"}


@pytest.fixture(scope="module")
def scopes(demo_db, demo_logins) -> dict[str, Scope]:
    return all_scopes(demo_db, demo_logins)


@pytest.fixture(scope="module")
def branch_rows(demo_db) -> list[dict]:
    return query(demo_db, "SELECT id, customer_id, agency_id FROM wp_app_customer_branches")


@pytest.mark.parametrize("login", LOGINS)
def test_accessible_agencies(bridge, demo_logins, scopes, login: str) -> None:
    body = bridge.client.get(f"{API}/relations/agency/accessible", auth=demo_logins[login].auth).json()
    if login in SEES_ALL_AGENCIES:
        assert body == {"scope": "all", "ids": []}
    elif scopes[login].agencies is None:
        assert body == {"scope": "none", "ids": []}
    else:
        assert body == {"scope": "some", "ids": sorted(scopes[login].agencies)}
        table = datatable(bridge.client, "agencies", demo_logins[login].auth, length=-1)
        assert sorted(row_ids(table)) == body["ids"]


@pytest.mark.parametrize("login", LOGINS)
def test_relation_counts(bridge, demo_logins, scopes, branch_rows, login: str) -> None:
    scope = scopes[login]
    for agency_id in sorted({r["agency_id"] for r in branch_rows})[:4] + [999999]:
        response = bridge.client.get(f"{API}/relations/agency/{agency_id}", auth=demo_logins[login].auth)
        if scope.branches is None:
            assert response.status_code == 403
            continue
        linked = [r for r in branch_rows if r["agency_id"] == agency_id and r["id"] in scope.branches]
        assert response.json() == {
            "customer_count": len({r["customer_id"] for r in linked}),
            "branch_count": len(linked),
        }


def test_unknown_entity_lists_the_known_ones(bridge, demo_logins) -> None:
    for path in ("/relations/planet/1", "/relations/planet/accessible"):
        response = bridge.client.get(API + path, auth=demo_logins["admin"].auth)
        assert response.status_code == 404
        assert response.json()["code"] == "rest_relation_unknown_entity"
        assert response.json()["data"]["entities"] == ["agency"]


def test_bad_ids_and_logged_out(bridge, demo_logins) -> None:
    for bad in ("abc", "0", "-3", "1.5"):
        response = bridge.client.get(f"{API}/relations/agency/{bad}", auth=demo_logins["admin"].auth)
        assert response.status_code == 400, bad
    for path in ("/relations/agency/1", "/relations/agency/accessible"):
        response = bridge.client.get(API + path)
        assert response.status_code == 401 and response.json()["code"] == "rest_not_logged_in"


def test_relation_answers_are_cached(bridge, demo_logins) -> None:
    auth = demo_logins["demo_employee"].auth
    first = bridge.client.get(f"{API}/relations/agency/accessible", auth=auth)
    again = bridge.client.get(f"{API}/relations/agency/accessible", auth=auth)
    assert first.json() == again.json()
    assert again.headers["X-WPBridge-Statements"] == "0"


async def test_configs_come_from_toml_then_plugins_and_are_checked() -> None:
    from bridge.hooks import Hooks
    from bridge.relations import RelationConfigError, load_configs

    hooks = Hooks()
    hooks.add_filter(
        "wp_customer_entity_relation_configs",
        lambda c: {**c, "agency": {"bridge_table": "app_customer_branches", "entity_column": "agency_id"}},
    )
    toml = {
        "relations": {
            "company": {"bridge_table": "app_company_customers", "entity_column": "company_id", "cache_ttl": 60}
        }
    }
    configs = await load_configs(hooks, toml, "wp_2_")
    assert configs["company"].bridge_table == "wp_2_app_company_customers" and configs["company"].cache_ttl == 60
    assert (
        configs["agency"].customer_column == "customer_id"
        and configs["agency"].cache_group == "wp_customer_entity_relations"
    )
    for bad in (
        {"bridge_table": "x; DROP TABLE y", "entity_column": "a"},
        {"bridge_table": "t", "entity_column": "a`b"},
        {"bridge_table": "t", "entity_column": "a", "cache_ttl": "soon"},
        {"bridge_table": "t", "entity_column": "a", "cache_group": "two words"},
    ):
        with pytest.raises(RelationConfigError):
            await load_configs(Hooks(), {"relations": {"thing": bad}}, "wp_")
