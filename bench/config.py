"""What a benchmark run does, from ``BENCH_*`` environment variables (documented in README)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        return int(raw.replace("_", "").replace(",", "")) if raw else default
    except ValueError:
        raise SystemExit(f"bench: {name} must be a whole number, got {raw!r}") from None


def _scales() -> tuple[int, ...]:
    """``BENCH_SCALES``: the data sizes, largest first (the largest is the main size)."""
    if os.environ.get("BENCH_CUSTOMERS", "").strip():
        raise SystemExit(
            "bench: BENCH_CUSTOMERS is replaced by BENCH_SCALES, e.g. BENCH_SCALES=2000,1000 (the largest is the main size)"
        )
    raw = os.environ.get("BENCH_SCALES", "").strip() or "100000,1000"
    try:
        sizes = {int(x.replace("_", "")) for x in raw.replace(",", " ").split()}
    except ValueError:
        raise SystemExit(f"bench: BENCH_SCALES must be whole numbers separated by commas, got {raw!r}") from None
    if not sizes:
        raise SystemExit("bench: BENCH_SCALES names no size")
    return tuple(sorted(sizes, reverse=True))


def _name() -> str:
    """``BENCH_NAME``: the report's file name (``latest`` by default), so a quick run need not replace it."""
    name = os.environ.get("BENCH_NAME", "").strip() or "latest"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise SystemExit(f"bench: BENCH_NAME must be a plain file name (letters, digits, . _ -), got {name!r}")
    return name


@dataclass(frozen=True)
class BenchConfig:
    sizes: tuple[int, ...] = field(default_factory=_scales)  # largest first
    duration: int = field(default_factory=lambda: _int("BENCH_DURATION", 5))  # seconds per measured run
    concurrency: tuple[int, ...] = (1, 16, 32)
    workers: int = field(default_factory=lambda: _int("BENCH_WORKERS", os.cpu_count() or 1))
    write_rate: int = field(default_factory=lambda: _int("BENCH_WRITE_RATE", 20))  # S9 writes per second
    s9_rounds: int = field(
        default_factory=lambda: _int("BENCH_S9_ROUNDS", 3)
    )  # alone/under-writes pairs (median taken)
    cold_rounds: int = field(default_factory=lambda: _int("BENCH_COLD_ROUNDS", 10))
    keep_database: bool = field(default_factory=lambda: os.environ.get("BENCH_KEEP_DB", "") not in ("", "0"))
    only: tuple[str, ...] = field(
        default_factory=lambda: tuple(x for x in os.environ.get("BENCH_ONLY", "").replace(",", " ").split() if x)
    )
    profile: bool = field(default_factory=lambda: os.environ.get("BENCH_PROFILE", "1") not in ("0", ""))
    name: str = field(default_factory=_name)  # bench/results/NAME.md and NAME.png

    @property
    def customers(self) -> int:
        """The main size: the whole run (as shipped, index effects, S9, profiles); the others the indexed matrix."""
        return self.sizes[0]
