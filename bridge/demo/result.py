"""What ``generate`` hands back: a DemoResult, or a DemoError saying why it cannot run."""

from __future__ import annotations

from dataclasses import dataclass, field

from bridge.demo.logins import DemoLogin


class DemoError(RuntimeError):
    """The demo cannot be loaded here; the message says why."""


@dataclass
class DemoResult:
    """What ``generate`` wrote: rows per table, time taken, and the demo logins."""

    counts: dict[str, int]
    seconds: float
    logins: list[DemoLogin] = field(default_factory=list)
