"""DataTables requests exactly as the browser sends them, and what the tests read from the answers."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.paths import API

CUSTOMER_COLUMNS = [
    {"data": "code"},
    {"data": "name"},
    {"data": "owner_name"},
    {"data": "branch_count", "searchable": False},
    {"data": "actions", "orderable": False, "searchable": False},
]


def dt_params(columns: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, str]:
    """Flat bracket parameters, exactly as jQuery serialises a DataTables request."""
    params: dict[str, str] = {"draw": "1", "start": "0", "length": "10", "search[value]": "", "search[regex]": "false"}
    for i, col in enumerate(columns or []):
        params[f"columns[{i}][data]"] = str(col.get("data", ""))
        params[f"columns[{i}][name]"] = str(col.get("name", ""))
        params[f"columns[{i}][searchable]"] = str(col.get("searchable", True)).lower()
        params[f"columns[{i}][orderable]"] = str(col.get("orderable", True)).lower()
        params[f"columns[{i}][search][value]"] = str(col.get("search", ""))
        params[f"columns[{i}][search][regex]"] = str(col.get("regex", False)).lower()
    for key, value in extra.items():
        params[key] = str(value)
    return params


def datatable(client: httpx.Client, table: str, auth: Any = None, method: str = "GET", **params: Any) -> dict[str, Any]:
    """One DataTables request; asserts the transport answer (200, JSON) and returns the body."""
    flat = dt_params(params.pop("columns", None), **params)
    if method == "GET":
        response = client.get(f"{API}/datatables/{table}", params=flat, auth=auth)
    else:
        response = client.post(f"{API}/datatables/{table}", data=flat, auth=auth)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def row_ids(body: dict[str, Any]) -> list[int]:
    return [row["DT_RowData"]["id"] for row in body["data"]]
