"""The unit tier stays fast: a test under tests/unit that asks for the database or a server (the
root conftest's session fixtures) is refused at collection, before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
OUTSIDE_WORLD = frozenset(
    {"mysql_server", "make_database", "empty_site", "demo_db", "demo_logins", "bridge", "start_bridge"}
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        wanted = OUTSIDE_WORLD & set(getattr(item, "fixturenames", ()))
        if wanted and item.path.is_relative_to(HERE):
            raise pytest.UsageError(f"{item.nodeid} is a unit test but asks for {', '.join(sorted(wanted))}")
