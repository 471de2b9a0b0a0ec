"""What ``generate`` hands back: a DemoResult, or a DemoError saying why it cannot run."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoLogin:
    """A printed demo account: WordPress password and REST application password."""

    username: str
    user_id: int
    role: str
    wordpress_password: str
    application_password: str
    sees: str


class DemoError(RuntimeError):
    """The demo cannot be loaded here; the message says why."""


@dataclass
class DemoResult:
    """What ``generate`` wrote: rows per table, time taken, and the demo logins."""

    counts: dict[str, int]
    seconds: float
    logins: list[DemoLogin] = field(default_factory=list)
