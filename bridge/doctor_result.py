"""What one ``wpbridge doctor`` check found, and how it is printed (bridge/doctor.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """One check's outcome: ``ok``, ``FAIL`` (with the fix) or ``skip`` (not applicable, or blocked)."""

    name: str
    status: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.status:<4}  {self.name}: {self.detail}"
        return text + (f"\n      fix: {self.fix}" if self.fix else "")


def ok(name: str, detail: str) -> Result:
    return Result(name, "ok", detail)


def fail(name: str, detail: str, fix: str) -> Result:
    return Result(name, "FAIL", detail, fix)


def skip(name: str, detail: str) -> Result:
    return Result(name, "skip", detail)
