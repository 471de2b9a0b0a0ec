"""Stopping `wpbridge serve` with several workers: stop listening at the signal, not at the end.

With ``BRIDGE_WORKERS`` > 1 Sanic's main process opens the listening socket and its workers
share it. On SIGTERM each worker closes its own copy and lets its requests in flight finish
(up to Sanic's ``GRACEFUL_SHUTDOWN_TIMEOUT``), but the main process keeps the socket open until
every worker has exited, so meanwhile the kernel goes on accepting connections that nobody
will serve: clients (or nginx) wait for them, then see a reset. Shutting the shared socket down
as soon as the signal arrives makes new connections refused at once, which a proxy answers by
trying another host, while the requests already accepted still finish in their worker.
"""

from __future__ import annotations

import asyncio
import signal
import socket
from collections.abc import Callable
from contextlib import suppress
from types import FrameType

from bridge.context import AnyApp


def refuse_connections_on_stop(app: AnyApp) -> None:
    """On the main process's SIGTERM/SIGINT, pass the signal on to Sanic's worker manager, then
    shut the listening sockets down (as Sanic itself does once the workers are gone)."""

    @app.main_process_ready
    async def wrap_stop_signals(app: AnyApp, _loop: asyncio.AbstractEventLoop) -> None:
        sockets = [s for s in (info.settings.get("sock") for info in app.state.server_info) if s is not None]
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous = signal.getsignal(signum)
            if callable(previous):
                signal.signal(signum, _then_stop_listening(previous, sockets))


def _then_stop_listening(
    previous: Callable[[int, FrameType | None], object], sockets: list[socket.socket]
) -> Callable[[int, FrameType | None], None]:
    def handler(signum: int, frame: FrameType | None) -> None:
        previous(signum, frame)  # the manager tells the workers to stop (or kills them on a second signal)
        for sock in sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    return handler
