"""The pool's DATETIME/TIMESTAMP decoder gives what pymysql's ``convert_datetime`` gives, for the
text the server sends and for anything else, so swapping it in changes no value anywhere."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from pymysql import converters
from pymysql.constants import FIELD_TYPE

from bridge.decoders import DECODERS, decode_datetime

ODD = [
    "0000-00-00 00:00:00",  # MySQL's zero date: pymysql hands back the text
    "2025-02-31 10:00:00",  # no such day
    "2025-01-02 24:00:00",
    "2025-13-01 00:00:00",
    "0001-01-01 00:00:00",
    "9999-12-31 23:59:59",
    "2025-01-02 03:04:05.5",
    "2025-01-02 03:04:05.123456",
    "2025-01-02T03:04:05",
    "2025-01-02",
    "2025-1-2 3:4:5",
    "2025-01-02 03:04+01",
    "2025-01-02 03:04:0Z",
    "2025-W01-1 03:04:05",
    "２０２５-01-02 03:04:05",  # non-ASCII digits: pymysql's regex takes them, fromisoformat does not
    "abcd-ef-gh ij:kl:mn",
    "",
]


def test_the_decoder_answers_as_pymysql_does() -> None:
    rng = random.Random(7)
    start = datetime(1000, 1, 1)
    values = [
        (start + timedelta(seconds=rng.randrange(0, 9000 * 365 * 86400))).strftime("%Y-%m-%d %H:%M:%S")
        for _ in range(3000)
    ]
    for text in values + ODD:
        expected = converters.convert_datetime(text)
        for given in (text, text.encode()) if text.isascii() else (text,):
            got = decode_datetime(given)
            assert got == expected and type(got) is type(expected), (given, got, expected)


def test_the_pool_decodes_datetimes_with_it_and_everything_else_as_pymysql() -> None:
    assert DECODERS[FIELD_TYPE.DATETIME] is decode_datetime
    assert DECODERS[FIELD_TYPE.TIMESTAMP] is decode_datetime
    others = {k: v for k, v in DECODERS.items() if k not in (FIELD_TYPE.DATETIME, FIELD_TYPE.TIMESTAMP)}
    assert all(converters.conversions[k] is v for k, v in others.items())
    assert set(DECODERS) == set(converters.conversions)
