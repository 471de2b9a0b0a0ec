"""Entity relations (the plugin's EntityRelationModel): how another plugin's entity
(an agency, a company…) meets customers through a bridge table, for the user asking.

Configs come from ``wp_customer_entity_relation_configs`` (starting from the ``[relations]``
tables of the TOML settings file) with the plugin's keys: ``bridge_table`` (without the table
prefix, e.g. ``app_customer_branches``), ``entity_column``, ``customer_column``,
``access_filter``, ``cache_ttl``, ``cache_group``; the bridge adds optional ``id_column`` (the
bridge row id, default ``id``). Each config is checked against the database at start.

Counts and accessible ids are scoped like everything else: through the branch access filter
when the bridge table is the branches table, else through the customers the user may see.
They are cached per user scope under the config's TTL and group, and go stale as soon as the
customers, branches, employees, principals or relations groups are evicted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypedDict, TypeVar

from pypika import MySQLQuery, Order, Table
from pypika import functions as fn
from pypika.queries import QueryBuilder
from pypika.terms import Criterion, EmptyCriterion, Field

from bridge.cache import digest, remember
from bridge.db import Row, render
from bridge.errors import BridgeError, DatabaseUnavailable, forbidden
from bridge.invalidation import RELATIONS_GROUP, SCOPE_GROUPS
from bridge.pipeline import denies, statistics_where

if TYPE_CHECKING:
    from sanic import Request

    from bridge.access import Access
    from bridge.cache import Cache
    from bridge.db import Database
    from bridge.hooks import Hooks
    from bridge.principal import Principal
    from bridge.schema import TableNames
    from bridge.tables.base import TableModel

_IDENT = re.compile(r"^[A-Za-z0-9_]{1,64}$")
DEFAULT_GROUP = "wp_customer_entity_relations"
DEFAULT_TTL = 3600
DEPENDS = (RELATIONS_GROUP, *SCOPE_GROUPS)
T = TypeVar("T")


class Accessible(TypedDict):
    """``GET /relations/{entity}/accessible``: every row, these ids, or none (never an ambiguous [])."""

    scope: Literal["all", "some", "none"]
    ids: list[int]


class RelationConfigError(RuntimeError):
    """A relation config the bridge cannot use; the message names the entity and the key."""


@dataclass(frozen=True)
class RelationConfig:
    entity: str
    bridge_table: str  # full name, prefix included
    entity_column: str
    customer_column: str
    access_filter: bool = True
    cache_ttl: int = DEFAULT_TTL
    cache_group: str = DEFAULT_GROUP
    id_column: str = "id"


def parse_config(entity: str, raw: Mapping[str, Any], prefix: str) -> RelationConfig:
    """One config from the plugin's keys, every identifier checked before it can reach SQL."""
    if not _IDENT.match(str(entity)):
        raise RelationConfigError(f"relation entity names must be letters, digits and _, got {entity!r}")
    if not isinstance(raw, Mapping):
        raise RelationConfigError(f"relation config {entity!r} must be a mapping")

    def ident(key: str, default: str | None = None) -> str:
        value = raw.get(key, default)
        if not isinstance(value, str) or not _IDENT.match(value):
            raise RelationConfigError(
                f"relation config {entity!r}: {key} must be a column or table name, got {value!r}"
            )
        return value

    try:
        ttl = int(raw.get("cache_ttl", DEFAULT_TTL))
    except (TypeError, ValueError):
        raise RelationConfigError(f"relation config {entity!r}: cache_ttl must be a number of seconds") from None
    group = raw.get("cache_group", DEFAULT_GROUP)
    if not isinstance(group, str) or not re.fullmatch(r"[A-Za-z0-9_.:-]{1,100}", group):
        raise RelationConfigError(f"relation config {entity!r}: cache_group must be a short name, got {group!r}")
    return RelationConfig(
        entity=entity,
        bridge_table=prefix + ident("bridge_table"),
        entity_column=ident("entity_column"),
        customer_column=ident("customer_column", "customer_id"),
        access_filter=bool(raw.get("access_filter", True)),
        cache_ttl=max(1, ttl),
        cache_group=group,
        id_column=ident("id_column", "id"),
    )


async def load_configs(hooks: Hooks, settings_config: Mapping[str, Any], prefix: str) -> dict[str, RelationConfig]:
    """Every relation config: the TOML ``[relations.<entity>]`` tables, then the plugins' filter."""
    initial = dict(settings_config.get("relations") or {})
    raw = await hooks.apply_filters("wp_customer_entity_relation_configs", initial)
    return {entity: parse_config(entity, config, prefix) for entity, config in (raw or {}).items()}


