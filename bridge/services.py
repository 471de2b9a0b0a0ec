"""The services a request handler uses, and the one way a handler reaches them.

``Services`` is built once per worker, complete, by ``bridge/wiring.py`` (schema read, plugins
registered, relation configs checked) and never changes afterwards: the statement memo
(``bridge/statements.py``) renders each model's SQL once and relies on that. Handlers reach it
and the caller through ``services(request)``, ``caller(request)`` and ``require_login(request)``;
lower layers (statistics, relations, totals) take only the pieces they use.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sanic import Request, Sanic
from sanic.config import Config

from bridge.access import Access
from bridge.auth import Authenticator
from bridge.cache import Cache
from bridge.context import AnyApp, RequestContext
from bridge.db import Database
from bridge.errors import not_logged_in
from bridge.hooks import Hooks
from bridge.invalidation import InvalidationMap
from bridge.outbox import OutboxSender
from bridge.principal import Principal
from bridge.relations import EntityRelations
from bridge.schema import SchemaInfo, TableNames
from bridge.search_index.query import SearchIndex
from bridge.settings import Settings
from bridge.tables.base import TableModel


@dataclass(frozen=True)
class Services:
    """Everything a request handler may use; one per worker, complete from the start."""

    settings: Settings
    db: Database
    cache: Cache
    hooks: Hooks
    names: TableNames
    schema: SchemaInfo
    auth: Authenticator
    access: Access
    models: Mapping[str, TableModel]  # by resource name: customers, branches, employees, agencies, …
    access_configs: Mapping[str, Mapping[str, Any]]  # entity → the access config in force
    relations: EntityRelations
    invalidation: InvalidationMap
    search_index: SearchIndex | None = None  # the optional trigram index (bridge/search_index/)

    async def close(self) -> None:
        """Close the pool and the cache (the server is stopping)."""
        await self.db.close()
        await self.cache.close()


@dataclass
class AppContext:
    """What the bridge keeps on ``app.ctx``: the settings, and the services once the database
    answered (None until then: ``/healthz`` serves, everything else retries the build)."""

    settings: Settings
    services: Services | None = None
    services_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    outbox_sender: OutboxSender | None = None  # with BRIDGE_EVENTS_URL (bridge/outbox.py)
    outbox_task: asyncio.Task[None] | None = None


BridgeApp = Sanic[Config, AppContext]  # the app ``create_app`` makes


def app_context(app: AnyApp) -> AppContext:
    """The app's typed context (``create_app`` makes it)."""
    ctx = app.ctx
    if not isinstance(ctx, AppContext):
        raise TypeError("the app was not made by bridge.app.create_app")
    return ctx


def services(request: Request) -> Services:
    """The worker's services; built before any handler runs (``app.require_services``)."""
    svc = app_context(request.app).services
    if svc is None:
        raise RuntimeError("services are not built yet")
    return svc


def request_context(request: Request) -> RequestContext:
    """The request's typed context (``context.BridgeRequest`` makes it)."""
    ctx = request.ctx
    if not isinstance(ctx, RequestContext):
        raise TypeError("the request was not made by bridge.context.BridgeRequest")
    return ctx


async def caller(request: Request) -> Principal:
    """The caller, authenticated once per request (a refused login raises its 401 or 429)."""
    ctx = request_context(request)
    if ctx.principal is None:
        ctx.principal = await services(request).auth.authenticate(request)
    return ctx.principal


async def require_login(request: Request) -> Principal:
    """The caller; 401 ``rest_not_logged_in`` for a logged-out visitor (no credentials)."""
    principal = await caller(request)
    if not principal.logged_in:
        raise not_logged_in()
    return principal
