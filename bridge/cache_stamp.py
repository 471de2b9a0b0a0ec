"""The generations' change stamp: 8 bytes in a shared memory map beside the diskcache.

A read request needs the cache generations (bridge/cache.py), and reading them from SQLite
cost ~70 µs of every request. Whoever changes a generation (an eviction, a failed-login count,
a clear, a counter created) writes a new random stamp *after* the change; a worker reads the
stamp *before* it reads the generations, and keeps what it read under that stamp. While the
stamp is the same, no generation has changed since that read, so the worker reuses it: a
change made after the stamp was read gives a different stamp, and the next request reads again.

A stamp is random and never 0, so it never repeats (the map starts at 0: "never read").
One host only, as diskcache is (Redis has its own generations, read per request).
"""

from __future__ import annotations

import mmap
import os
import secrets
from pathlib import Path

FILE_NAME = "generations.stamp"
_SIZE = 8


class Stamp:
    """The stamp file of one cache folder, mapped once per process."""

    def __init__(self, directory: str) -> None:
        Path(directory).mkdir(parents=True, exist_ok=True)
        fd = os.open(os.path.join(directory, FILE_NAME), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < _SIZE:  # new: zeros (a second worker doing the same changes nothing)
                os.ftruncate(fd, _SIZE)
            self._map: mmap.mmap | None = mmap.mmap(fd, _SIZE)
        finally:
            os.close(fd)  # the map keeps the file

    def read(self) -> int:
        """The current stamp (0: nothing changed since the file was made)."""
        if self._map is None:
            return 0
        return int.from_bytes(self._map[:_SIZE], "little")

    def change(self) -> None:
        """A generation changed: a new stamp, so that every worker reads the generations again."""
        if self._map is not None:
            self._map[:_SIZE] = (secrets.randbits(64) or 1).to_bytes(_SIZE, "little")

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
            self._map = None
