"""Which cache groups a change to an entity makes stale: one map for every path that evicts.

A REST write evicts ``groups_for(entity)`` after its commit (``rest.transact``), and WordPress
reports its own writes with ``POST /cache/invalidate {"entity": …}`` (``routes/cache.py``),
which evicts the very same groups: a change is a change, whoever made it.

Groups are of three kinds. **Data groups** are named after a table's resource (``customers``):
cached totals and pages of that table live there. **Derived groups** hold what is computed
from several tables (``statistics``, ``relations``, a relation config's ``cache_group``).
**Identity groups** hold who a caller is (``principals``: roles and relations; ``credentials``:
successful password checks; ``sessions``: successful cookie checks). A cached value also names the groups it *depends* on
(``SCOPE_GROUPS``): a scope is made of the core tables' rows and of who the caller is.

The map is built once per worker from the served models and the relation configs
(``InvalidationMap.build``, in ``bridge/wiring.py``), so a plugin's entity is covered without
a line here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

from bridge.auth import CREDENTIALS_GROUP
from bridge.principal import PRINCIPAL_GROUP
from bridge.wp_cookie.memo import SESSIONS_GROUP

STATISTICS_GROUP = "statistics"
RELATIONS_GROUP = "relations"
CORE_DATA = ("customers", "branches", "employees")
# What every scoped read is made of: any change to these makes cached totals and counts stale.
SCOPE_GROUPS = (*CORE_DATA, PRINCIPAL_GROUP)
DERIVED = (STATISTICS_GROUP, RELATIONS_GROUP)

# The core entities. A customer or branch change can cascade to branches and employees (deletes)
# and change who relates to what; an employee change also changes its customer's
# ``employee_count``; a user's roles, relations or application passwords change who they are,
# and every cached password check goes (keyed by the credentials, not the user, so all of them).
# A user's sessions or password (a login, a logout, a new password: "session") end the cookie
# checks the workers remember (bridge/wp_cookie/memo.py), and so does any change to the user.
CORE_ENTITIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "customer": (*CORE_DATA, PRINCIPAL_GROUP, *DERIVED),
        "branch": (*CORE_DATA, PRINCIPAL_GROUP, *DERIVED),
        "employee": ("employees", "customers", PRINCIPAL_GROUP, *DERIVED),
        "user": (PRINCIPAL_GROUP, CREDENTIALS_GROUP, SESSIONS_GROUP),
        "session": (SESSIONS_GROUP,),
    }
)


class ServedTable(Protocol):
    """What the map needs of a table model: its names and which tables' rows it counts."""

    @property
    def resource(self) -> str: ...

    @property
    def entity(self) -> str: ...

    def counted_resources(self) -> frozenset[str]: ...


class RelationGroup(Protocol):
    """What the map needs of a relation config: its cache group."""

    @property
    def cache_group(self) -> str: ...


class UnknownEntity(KeyError):
    """No entity of that name is known; ``known`` lists those that are."""

    def __init__(self, entity: str, known: Iterable[str]) -> None:
        super().__init__(entity)
        self.known = tuple(sorted(known))


@dataclass(frozen=True)
class InvalidationMap:
    """Entity → the cache groups a change to it makes stale."""

    entities: Mapping[str, tuple[str, ...]]

    @classmethod
    def build(cls, models: Iterable[ServedTable], relation_configs: Mapping[str, RelationGroup]) -> InvalidationMap:
        """The core entities, every served table's entity and every relation config's entity.

        A table whose rows another table counts (``Column.counts``: a customer's
        ``branch_count``) also makes that table's group stale."""
        served = list(models)
        relation_groups = tuple(c.cache_group for c in relation_configs.values())
        counters: dict[str, list[str]] = {}
        for model in served:
            for counted in sorted(model.counted_resources()):
                counters.setdefault(counted, []).append(model.resource)
        entities: dict[str, tuple[str, ...]] = {}
        for entity, groups in CORE_ENTITIES.items():
            resource = next((m.resource for m in served if m.entity == entity), None)
            entities[entity] = _unique((*groups, *counters.get(resource or "", ())))
        for model in served:
            if model.entity not in entities:
                own = (model.resource, *counters.get(model.resource, ()), PRINCIPAL_GROUP, *DERIVED)
                entities[model.entity] = _unique((*own, *relation_groups))
        for entity, config in relation_configs.items():
            if entity not in entities:
                entities[entity] = _unique((entity, *DERIVED, config.cache_group))
        return cls(MappingProxyType(entities))

    def groups_for(self, entity: str) -> tuple[str, ...]:
        """The groups a change to ``entity`` makes stale; ``UnknownEntity`` for a name nobody serves."""
        groups = self.entities.get(entity)
        if groups is None:
            raise UnknownEntity(entity, self.entities)
        return groups

    def all_groups(self) -> list[str]:
        """Every group the map names (``{"all": true}``), sorted."""
        return sorted({g for groups in self.entities.values() for g in groups})


def _unique(groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(groups))
