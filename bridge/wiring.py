"""Building the services of one worker: the schema, the plugins, then one frozen ``Services``.

The order is what makes the result complete and immutable: the live schema is read first (a
missing required column refuses the start), then the core table models and every plugin
register into a ``Registry`` (bridge/plugins.py), then the facts read from the database about
the registered tables (their unique columns) are set, the relation configs are checked and the
access filters registered, and only then is ``Services`` built. Nothing changes a model or the
services afterwards.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Mapping
from functools import partial
from types import MappingProxyType

from bridge import access_types, relations
from bridge.access import Access
from bridge.auth import Authenticator
from bridge.cache import open_cache
from bridge.context import AnyApp
from bridge.db import Database
from bridge.hooks import Hooks
from bridge.invalidation import InvalidationMap
from bridge.pipeline import register_access_filters
from bridge.plugins import PluginError, Registry, load_plugins
from bridge.principal import PrincipalLoader
from bridge.replica import RoutedDatabase, open_database
from bridge.schema import SchemaError, SchemaInfo, TableNames, check_required, introspect_query, schema_from_rows
from bridge.search_index.query import SearchIndex
from bridge.services import Services, app_context
from bridge.settings import Settings
from bridge.tables.base import TableModel
from bridge.tables.branches import BranchesModel
from bridge.tables.customers import CustomersModel
from bridge.tables.employees import EmployeesModel
from bridge.wp_cookie.checker import configured as wp_cookies

log = logging.getLogger("bridge")


async def load_schema(db: Database, names: TableNames) -> SchemaInfo:
    """The live columns of every table the bridge knows (``INFORMATION_SCHEMA.COLUMNS``)."""
    sql, tables = introspect_query(names)
    rows = await db.fetch_all(sql, tables)
    return schema_from_rows([(r["TABLE_NAME"], r["COLUMN_NAME"]) for r in rows], names)


async def read_unique_columns(db: Database, tables: Iterable[str]) -> dict[str, frozenset[str]]:
    """Per table: its NOT NULL columns that a one-column UNIQUE index covers. Ordering by one of
    them is already total, so DataTables need no id tie-breaker (which would cost a filesort)."""
    names = sorted(set(tables))
    if not names:
        return {}
    rows = await db.fetch_all(
        "SELECT TABLE_NAME AS t, MIN(COLUMN_NAME) AS c FROM INFORMATION_SCHEMA.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
        f"AND NON_UNIQUE = 0 AND TABLE_NAME IN ({', '.join(['%s'] * len(names))}) "
        "GROUP BY TABLE_NAME, INDEX_NAME HAVING COUNT(*) = 1 AND MAX(NULLABLE) = ''",
        names,
    )
    unique: dict[str, set[str]] = {}
    for row in rows:
        unique.setdefault(row["t"], set()).add(row["c"])
    return {table: frozenset(columns) for table, columns in unique.items()}


async def build_services(settings: Settings) -> Services:
    """Open the pool, read the live schema (refusing to start on missing columns), wire everything.

    On any failure (the database going away half-way included) the pool is closed again, so
    the next request's attempt never leaves a second one behind."""
    names = TableNames.for_prefix(settings.table_prefix, settings.base_prefix)
    db = open_database(settings)  # with BRIDGE_DATABASE_READ_URL, reads are routed (bridge/replica.py)
    try:
        return await _wire(settings, names, db)
    except BaseException:
        await db.close()
        raise


def _refuse(exc: Exception) -> None:
    print(f"wpbridge: refusing to start: {exc}", file=sys.stderr)


async def _wire(settings: Settings, names: TableNames, db: Database) -> Services:
    await db.open()
    schema = await load_schema(db, names)
    try:
        check_required(schema)
    except SchemaError as exc:
        _refuse(exc)
        raise
    hooks = Hooks()
    core: list[TableModel] = [
        CustomersModel(names, schema),
        BranchesModel(names, schema),
        EmployeesModel(names, schema),
    ]
    registry = Registry(settings, names, schema, hooks, {m.resource: m for m in core})
    try:
        await load_plugins(registry, settings.hooks_path)
        links = await relations.load_configs(hooks, settings.config, names.prefix)
        await relations.check_tables(db, links)
    except (PluginError, relations.RelationConfigError) as exc:
        _refuse(exc)
        raise
    models = registry.models
    unique = await read_unique_columns(db, (m.real_name for m in models.values()))
    for model in models.values():  # the last fact about a model, before anything renders its SQL
        model.unique_columns = unique.get(model.real_name, frozenset())
    access = Access(names, schema)
    access_configs = await register_access_filters(hooks, access, models, links, db)
    cache = open_cache(
        settings.cache_dir, settings.cache_url, f"{settings.database_url.database}:{settings.table_prefix}"
    )
    if isinstance(db, RoutedDatabase):
        db.remember_writes_in(cache)
    loader = PrincipalLoader(db, cache, names, schema, partial(access_types.evaluate, hooks))
    frozen: Mapping[str, TableModel] = MappingProxyType(dict(models))
    configs = MappingProxyType({entity: MappingProxyType(c) for entity, c in access_configs.items()})
    return Services(
        settings=settings,
        db=db,
        cache=cache,
        hooks=hooks,
        names=names,
        schema=schema,
        auth=Authenticator(
            db,
            cache,
            names,
            loader,
            settings.shared_secret,
            wp_cookies(
                settings.wp_config,
                settings.wp_site_url,
                settings.own_origin,
                db,
                names,
                cache,
                settings.cookie_session_recheck_s,
            ),
        ),
        access=access,
        models=frozen,
        access_configs=configs,
        relations=relations.EntityRelations(db, cache, hooks, access, names, frozen, MappingProxyType(links), configs),
        invalidation=InvalidationMap.build(frozen.values(), links),
        search_index=SearchIndex(names),
    )


async def ensure_services(app: AnyApp) -> Services:
    """The app's services, built now if the database was unavailable until this moment."""
    ctx = app_context(app)
    if ctx.services is not None:
        return ctx.services
    async with ctx.services_lock:
        if ctx.services is None:
            ctx.services = await build_services(ctx.settings)
    return ctx.services
