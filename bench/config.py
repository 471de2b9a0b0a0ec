"""What a benchmark run does, from ``BENCH_*`` environment variables (documented in README)."""

from __future__ import annotations

import os
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


def _sizes(main: int) -> list[int]:
    raw = os.environ.get("BENCH_SCALES", "").strip()
    if raw:
        sizes = [int(x) for x in raw.replace(",", " ").split()]
    else:
        sizes = [n for n in (1000, 10_000) if n < main]
    return sorted({*sizes, main})


@dataclass(frozen=True)
class BenchConfig:
    customers: int = field(default_factory=lambda: _int("BENCH_CUSTOMERS", 100_000))
    duration: int = field(default_factory=lambda: _int("BENCH_DURATION", 5))  # seconds per measured run
    concurrency: tuple[int, ...] = (1, 32)
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

    @property
    def sizes(self) -> list[int]:
        return _sizes(self.customers)
