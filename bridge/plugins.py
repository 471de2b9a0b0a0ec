"""Integration plugins, loaded once at start, in this order:

1. the bundled ones: every module of the repository's ``hooks/`` folder, installed as the
   package ``bridge.bundled_hooks`` (setup.py), so they load wherever pip puts the bridge;
2. those installed as their own distributions: each entry point of the group
   ``wp_customer_bridge.plugins`` (sorted by name), naming a module that defines ``register``
   or the ``register`` function itself, e.g. in the plugin's pyproject.toml::

       [project.entry-points."wp_customer_bridge.plugins"]
       company = "wpbridge_company"

3. every ``*.py`` in each folder of ``BRIDGE_HOOKS_PATH`` (settings.hooks_path).

Files and modules are sorted by name within a folder; names starting with ``_`` are skipped
(helpers, ``__init__.py``).

The plugin API — a plugin defines one function::

    def register(registry: Registry) -> None        # or ``async def``

``registry`` gives the app's one ``Hooks`` (``registry.hooks.add_filter(name, fn, priority)`` …,
sync or async callbacks) and what a plugin builds on: ``registry.settings``, ``registry.names``
(table names under the site prefix; ``registry.names.prefix``), ``registry.schema`` (live
columns), ``registry.models`` (the table models registered so far, by resource name) with
``registry.add_table(model)``, and ``registry.config`` (the TOML table named after the plugin's
file or module, or its entry point, e.g. ``[agency]``). The services themselves (database, cache, access rules) exist only
once every plugin has registered; a callback reaches them through its request:
``bridge.services.services(request)``. Filters a plugin typically adds:

- ``wp_customer_datatable_access_configs`` — its entity's access config (``resource``,
  ``hook``, ``priority``, ``admin_roles``: roles that see every row, optional
  ``scope(principal, table) -> Criterion``, sync or async: the rows everyone else sees;
  administrators and platform staff are bypassed before either, see bridge/pipeline.py);
- ``wpapp_datatable_{t}_permissions`` (permissions, row, principal, model, request) — the
  ``{view, edit, delete}`` of each DataTables row of its table (default: administrators only);
- ``wp_customer_entity_relation_configs`` — its relation config with the plugin's keys
  (``bridge_table``, ``entity_column``, ``customer_column``, ``access_filter``, ``cache_ttl``,
  ``cache_group``);
- ``wpapp_datatable_{t}_*`` — columns, joins, where, query plan, rows, response of a table;
- ``wpapp_tab_statistics`` (value None, entity, entity_id, request) — the numbers of an
  entity's tab (``GET /tabs/{entity}/{id}/statistics``); return a dict for your entity.

Configs are read after every plugin has loaded, so load order between plugins never matters
for them. A plugin that fails to import or register stops the start with its file (or
entry point) and the error: a half-loaded access rule is worse than no service.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from importlib.metadata import entry_points
from pathlib import Path
from types import MappingProxyType, ModuleType

from bridge.hooks import Hooks
from bridge.schema import SchemaInfo, TableNames
from bridge.settings import Settings
from bridge.tables.base import TableModel

BUNDLED_PACKAGE = "bridge.bundled_hooks"
ENTRY_POINT_GROUP = "wp_customer_bridge.plugins"


class PluginError(RuntimeError):
    """A plugin could not be loaded; the message names the file and the error."""


class Registry:
    """What ``register(registry)`` receives: the site's facts, the hooks, and the table models
    being registered. ``bridge/wiring.py`` builds the frozen services from it afterwards."""

    def __init__(
        self,
        settings: Settings,
        names: TableNames,
        schema: SchemaInfo,
        hooks: Hooks,
        tables: dict[str, TableModel],
        plugin: str = "",
        path: Path | None = None,
    ) -> None:
        self.settings = settings
        self.names = names
        self.schema = schema
        self.hooks = hooks
        self.plugin = plugin  # the name of the plugin being loaded: its TOML table is ``config``
        self.path = path  # its file, when it has one
        self._tables = tables  # shared by every plugin's view of the registry

    @property
    def models(self) -> Mapping[str, TableModel]:
        """The table models registered so far, by resource name (read-only: ``add_table`` adds)."""
        return MappingProxyType(self._tables)

    @property
    def config(self) -> Mapping[str, object]:
        """The plugin's own TOML table (``[agency]`` for ``agency.py``); empty when absent."""
        section = self.settings.config.get(self.plugin) if self.plugin else None
        return section if isinstance(section, Mapping) else {}

    def add_table(self, model: TableModel) -> None:
        """Serve ``model`` (DataTables, statistics) under its resource name."""
        if not isinstance(model, TableModel):
            raise TypeError("add_table expects a bridge.tables.base.TableModel")
        if model.resource in self._tables:
            raise PluginError(f"a table named {model.resource!r} is already registered")
        self._tables[model.resource] = model

    def for_plugin(self, name: str, path: Path | None = None) -> Registry:
        """The same registry (same hooks, same models) as the plugin ``name`` sees it."""
        return Registry(self.settings, self.names, self.schema, self.hooks, self._tables, name, path)


