"""Integration plugins: every ``*.py`` in the project's ``hooks/`` folder and in each folder of
``BRIDGE_HOOKS_PATH`` (settings.hooks_path), loaded once at start, in that order, files sorted
by name within a folder; names starting with ``_`` are skipped (helpers, ``__init__.py``).

The plugin API — a plugin file defines one function::

    def register(ctx: PluginContext) -> None        # or ``async def``

``ctx`` gives the app's one ``Hooks`` (``ctx.hooks.add_filter(name, fn, priority)`` …, sync or
async callbacks) and what a plugin needs to build on the bridge: ``ctx.settings``,
``ctx.names`` (table names under the site prefix; ``ctx.names.prefix``), ``ctx.schema`` (live
columns), ``ctx.access`` (the access rules), ``ctx.db``, ``ctx.cache``, ``ctx.models`` (table
models by resource name) with ``ctx.add_table(model)``, and ``ctx.config`` (the TOML table
named after the plugin file, e.g. ``[agency]``). Filters a plugin typically adds:

- ``wp_customer_datatable_access_configs`` — its entity's access config (``resource``,
  ``hook``, ``priority``, ``admin_roles``, optional ``scope(principal, table) -> Criterion``);
- ``wp_customer_entity_relation_configs`` — its relation config with the plugin's keys
  (``bridge_table``, ``entity_column``, ``customer_column``, ``access_filter``, ``cache_ttl``,
  ``cache_group``);
- ``wpapp_datatable_{t}_*`` — columns, joins, where, query plan, rows, response of a table;
- ``wpapp_tab_statistics`` (value None, entity, entity_id, request) — the numbers of an
  entity's tab (``GET /tabs/{entity}/{id}/statistics``); return a dict for your entity.

Configs are read after every plugin has loaded, so load order between plugins never matters
for them. A plugin that fails to import or register stops the start with its file name and
the error: a half-loaded access rule is worse than no service.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bridge.tables.base import TableModel

if TYPE_CHECKING:
    from bridge.app import Services

PROJECT_HOOKS = Path(__file__).resolve().parent.parent / "hooks"


class PluginError(RuntimeError):
    """A plugin could not be loaded; the message names the file and the error."""


@dataclass
class PluginContext:
    """What ``register(ctx)`` receives: the app's services and the file being loaded."""

    services: Services
    path: Path

    @property
    def hooks(self) -> Any:
        return self.services.hooks

    @property
    def settings(self) -> Any:
        return self.services.settings

    @property
    def names(self) -> Any:
        return self.services.names

    @property
    def schema(self) -> Any:
        return self.services.schema

    @property
    def access(self) -> Any:
        return self.services.access

    @property
    def db(self) -> Any:
        return self.services.db

    @property
    def cache(self) -> Any:
        return self.services.cache

    @property
    def models(self) -> dict[str, TableModel]:
        return self.services.models

    @property
    def config(self) -> Mapping[str, Any]:
        section = self.services.settings.config.get(self.path.stem)
        return section if isinstance(section, Mapping) else {}

    def add_table(self, model: TableModel) -> None:
        """Serve ``model`` (DataTables, statistics) under its resource name."""
        if not isinstance(model, TableModel):
            raise TypeError("add_table expects a bridge.tables.base.TableModel")
        if model.resource in self.services.models:
            raise PluginError(f"a table named {model.resource!r} is already registered")
        self.services.models[model.resource] = model


def plugin_files(folders: list[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            files += sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    return files


def _import(path: Path, index: int) -> Any:
    name = f"wpbridge_plugin_{index}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"{path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


async def load_plugins(services: Services, extra: tuple[str, ...] = ()) -> list[Path]:
    """Load and register every plugin; raise PluginError naming the first one that fails."""
    loaded: list[Path] = []
    for index, path in enumerate(plugin_files([PROJECT_HOOKS, *(Path(p) for p in extra)])):
        try:
            module = _import(path, index)
            register = getattr(module, "register", None)
            if not callable(register):
                raise PluginError("it defines no register(ctx) function")
            result = register(PluginContext(services, path))
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            detail = str(exc) if isinstance(exc, PluginError) else f"{type(exc).__name__}: {exc}"
            raise PluginError(f"plugin {path} failed to load: {detail}") from exc
        loaded.append(path)
    check_child_counts(services.models)
    return loaded


def check_child_counts(models: Mapping[str, TableModel]) -> None:
    """Every per-row count column (``Column.counts``) names a served table: its rows are counted
    in the caller's scope of that table, so a count of an unknown table could not be scoped."""
    for model in models.values():
        for column in model.columns.values():
            if column.counts is not None and column.counts.resource not in models:
                raise PluginError(
                    f"column {column.name!r} of table {model.resource!r} counts rows of {column.counts.resource!r}, "
                    "which no model serves"
                )
