"""The run folder's ``bridge.pid``: one bridge per run folder, and where `wpbridge stop` finds it."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from bridge.settings import run_dir


class AlreadyServing(RuntimeError):
    """Another bridge holds this run folder's ``bridge.pid``: a second one would make `wpbridge stop` lose it."""

    def __init__(self, pid_file: Path, holder: str) -> None:
        super().__init__(f"{pid_file} is held by {holder or 'a starting bridge'}")
        self.pid_file = pid_file
        self.holder = holder


def pid_path() -> Path:
    return run_dir() / "bridge.pid"


class PidFile:
    """The run folder's ``bridge.pid``: locked (flock) by the one bridge serving from that folder.

    The lock, not the file's content, says whether a bridge is alive, so a stale file left by a
    killed bridge does not block the next start. The pid is written only once the port is bound,
    and the file is removed on exit only while it is still the one we locked and holds our pid.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def claim(self) -> None:
        """Lock the file or raise AlreadyServing naming the bridge that holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            raise AlreadyServing(self.path, holder) from None
        self._handle = handle

    def publish(self) -> None:
        """Write our pid: from now on `wpbridge stop` can find this bridge."""
        assert self._handle is not None
        self._handle.seek(0)
        self._handle.truncate()
        self._handle.write(str(os.getpid()))
        self._handle.flush()

    def release(self) -> None:
        """Remove the file only if it is still ours (``wpbridge stop`` may have removed it, another bridge replaced it)."""
        if self._handle is None:
            return
        try:
            ours = os.stat(self.path).st_ino == os.fstat(self._handle.fileno()).st_ino
            if ours and self.path.read_text().strip() in ("", str(os.getpid())):
                self.path.unlink()
        except FileNotFoundError:
            pass
        self._handle.close()
        self._handle = None
