"""Latency summaries shared by every measurement: the same percentile rule everywhere."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Measured:
    """One measured run: throughput, latency percentiles (ms) and errors."""

    requests: int
    seconds: float
    p50: float
    p90: float
    p99: float
    max: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rps": round(self.rps, 1)}


def percentile(sorted_ms: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (as wrk reports them)."""
    if not sorted_ms:
        return float("nan")
    rank = max(0, min(len(sorted_ms) - 1, int(round(q / 100 * len(sorted_ms) + 0.5)) - 1))
    return sorted_ms[rank]


def summarize(latencies_s: list[float], seconds: float, errors: int) -> Measured:
    ms = sorted(x * 1000 for x in latencies_s)
    return Measured(
        len(ms),
        seconds,
        percentile(ms, 50),
        percentile(ms, 90),
        percentile(ms, 99),
        ms[-1] if ms else float("nan"),
        errors,
    )
