"""The one datetime format of every answer (bridge/responses.py), without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bridge.responses import DATETIME_FORMAT, format_datetime


def test_datetimes_are_mysql_seconds_whatever_the_path() -> None:
    """The fast path (isoformat) gives exactly strftime's text; microseconds are dropped; dates stay dates."""
    for value in (
        datetime(2025, 1, 2, 3, 4, 5),
        datetime(2025, 1, 2, 3, 4, 5, 678),
        datetime(1000, 12, 31, 23, 59, 59),
    ):
        assert format_datetime(value) == value.strftime(DATETIME_FORMAT)
    assert format_datetime(datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2025-01-02 03:04:05"
    assert format_datetime(datetime(999, 1, 2, 3, 4, 5)) == datetime(999, 1, 2, 3, 4, 5).strftime(DATETIME_FORMAT)
    assert format_datetime(date(2025, 1, 2)) == "2025-01-02"
