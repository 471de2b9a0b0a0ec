"""One invalidation map (bridge/invalidation.py), alone: which cache groups a change to each entity
makes stale, for the core tables, plugin tables and relation configs. That REST writes and
``/cache/invalidate`` use it alike is tests/test_invalidation_http.py."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bridge.invalidation import InvalidationMap, UnknownEntity
from bridge.relations import RelationConfig
from bridge.schema import SchemaInfo, TableNames
from bridge.tables.base import ChildCount, TableModel
from bridge.tables.branches import BranchesModel
from bridge.tables.customers import CustomersModel
from bridge.tables.employees import EmployeesModel

NAMES = TableNames.for_prefix("wp_", "wp_")


def _core() -> list[TableModel]:
    schema = SchemaInfo(columns={}, names=NAMES)
    return [CustomersModel(NAMES, schema), BranchesModel(NAMES, schema), EmployeesModel(NAMES, schema)]


@dataclass(frozen=True)
class Plugin:
    """A plugin's table as the map sees it."""

    resource: str
    entity: str
    counts: frozenset[str] = frozenset()

    def counted_resources(self) -> frozenset[str]:
        return self.counts


def _relation(entity: str, group: str) -> RelationConfig:
    return RelationConfig(entity, "wp_app_customer_branches", f"{entity}_id", "customer_id", cache_group=group)


def test_an_employee_change_evicts_its_customers_counts() -> None:
    """Customers carry ``employee_count``: an employee change makes the customers group stale,
    but not the branches (nothing of a branch row counts employees)."""
    groups = InvalidationMap.build(_core(), {}).groups_for("employee")
    assert set(groups) == {"employees", "customers", "principals", "statistics", "relations"}


def test_customer_and_branch_changes_cascade_to_every_core_table() -> None:
    invalidation = InvalidationMap.build(_core(), {})
    everything = {"customers", "branches", "employees", "principals", "statistics", "relations"}
    assert set(invalidation.groups_for("customer")) == everything
    assert set(invalidation.groups_for("branch")) == everything


def test_a_user_change_evicts_identities_and_every_password_check() -> None:
    assert InvalidationMap.build(_core(), {}).groups_for("user") == ("principals", "credentials", "sessions")


def test_plugin_entities_and_relation_configs_are_in_the_map() -> None:
    agencies = Plugin("agencies", "agency")
    invalidation = InvalidationMap.build(
        [*_core(), agencies], {"agency": _relation("agency", "agency_rel"), "thing": _relation("thing", "thing_rel")}
    )
    assert invalidation.groups_for("agency") == (
        "agencies",
        "principals",
        "statistics",
        "relations",
        "agency_rel",
        "thing_rel",
    )
    assert invalidation.groups_for("thing") == ("thing", "statistics", "relations", "thing_rel")
    assert {"agencies", "agency_rel", "thing_rel", "credentials", "customers"} <= set(invalidation.all_groups())


def test_a_table_that_counts_another_goes_stale_with_it() -> None:
    """A plugin's per-row count of employees on branches (``Column.counts``) adds the branches
    group to an employee change; a count on a plugin table adds it to that entity too."""
    core = _core()
    branches = core[1]
    branches.child_count("staff", ChildCount("employees", "branch_id"), branches.table)
    gadgets = Plugin("gadgets", "gadget", frozenset({"agencies"}))
    invalidation = InvalidationMap.build([*core, Plugin("agencies", "agency"), gadgets], {})
    assert "branches" in invalidation.groups_for("employee")
    assert "gadgets" in invalidation.groups_for("agency")


def test_an_unknown_entity_names_the_known_ones() -> None:
    with pytest.raises(UnknownEntity) as caught:
        InvalidationMap.build(_core(), {}).groups_for("planet")
    assert caught.value.known == ("branch", "customer", "employee", "session", "user")
