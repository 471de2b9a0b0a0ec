"""A REST collection page as CSV, for a client that sends ``Accept: text/csv``.

The same page, headers (``X-WP-Total``, ``X-WP-TotalPages``, ``Link``) and ``_fields`` as the
JSON answer; the columns are the items' plain values (nested ``permissions`` and ``_links`` are
left out), in the order of the first item. Cells go through the export's CSV writer
(bridge/export/formats.py): UTF-8 with a BOM, formula starts neutralised. The whole filtered set
of a table is the DataTables export's job (``/datatables/{table}/export``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sanic import Request
from sanic.response import HTTPResponse

from bridge.export.formats import MEDIA_TYPES, CsvFile


def _quality(part: str) -> tuple[str, float]:
    media, _, rest = part.strip().partition(";")
    quality = 1.0
    for param in rest.split(";"):
        name, _, value = param.strip().partition("=")
        if name == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
    return media.strip().lower(), quality


def wants_csv(request: Request) -> bool:
    """Whether ``Accept`` prefers ``text/csv`` to JSON (a browser's ``*/*`` keeps JSON)."""
    header = request.headers.get("accept", "")
    if "csv" not in header:
        return False
    ranked = dict(_quality(p) for p in header.split(",") if p.strip())
    csv = ranked.get("text/csv", 0.0)
    json = max(ranked.get("application/json", 0.0), ranked.get("*/*", 0.0) * 0.99)
    return csv > 0 and csv >= json


def csv_response(resource: str, items: list[dict[str, Any]], headers: dict[str, str]) -> HTTPResponse:
    """``items`` as a CSV file with the collection's headers."""
    columns: list[str] = []
    for item in items[:1]:
        columns = [k for k, v in item.items() if not isinstance(v, dict | list)]
    out = CsvFile()
    body = out.head(columns) + out.lines([[item.get(c) for c in columns] for item in items])
    name = f"{resource}-{datetime.now(UTC):%Y-%m-%d}.csv"
    headers = {**headers, "Content-Disposition": f'attachment; filename="{name}"', "Vary": "Accept"}
    return HTTPResponse(body, status=200, headers=headers, content_type=MEDIA_TYPES["csv"])
