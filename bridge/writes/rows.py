"""Row writes shared by the customers, branches and employees models (``WritableModel``).

Writes address the model's own table without its alias (``UPDATE wp_app_customers SET …``)
and only its own columns, which the live schema has by construction (``TableModel.own``).
Every value is a pypika value, so it is bound by ``bridge.db``; the column names come from
the model, never from a client.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from pypika import MySQLQuery, Table
from pypika.terms import Criterion, Field

from bridge.db import Executor
from bridge.tables.base import Column, TableModel, cast


class WritableModel(TableModel):
    """A table model whose rows the REST resources write (customers, branches, employees): own
    columns, locking reads, inserts, updates, deletes, ETags, and the hooks each model fills in."""

    @property
    def plain(self) -> Table:
        """The model's table without alias, for writes and locking reads."""
        return Table(getattr(self.names, self.table_key))

    def own_columns(self) -> list[Column]:
        """Columns stored in this table (not joined names, not counts)."""
        return [c for c in self.columns.values() if isinstance(c.term, Field) and c.term.table is self.table]

    def own_row(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The JSON-typed own columns of a raw row (for ETags, events and the outbox)."""
        return {c.name: cast(c.kind, raw.get(c.name)) for c in self.own_columns() if c.name in raw}

    def etag(self, raw: Mapping[str, Any]) -> str:
        """A strong ETag over the stored row, ``updated_at`` included; joined names do not count."""
        body = orjson.dumps(self.own_row(raw), option=orjson.OPT_SORT_KEYS)
        return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'

    async def lock(self, ex: Executor, row_id: int) -> dict[str, Any] | None:
        """``SELECT … FOR UPDATE`` of one row: the rest of the transaction sees it unchanged."""
        t = self.plain
        query = MySQLQuery.from_(t).select(*(t.field(c.name) for c in self.own_columns())).where(t.id == row_id)
        return await ex.fetch_one(query.for_update())

    async def lock_where(self, ex: Executor, criterion: Criterion) -> list[dict[str, Any]]:
        t = self.plain
        query = MySQLQuery.from_(t).select(*(t.field(c.name) for c in self.own_columns())).where(criterion)
        return await ex.fetch_all(query.orderby(t.id).for_update())

    async def insert(self, ex: Executor, row: Mapping[str, Any]) -> int:
        keys = list(row)
        query = MySQLQuery.into(self.plain).columns(*keys).insert(*(row[k] for k in keys))
        _, last_id = await ex.execute(query)
        return int(last_id)

    async def update(self, ex: Executor, row_id: int, row: Mapping[str, Any]) -> int:
        if not row:
            return 0
        t = self.plain
        query = MySQLQuery.update(t)
        for key, value in row.items():
            query = query.set(t.field(key), value)
        affected, _ = await ex.execute(query.where(t.id == row_id))
        return affected

    async def set_status(self, ex: Executor, ids: Iterable[int], status: str) -> int:
        ids = sorted(set(ids))
        if not ids:
            return 0
        t = self.plain
        affected, _ = await ex.execute(MySQLQuery.update(t).set(t.status, status).where(t.id.isin(ids)))
        return affected

    async def delete_ids(self, ex: Executor, ids: Iterable[int]) -> int:
        ids = sorted(set(ids))
        if not ids:
            return 0
        t = self.plain
        affected, _ = await ex.execute(MySQLQuery.from_(t).delete().where(t.id.isin(ids)))
        return affected

    async def exists(self, ex: Executor, criterion: Criterion, exclude_id: int | None = None) -> bool:
        t = self.plain
        if exclude_id is not None:
            criterion = criterion & (t.id != exclude_id)
        return await ex.fetch_val(MySQLQuery.from_(t).select(t.id).where(criterion).limit(1)) is not None

    async def duplicates(
        self, ex: Executor, row: Mapping[str, Any], changed: set[str], exclude_id: int | None = None
    ) -> dict[str, str]:
        """Changed fields whose value another row holds: field → the plugin's message (409)."""
        return {}

    def filter_criterion(self, name: str, value: Any) -> Criterion | None:
        """The criterion of a collection filter (``?status=``); None when this layout lacks it."""
        return None
