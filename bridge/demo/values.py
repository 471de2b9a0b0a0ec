"""The demo's timeline and the small random field values (phones, codes, addresses) rows share."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from bridge.demo.regions import Regency
from bridge.demo.words import STREETS

EPOCH = datetime(2024, 1, 2, 8, 0, 0)
DATA_SPAN = timedelta(days=640)


def sql_datetime(moment: datetime) -> str:
    return moment.isoformat(sep=" ")


def random_digits(rng: random.Random, count: int) -> str:
    return str(rng.randrange(10 ** (count - 1), 10**count))


def phone(rng: random.Random) -> str:
    return f"08{rng.randint(11, 59)}{rng.randrange(10_000_000, 100_000_000)}"


def office_phone(rng: random.Random) -> str:
    return f"(0{rng.randint(21, 979)}) {rng.randrange(1_000_000, 10_000_000)}"


def address(rng: random.Random, regency: Regency) -> str:
    return f"{rng.choice(STREETS)} No. {rng.randint(1, 250)}, {regency.name}"


def postal_code(rng: random.Random) -> str:
    return str(rng.randint(10110, 99999))


def unique(seen: set[str], make: Callable[[], str]) -> str:
    """Draw until the value is new: unique checks are off while loading, so Python guarantees it."""
    while True:
        value = make()
        if value not in seen:
            seen.add(value)
            return value
