"""The references a write's values make, checked before its transaction: regions, WordPress
users, and a branch's agency and division. Each adds the plugin's message to the
write's ``Problems``, so one 400 names every bad field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sanic import Request

from bridge.messages import MSG
from bridge.services import services
from bridge.tables.lookups import province, regency, wp_user
from bridge.validation import Problems
from bridge.writes.store import Store


async def check_region(
    request: Request, values: dict[str, Any], problems: Problems, current: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """``provinsi_id`` / ``regency_id`` name real rows and the regency lies in the province (the
    row's current regency too, when only the province changes); a regency given alone brings its
    province. Returns the province and regency rows (with the codes the documented layout stores)."""
    db, names = services(request).db, services(request).names
    prov = reg = None
    if values.get("regency_id") is not None:
        reg = await regency(db, names, values["regency_id"])
        if reg is None:
            problems.add("regency_id", MSG["regency_missing"])
        elif values.get("provinsi_id") is None:
            values["provinsi_id"] = int(reg["province_id"])
    if values.get("provinsi_id") is not None:
        prov = await province(db, names, values["provinsi_id"])
        if prov is None:
            problems.add("provinsi_id", MSG["province_missing"])
            return prov, reg
        kept = None
        if reg is None and "regency_id" not in values and current and current.get("regency_id"):
            kept = await regency(db, names, current["regency_id"])
        inside = reg or kept
        if inside is not None and int(inside["province_id"]) != int(prov["id"]):
            problems.add("regency_id", MSG["regency_outside"])
    return prov, reg


async def check_users(
    request: Request, values: Mapping[str, Any], problems: Problems, *fields: str
) -> dict[str, dict[str, Any]]:
    """Each of ``fields`` present names an existing WordPress user (the bridge never creates one)."""
    found: dict[str, dict[str, Any]] = {}
    for field in fields:
        if values.get(field) is not None:
            user = await wp_user(services(request).db, services(request).names, values[field])
            if user is None:
                problems.add(field, MSG["user_missing"])
            else:
                found[field] = user
    return found


async def _region_codes(
    request: Request, values: Mapping[str, Any], current: Mapping[str, Any] | None, customer: Mapping[str, Any] | None
) -> tuple[str | None, str | None]:
    """Province and regency codes of the branch after the write. Without region columns (the
    documented layout) a new branch takes its customer's region, which that layout stores as codes."""
    svc = services(request)
    if not svc.models["branches"].has("provinsi_id"):
        return (customer or {}).get("provinsi_code"), (customer or {}).get("regency_code")
    merged = {**(current or {}), **values}
    prov = await province(svc.db, svc.names, merged["provinsi_id"]) if merged.get("provinsi_id") else None
    reg = await regency(svc.db, svc.names, merged["regency_id"]) if merged.get("regency_id") else None
    return (prov or {}).get("code"), (reg or {}).get("code")


async def check_agency(
    request: Request,
    values: dict[str, Any],
    problems: Problems,
    current: Mapping[str, Any] | None,
    customer: Mapping[str, Any] | None = None,
) -> None:
    """A branch's region, agency and division. Agency and division are taken as given (they must
    exist and belong together) or resolved from the region when a branch is created or its
    region changes; a new branch must end up with both, as the plugin's validator demands."""
    svc = services(request)
    model = Store.of(svc.models, svc.names).branches
    await check_region(request, values, problems, current)
    if "provinsi_id" in problems or "regency_id" in problems:
        return
    region_changed = "provinsi_id" in values or "regency_id" in values
    if "agency_id" not in values and (current is None or region_changed):
        province_code, regency_code = await _region_codes(request, values, current, customer)
        agency_id, division_id = await model.agency_for_region(svc.db, province_code, regency_code)
        values["agency_id"] = agency_id
        values.setdefault("division_id", division_id)
    if values.get("agency_id") is not None and not await model.agency_exists(svc.db, values["agency_id"]):
        problems.add("agency_id", MSG["agency_missing"])
        return
    agency = values.get("agency_id", (current or {}).get("agency_id"))
    if values.get("division_id") is not None and not await model.division_in_agency(
        svc.db, values["division_id"], agency
    ):
        problems.add("division_id", MSG["division_missing"])
    if "agency_id" in values and values["agency_id"] is None and model.has("agency_id"):
        problems.add("agency_id", MSG["agency_required"])
    elif (
        current is None
        and values.get("division_id") is None
        and model.has("division_id")
        and svc.schema.has_table("divisions")
    ):
        problems.add("division_id", MSG["division_required"])
