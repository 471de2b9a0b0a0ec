"""What the bridge uses of diskcache 5.6 (bridge/cache.py)."""

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from . import core as core

class Cache:
    def __init__(
        self,
        directory: str | None = None,
        timeout: float = 60,
        disk: type = ...,
        *,
        tag_index: bool = False,
        size_limit: int = ...,
        eviction_policy: str = ...,
        **settings: Any,
    ) -> None: ...
    def get(
        self, key: Any, default: Any = None, read: bool = False, expire_time: bool = False, tag: bool = False, retry: bool = False
    ) -> Any: ...
    def set(
        self, key: Any, value: Any, expire: float | None = None, read: bool = False, tag: str | None = None, retry: bool = False
    ) -> bool: ...
    def add(
        self, key: Any, value: Any, expire: float | None = None, read: bool = False, tag: str | None = None, retry: bool = False
    ) -> bool: ...
    def incr(self, key: Any, delta: int = 1, default: int | None = 0, retry: bool = False) -> int: ...
    def evict(self, tag: str, retry: bool = False) -> int: ...
    def clear(self, retry: bool = False) -> int: ...
    def close(self) -> None: ...
    def transact(self, retry: bool = False) -> AbstractContextManager[None]: ...
    # Private, but the one-query reads of bridge/cache.py use it (and fall back when it fails).
    @property
    def _sql(self) -> Callable[..., sqlite3.Cursor]: ...
