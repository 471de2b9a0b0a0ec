"""SearchPanes, SearchBuilder, ColumnControl and smart search over HTTP, for every demo login.

Expected rows and counts come from the tables and each login's scope (tests/support/scopes.py), never
from the bridge: the panes' totals must be the caller's own rows, and the filters must narrow
exactly as the client would.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.support.database import query
from tests.support.datatables import CUSTOMER_COLUMNS, datatable, row_ids
from tests.support.scopes import all_scopes

COLUMNS = [*CUSTOMER_COLUMNS, {"data": "status"}]
PANES = {
    "searchPanes_options[cascade]": "false",
    "searchPanes_options[viewCount]": "true",
    "searchPanes_options[viewTotal]": "true",
}


@pytest.fixture(scope="module")
def scopes(demo_db: Any, demo_logins: dict) -> dict:
    return all_scopes(demo_db, demo_logins)


@pytest.fixture(scope="module")
def customers(demo_db: Any) -> dict[int, dict[str, Any]]:
    return {r["id"]: r for r in query(demo_db, "SELECT id, name, status FROM wp_app_customers")}


def every_id(client: Any, auth: Any, **params: Any) -> tuple[set[int], dict[str, Any]]:
    body = datatable(client, "customers", auth, columns=COLUMNS, length=-1, **params)
    assert "error" not in body, body
    return set(row_ids(body)), body


def test_pane_totals_are_the_callers_own_rows_for_every_login(
    bridge: Any, demo_logins: dict, scopes: dict, customers: dict
) -> None:
    """Each status option's total is how many of the caller's customers have it; nothing beyond the scope."""
    for name, login in demo_logins.items():
        if name not in scopes or scopes[name].customers is None:
            continue
        mine = scopes[name].customers
        _, body = every_id(bridge.client, login.auth, **PANES)
        options = {o["value"]: o for o in body["searchPanes"]["options"]["status"]}
        expected = Counter(customers[i]["status"] for i in mine)
        assert {v: o["total"] for v, o in options.items()} == dict(expected), name
        assert sum(o["total"] for o in options.values()) == body["recordsTotal"] == len(mine)


def test_a_pane_selection_filters_and_other_panes_count_under_it(
    bridge: Any, demo_logins: dict, customers: dict
) -> None:
    """Ticking status=active narrows the rows; the province pane's counts follow, its totals do not."""
    auth = demo_logins["admin"].auth
    ids, body = every_id(
        bridge.client, auth, **PANES, **{"searchPanes[status][0]": "active", "searchPanesLast": "status"}
    )
    active = {i for i, r in customers.items() if r["status"] == "active"}
    assert ids == active and body["recordsFiltered"] == len(active)
    status = {o["value"]: o for o in body["searchPanes"]["options"]["status"]}
    assert all(o["count"] == o["total"] for o in status.values())  # its own ticks do not shrink it
    for pane in ("province_name", "regency_name"):
        options = body["searchPanes"]["options"].get(pane, [])
        assert sum(o["count"] for o in options) == len(active)
        assert sum(o["total"] for o in options) == len(customers)


def test_searchbuilder_and_columncontrol_starts_with(bridge: Any, demo_logins: dict, customers: dict) -> None:
    """ "starts with PT" through SearchBuilder and through ColumnControl gives exactly the PT names."""
    auth = demo_logins["admin"].auth
    pt = {i for i, r in customers.items() if r["name"].lower().startswith("pt")}
    assert pt and pt != set(customers)
    built, _ = every_id(
        bridge.client, auth,
        **{"searchBuilder[logic]": "AND", "searchBuilder[criteria][0][condition]": "starts",
           "searchBuilder[criteria][0][origData]": "name", "searchBuilder[criteria][0][type]": "string",
           "searchBuilder[criteria][0][value1]": "PT", "searchBuilder[criteria][0][value2]": ""},
    )  # fmt: skip
    assert built == pt
    control, body = every_id(
        bridge.client, auth,
        **{"columns[1][columnControl][search][value]": "PT", "columns[1][columnControl][search][logic]": "starts",
           "columns[1][columnControl][search][type]": "text"},
    )  # fmt: skip
    assert control == pt
    assert {o["value"] for o in body["columnControl"]["status"]} == {r["status"] for r in customers.values()}


def test_searchbuilder_or_group_and_numbers(bridge: Any, demo_logins: dict, customers: dict) -> None:
    """A nested OR of an id range and a status, as MariaDB and the client rule agree."""
    auth = demo_logins["admin"].auth
    ids, _ = every_id(
        bridge.client, auth,
        **{"searchBuilder[logic]": "OR",
           "searchBuilder[criteria][0][condition]": "between", "searchBuilder[criteria][0][origData]": "id",
           "searchBuilder[criteria][0][value1]": "3", "searchBuilder[criteria][0][value2]": "5",
           "searchBuilder[criteria][1][condition]": "=", "searchBuilder[criteria][1][origData]": "status",
           "searchBuilder[criteria][1][value1]": "inactive"},
    )  # fmt: skip
    assert ids == {i for i, r in customers.items() if 3 <= i <= 5 or r["status"] == "inactive"}


@pytest.mark.parametrize(
    "params, named",
    [
        ({"searchPanes_view": "x"}, "searchPanes_view"),
        ({"searchBuilderX": "1"}, "searchBuilderX"),
        ({"searchPanes[user_pass][0]": "x"}, "searchPanes[user_pass]"),
        ({"columns[0][columnControl][order]": "x"}, "columns[0][columnControl][order]"),
        ({"columns[0][colReorder]": "1"}, "columns[0][colReorder]"),
        (
            {
                "searchBuilder[criteria][0][condition]": "=",
                "searchBuilder[criteria][0][origData]": "user_pass",
                "searchBuilder[criteria][0][value1]": "x",
            },
            "user_pass",
        ),  # fmt: skip
    ],
)
def test_extension_parameters_not_implemented_are_refused_by_name(
    bridge: Any, demo_logins: dict, params: dict, named: str
) -> None:
    """Never silently ignored: an in-band error naming the parameter, and no rows."""
    body = datatable(bridge.client, "customers", demo_logins["admin"].auth, columns=COLUMNS, **params)
    assert named in body["error"] and body["data"] == [] and body["recordsTotal"] == 0


def test_datatables_smart_search_words_in_any_order(bridge: Any, demo_logins: dict, demo_db: Any) -> None:
    """ "Bersama Maju" finds "PT Maju Bersama"-like names; a name word and an owner word find the row."""
    row = query(
        demo_db,
        "SELECT c.id, c.name, u.display_name FROM wp_app_customers c JOIN wp_users u ON u.ID = c.user_id "
        "WHERE c.name LIKE '%% %% %%' LIMIT 1",
    )[0]
    words = row["name"].split()
    auth = demo_logins["admin"].auth
    for text in (" ".join(reversed(words[1:])), f"{row['display_name'].split()[0]} {words[-1]}"):
        ids, _ = every_id(bridge.client, auth, **{"search[value]": text})
        assert row["id"] in ids, text
