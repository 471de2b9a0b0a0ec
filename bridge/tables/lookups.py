"""Reads of the tables the writes refer to: WordPress users, provinces, regencies, the plugin's
options. They run inside a write's transaction or on the pool, before it."""

from __future__ import annotations

from typing import Any

from pypika import MySQLQuery, Table

from bridge.db import Database, Executor
from bridge.schema import TableNames
from bridge.wordpress import php_loads

HARD_DELETE_OPTION = "wp_customer_general_options"

Runner = Executor | Database  # lookups run inside a transaction or on the pool


async def wp_user(ex: Runner, names: TableNames, user_id: int) -> dict[str, Any] | None:
    """The WordPress user (id, display name, email); the bridge never creates one."""
    users = Table(names.users)
    return await ex.fetch_one(
        MySQLQuery.from_(users)
        .select(users.ID, users.user_login, users.display_name, users.user_email)
        .where(users.ID == user_id)
    )


async def province(ex: Runner, names: TableNames, province_id: int) -> dict[str, Any] | None:
    p = Table(names.provinces)
    return await ex.fetch_one(MySQLQuery.from_(p).select(p.id, p.code, p.name).where(p.id == province_id))


async def regency(ex: Runner, names: TableNames, regency_id: int) -> dict[str, Any] | None:
    r = Table(names.regencies)
    return await ex.fetch_one(MySQLQuery.from_(r).select(r.id, r.province_id, r.code, r.name).where(r.id == regency_id))


async def hard_delete_enabled(ex: Runner, names: TableNames) -> bool:
    """``wp_customer_general_options['enable_hard_delete_branch'] === true`` (strict, as the plugin)."""
    options = Table(names.options)
    raw = await ex.fetch_val(
        MySQLQuery.from_(options).select(options.option_value).where(options.option_name == HARD_DELETE_OPTION)
    )
    value = php_loads(raw) if raw else None
    return isinstance(value, dict) and value.get("enable_hard_delete_branch") is True