@dataclass(frozen=True)
class Plugin:
    """One plugin found at start: ``load()`` imports it (a module, or the ``register`` function
    an entry point names)."""

    name: str
    origin: str  # what an error message names: the file, or the entry point and its distribution
    load: Callable[[], object]
    path: Path | None = None


def plugin_files(folders: list[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            files += sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    return files


def _import(path: Path, index: int) -> ModuleType:
    name = f"wpbridge_plugin_{index}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"{path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _register_of(loaded: object) -> Callable[..., object]:
    """A module's ``register``, or the object itself when an entry point names the function."""
    register: object = getattr(loaded, "register", None) if isinstance(loaded, ModuleType) else loaded
    if not callable(register):
        raise PluginError("it defines no register(registry) function")
    return register


def bundled_plugins() -> list[Plugin]:
    """The modules of ``bridge.bundled_hooks``, found through the import system (not a path
    beside this file), so a wheel in site-packages has them as a checkout does."""
    package = importlib.import_module(BUNDLED_PACKAGE)
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.ispkg or info.name.startswith("_"):
            continue
        module_name = f"{BUNDLED_PACKAGE}.{info.name}"
        spec = importlib.util.find_spec(module_name)
        origin = spec.origin if spec and spec.origin else module_name
        path = Path(spec.origin) if spec and spec.origin else None
        found.append(Plugin(info.name, origin, partial(importlib.import_module, module_name), path))
    return found


def installed_plugins() -> list[Plugin]:
    """The entry points of ``wp_customer_bridge.plugins``: plugins installed with pip as their own
    distributions. A name seen twice (the same distribution on two path entries) loads once."""
    found: dict[str, Plugin] = {}
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        if point.name in found:
            continue
        dist = f" of {point.dist.name} {point.dist.version}" if point.dist else ""
        found[point.name] = Plugin(point.name, f"entry point {point.name} = {point.value}{dist}", point.load)
    return list(found.values())


def folder_plugins(folders: list[Path]) -> list[Plugin]:
    """The ``*.py`` files of BRIDGE_HOOKS_PATH, imported under names that cannot clash."""
    return [
        Plugin(path.stem, str(path), partial(_import, path, index), path)
        for index, path in enumerate(plugin_files(folders))
    ]


def discover(extra: tuple[str, ...] = ()) -> list[Plugin]:
    """Every plugin, in load order (see the module docstring)."""
    return [*bundled_plugins(), *installed_plugins(), *folder_plugins([Path(p) for p in extra])]


async def load_plugins(registry: Registry, extra: tuple[str, ...] = ()) -> list[str]:
    """Load and register every plugin; raise PluginError naming the first one that fails.
    Returns what was loaded (files and entry points), in order."""
    loaded: list[str] = []
    for plugin in discover(extra):
        try:
            loaded_object = plugin.load()
            register = _register_of(loaded_object)
            path = plugin.path
            if path is None and isinstance(loaded_object, ModuleType) and loaded_object.__file__:
                path = Path(loaded_object.__file__)
            result = register(registry.for_plugin(plugin.name, path))
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            detail = str(exc) if isinstance(exc, PluginError) else f"{type(exc).__name__}: {exc}"
            raise PluginError(f"plugin {plugin.origin} failed to load: {detail}") from exc
        loaded.append(plugin.origin)
    check_child_counts(registry.models)
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
