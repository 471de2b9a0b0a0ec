"""What the bridge uses of aiomysql 0.2+ (bridge/db.py, bridge/pool.py, bridge/outbox.py)."""

import asyncio
import collections
from collections.abc import Awaitable, Generator, Sequence
from types import TracebackType
from typing import Any, Generic, TypeVar, overload

from pymysql.err import (
    DatabaseError as DatabaseError,
    DataError as DataError,
    Error as Error,
    IntegrityError as IntegrityError,
    InterfaceError as InterfaceError,
    InternalError as InternalError,
    MySQLError as MySQLError,
    NotSupportedError as NotSupportedError,
    OperationalError as OperationalError,
    ProgrammingError as ProgrammingError,
)

_T = TypeVar("_T")
_Row = TypeVar("_Row")
_C = TypeVar("_C", bound=_Cursor[Any])

class _ContextManager(Generic[_T]):
    """What ``connect``, ``create_pool``, ``Connection.cursor`` and ``Pool.acquire`` return: awaited
    it gives the object; ``async with`` gives it and closes (or releases) it at the end."""

    def __await__(self) -> Generator[Any, None, _T]: ...
    async def __aenter__(self) -> _T: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

class _Cursor(Generic[_Row]):
    """A cursor whose rows are ``_Row`` (at run time DictCursor subclasses Cursor; the row type differs)."""

    @property
    def rowcount(self) -> int: ...
    @property
    def lastrowid(self) -> int: ...
    async def execute(self, query: str, args: Any = None) -> int: ...
    def fetchone(self) -> Awaitable[_Row | None]: ...
    def fetchall(self) -> Awaitable[Sequence[_Row]]: ...
    async def close(self) -> None: ...

class Cursor(_Cursor[tuple[Any, ...]]): ...
class DictCursor(_Cursor[dict[str, Any]]): ...

class _StreamReader(asyncio.StreamReader):
    eof_received: bool  # aiomysql's own reader: the server closed its side (MySQL 8 sends an error first)

class Connection:
    _reader: _StreamReader
    last_usage: float  # the event loop's time of the last command
    @property
    def closed(self) -> bool: ...
    def get_transaction_status(self) -> bool: ...
    def close(self) -> None: ...
    async def begin(self) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
    @overload
    def cursor(self) -> _ContextManager[Cursor]: ...
    @overload
    def cursor(self, cursor: type[_C], /) -> _ContextManager[_C]: ...

class Pool:
    # the state a subclass works with (bridge/pool.py), as aiomysql's Pool keeps it
    _loop: asyncio.AbstractEventLoop
    _free: collections.deque[Connection]
    _used: set[Connection]
    _cond: asyncio.Condition
    _closing: bool
    _recycle: int
    def __init__(
        self, minsize: int, maxsize: int, echo: bool, pool_recycle: int, loop: asyncio.AbstractEventLoop, **kwargs: Any
    ) -> None: ...
    async def _fill_free_pool(self, override_min: bool) -> None: ...
    async def _acquire(self) -> Connection: ...
    def acquire(self) -> _ContextManager[Connection]: ...
    def release(self, conn: Connection) -> asyncio.Future[None]: ...
    def close(self) -> None: ...
    async def wait_closed(self) -> None: ...

def connect(
    host: str = "localhost",
    user: str | None = None,
    password: str = "",
    db: str | None = None,
    port: int = 3306,
    unix_socket: str | None = None,
    charset: str = "",
    connect_timeout: float | None = None,
    autocommit: bool = False,
    init_command: str | None = None,
    **kwargs: Any,
) -> _ContextManager[Connection]: ...
def create_pool(
    minsize: int = 1,
    maxsize: int = 10,
    echo: bool = False,
    pool_recycle: int = -1,
    **kwargs: Any,
) -> _ContextManager[Pool]: ...
