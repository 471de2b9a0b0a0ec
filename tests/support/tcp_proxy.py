"""A loopback TCP forwarder to MariaDB that a test can cut, hang and restore.

Tests play a database outage through it, never by stopping the shared server:

* ``cut()``: every current connection is closed and the port stops listening, so new ones are
  refused (a crashed or restarting server);
* ``hang()``: connections stay open but nothing is forwarded any more, and new ones are accepted
  and never answered (a network partition, a frozen server);
* ``restore()``: the port listens again and new connections reach the database.

It runs its own event loop on a daemon thread, so synchronous tests can drive it.
"""

from __future__ import annotations

import asyncio
import socket
import threading

from bridge.settings import DatabaseURL


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to the database at ``target``; see the module docstring."""

    def __init__(self, target: DatabaseURL) -> None:
        self.target = target
        self.loop = asyncio.new_event_loop()
        self.server: asyncio.AbstractServer | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.flowing = asyncio.Event()  # cleared while hung: pipes hold what they read
        self.hung = False
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._call(self._listen())
        self._call(self._set_flowing(True))

    @property
    def url(self) -> DatabaseURL:
        """The database's URL, through this proxy."""
        t = self.target
        return DatabaseURL(t.user, t.password, "127.0.0.1", self.port, t.database)

    def _call(self, coro) -> None:  # type: ignore[no-untyped-def]
        asyncio.run_coroutine_threadsafe(coro, self.loop).result(5)

    async def _set_flowing(self, on: bool) -> None:
        self.hung = not on
        if on:
            self.flowing.set()
        else:
            self.flowing.clear()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                await self.flowing.wait()
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        try:
            if self.hung:  # accepted, never answered
                await self.flowing.wait()
            up_reader, up_writer = await asyncio.open_connection(self.target.host, self.target.port)
        except OSError:
            writer.close()
            self.writers.discard(writer)
            return
        self.writers.add(up_writer)
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            self.writers.discard(writer)
            self.writers.discard(up_writer)

    async def _listen(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()

    def cut(self) -> None:
        """Drop every connection and refuse new ones."""
        self._call(self._cut())

    def hang(self) -> None:
        """Keep connections open but forward nothing; accept new ones and never answer them."""
        self._call(self._set_flowing(False))

    def restore(self) -> None:
        """Forward again; after a cut, listen again on the same port."""

        async def restore() -> None:
            if self.server is None:
                await self._listen()
            await self._set_flowing(True)

        self._call(restore())

    def close(self) -> None:
        self._call(self._cut())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