async def check_tables(db: Database, configs: Mapping[str, RelationConfig]) -> None:
    """Refuse to start when a config names a table or column the database does not have."""
    for config in configs.values():
        t = Table(config.bridge_table)
        query = MySQLQuery.from_(t).select(
            t.field(config.entity_column), t.field(config.customer_column), t.field(config.id_column)
        )
        try:
            await db.fetch_all(query.limit(0))
        except DatabaseUnavailable:  # not the config's fault: the start is tried again later
            raise
        except Exception as exc:
            raise RelationConfigError(
                f"relation config {config.entity!r}: cannot read {config.entity_column}, {config.customer_column} and "
                f"{config.id_column} of table {config.bridge_table}: {exc}"
            ) from None


@dataclass(frozen=True)
class EntityRelations:
    """Counts and accessible ids per entity, for the user of a request."""

    db: Database
    cache: Cache
    hooks: Hooks
    access: Access
    names: TableNames
    models: Mapping[str, TableModel]
    configs: Mapping[str, RelationConfig]
    access_configs: Mapping[str, Mapping[str, Any]]

    def config(self, entity: str) -> RelationConfig:
        config = self.configs.get(entity)
        if config is None:
            known = sorted(self.configs)
            raise BridgeError(
                "rest_relation_unknown_entity",
                f"No relation config for that entity; known entities: {', '.join(known) or 'none'}.",
                404,
                entities=known,
            )
        return config

    def resource(self, entity: str) -> str:
        """The table model resource whose scope governs the entity (agency → agencies)."""
        access = self.access_configs.get(entity) or {}
        return str(access.get("resource") or "customers")

    async def _bridge(self, config: RelationConfig, request: Request) -> tuple[Table, list[Criterion]]:
        """The bridge table and the user's restriction on it (empty list: no restriction)."""
        branches = self.models.get("branches")
        if branches is not None and config.bridge_table == self.names.branches:
            where = await statistics_where(self.hooks, "branch", "relations", request) if config.access_filter else []
            return branches.table, where
        bridge = Table(config.bridge_table, alias="rel")
        customers = self.models["customers"]
        if not config.access_filter:
            return bridge, []
        where = await statistics_where(self.hooks, "customer", "relations", request)
        if denies(where):
            return bridge, where
        if all(isinstance(c, EmptyCriterion) for c in where):
            return bridge, []
        sub = MySQLQuery.from_(customers.table).select(customers.id_field).where(Criterion.all(where))
        return bridge, [bridge.field(config.customer_column).isin(sub)]

    async def _cached(
        self,
        kind: str,
        config: RelationConfig,
        principal: Principal,
        query: QueryBuilder,
        shape: Callable[[list[Row]], T],
    ) -> T:
        sql, params = render(query)
        scope = self.access.scope_key(principal, self.resource(config.entity))
        key = f"rel:{kind}:{config.entity}:{scope}:{digest(sql, params)}"

        async def compute() -> T:
            return shape(await self.db.fetch_all(sql, params))

        depends = (*DEPENDS, self.resource(config.entity))
        value: T = await remember(
            self.cache, key, compute, ttl=config.cache_ttl, group=config.cache_group, depends=depends
        )
        return value

    async def counts(self, request: Request, principal: Principal, entity: str, entity_id: int) -> dict[str, int]:
        """``{customer_count, branch_count}``: distinct customers and bridge rows linked to the entity."""
        config = self.config(entity)
        bridge, where = await self._bridge(config, request)
        if denies(where):
            raise forbidden("Sorry, you are not allowed to see what this entity relates to.")
        query = (
            MySQLQuery.from_(bridge)
            .select(
                fn.Count(bridge.field(config.customer_column)).distinct().as_("customer_count"),
                fn.Count(bridge.field(config.id_column)).distinct().as_("branch_count"),
            )
            .where(Criterion.all([bridge.field(config.entity_column) == entity_id, *where]))
        )
        return await self._cached(
            f"count:{entity_id}", config, principal, query, lambda rows: {k: int(v or 0) for k, v in rows[0].items()}
        )

    async def accessible(self, request: Request, principal: Principal, entity: str) -> Accessible:
        """``{scope: all|some|none, ids}``: the entity's rows the user may see (never an ambiguous [])."""
        config = self.config(entity)
        access = self.access_configs.get(entity)
        model = self.models.get(str(access.get("resource"))) if access else None
        if model is not None:
            where = await statistics_where(self.hooks, entity, "accessible", request)
            column = model.id_field
            query = MySQLQuery.from_(model.table).select(column.as_("id")).distinct()
        else:
            bridge, where = await self._bridge(config, request)
            column = bridge.field(config.entity_column)
            query = MySQLQuery.from_(bridge).select(column.as_("id")).distinct().where(column.notnull())
        if denies(where):
            return {"scope": "none", "ids": []}
        if all(isinstance(c, EmptyCriterion) for c in where):
            return {"scope": "all", "ids": []}
        query = query.where(Criterion.all(where)).orderby(Field("id"), order=Order.asc)
        ids = await self._cached("ids", config, principal, query, lambda rows: [int(r["id"]) for r in rows])
        return {"scope": "some" if ids else "none", "ids": ids}
