"""The run's results: JSON (everything), ``latest.md`` (tables, targets) and the chart."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Row = dict[str, Any]


def _runs(result: dict[str, Any], phase: str = "indexed") -> list[Row]:
    return result["main"][phase]["runs"]


def _pick(runs: list[Row], scenario: str, c: int, cache: str = "warm", role: str | None = None) -> list[Row]:
    return [
        r
        for r in runs
        if r["scenario"] == scenario
        and r["concurrency"] == c
        and r["cache"] == cache
        and (role is None or r["role"] == role)
    ]


def _worst(rows: list[Row], key: Callable[[Row], float], high_is_bad: bool = True) -> Row | None:
    return (max if high_is_bad else min)(rows, key=key) if rows else None


def targets(result: dict[str, Any]) -> list[Row]:
    """The benchmark's targets at the main size, each on its worst variant (the role that does worst), indexed phase."""
    runs = _runs(result)
    out: list[Row] = []

    def add(name: str, value: float | None, limit: float, unit: str, higher_ok: bool = False, where: str = "") -> None:
        if value is None:
            out.append(
                {"target": name, "value": None, "limit": limit, "met": None, "by": "not measured", "where": where}
            )
            return
        met = value >= limit if higher_ok else value <= limit
        gap = (
            ""
            if met
            else (
                f"{limit - value:.2f} {unit} short"
                if higher_ok
                else f"{value - limit:.2f} {unit} over ({value / limit:.2f}×)"
            )
        )
        out.append(
            {
                "target": name,
                "value": round(value, 2),
                "limit": limit,
                "unit": unit,
                "met": met,
                "by": gap,
                "where": where,
            }
        )

    for sid in ("S1", "S4", "S5", "S6", "S7", "S8"):
        w = _worst(_pick(runs, sid, 1), lambda r: r["bridge"]["p50"])
        add(f"{sid} p50 at concurrency 1 ≤ 3 ms", w and w["bridge"]["p50"], 3.0, "ms", where=w and f"{sid}/{w['role']}")
    s1_32 = _pick(runs, "S1", 32)
    w = _worst(s1_32, lambda r: r["bridge"]["rps"], high_is_bad=False)
    add(
        "S1 at concurrency 32 ≥ 1,000 requests/s",
        w and w["bridge"]["rps"],
        1000.0,
        "req/s",
        True,
        w and f"S1/{w['role']}",
    )
    errors = sum(r["bridge"]["errors"] for r in s1_32)
    add("S1 at concurrency 32: zero errors", float(errors) if s1_32 else None, 0.0, "errors", where="all roles")
    s1 = _pick(runs, "S1", 1, role="admin")
    s3 = _pick(runs, "S3", 1, role="admin")
    if s1 and s3:
        add("S3 p50 ≤ 3 × S1 p50", s3[0]["bridge"]["p50"] / s1[0]["bridge"]["p50"], 3.0, "×", where="admin")
    w = _worst(_pick(runs, "S2", 1), lambda r: r["bridge"]["p50"])
    add("S2 p50 ≤ 50 ms", w and w["bridge"]["p50"], 50.0, "ms", where=w and f"S2/{w['role']}")
    w = _worst(_pick(runs, "S2", 1, cache="cold"), lambda r: r["bridge"]["p50"])
    shipped = _worst(_pick(result["main"]["shipped"]["runs"], "S2", 1, cache="cold"), lambda r: r["bridge"]["p50"])
    add(
        "S2 cold p50 ≤ 50 ms (search index built; 'as shipped', LIKE alone: "
        + (f"{shipped['bridge']['p50']:.1f} ms)" if shipped else "not measured)"),
        w and w["bridge"]["p50"],
        50.0,
        "ms",
        where=w and f"S2/{w['role']}",
    )
    for sid in ("S1", "S4", "S6"):
        w = _worst(_pick(runs, sid, 1), lambda r: r["overhead_p50_ms"])
        add(
            f"{sid} bridge p50 ≤ floor p50 + 1.5 ms",
            w and w["overhead_p50_ms"],
            1.5,
            "ms",
            where=w and f"{sid}/{w['role']}",
        )
    s9 = result["main"]["indexed"].get("s9")
    add("S1 p99 under the S9 writes ≤ 2 × without", s9 and s9["ratio_p99"], 2.0, "×", where="S1/admin, 32 connections")
    memory = result["main"].get("memory") or []
    add("memory ≤ 200 MB resident per worker (VmHWM)", max((m["hwm_mb"] for m in memory), default=None), 200.0, "MB")
    return out


# The targets against the HTTP floor, on these scenarios (S1 per role, the others on their worst role).
FLOOR_VARIANTS = (("S1", "admin"), ("S1", "owner"), ("S4", None), ("S6", None), ("S8", None))
RPS_SHARE = 0.60  # bridge req/s at 16 connections ≥ 60 % of the HTTP floor's
P50_MARGIN_MS = 0.35  # bridge p50 at 1 connection ≤ HTTP floor p50 + 0.35 ms


def all_sizes(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The main size first, then the others, largest first."""
    return [result["main"], *sorted(result.get("others", []), key=lambda s: -s["customers"])]


def floor_targets(result: dict[str, Any]) -> list[Row]:
    """The HTTP-floor targets at every size, from the warm indexed matrix; each check on its worst role
    where a scenario has several. ``detail`` holds the two numbers compared."""
    out: list[Row] = []
    Scored = tuple[float, str] | None

    def add(
        size: int, name: str, rows: list[Row], score: Callable[[Row], Scored], limit: float, unit: str, higher_ok: bool
    ) -> None:
        scored = [(v, r) for r in rows if (v := score(r)) is not None]
        if not scored:
            out.append({"size": size, "target": name, "value": None, "limit": limit, "unit": unit, "met": None, "by": "not measured",
                        "where": "", "detail": ""})  # fmt: skip
            return
        (value, detail), r = (min if higher_ok else max)(scored, key=lambda x: x[0][0])
        met = value >= limit if higher_ok else value <= limit
        gap = "" if met else (f"{limit - value:.2f} {unit} short" if higher_ok else f"{value - limit:.2f} {unit} over")
        out.append({"size": size, "target": name, "value": round(value, 2), "limit": limit, "unit": unit, "met": met, "by": gap,
                    "where": f"{r['scenario']}/{r['role']}", "detail": detail})  # fmt: skip

    def share(r: Row) -> Scored:
        h = r.get("http")
        if not h or not h["rps"]:
            return None
        return r["bridge"]["rps"] / h["rps"], f"bridge {r['bridge']['rps']:,.0f} ÷ HTTP floor {h['rps']:,.0f} req/s"

    def margin(r: Row) -> Scored:
        h = r.get("http")
        if not h:
            return None
        return r["bridge"]["p50"] - h["p50"], f"bridge {r['bridge']['p50']:.2f} − HTTP floor {h['p50']:.2f} ms"

    for part in all_sizes(result):
        runs = part["indexed"]["runs"]
        size = part["customers"]
        for sid, role in FLOOR_VARIANTS:
            name = f"{sid}/{role}" if role else sid
            at = {c: _pick(runs, sid, c, role=role) for c in (1, 16, 32)}
            rps16 = {r["role"]: r["bridge"]["rps"] for r in at[16]}
            floor16 = {r["role"]: r["http"]["rps"] for r in at[16] if r.get("http")}

            def scale(r: Row, rps16: dict[str, float] = rps16, floor16: dict[str, float] = floor16) -> Scored:
                base = rps16.get(r["role"])
                if not base:
                    return None
                detail = f"{r['bridge']['rps']:,.0f} at 32 ÷ {base:,.0f} req/s at 16"
                # the HTTP floor's own 32 ÷ 16 on the same machine: what the cores left to anyone
                if (h := r.get("http")) and h["rps"] and floor16.get(r["role"]):
                    detail += f" (HTTP floor {h['rps'] / floor16[r['role']]:.2f} ×)"
                return r["bridge"]["rps"] / base, detail

            add(
                size,
                f"{name}: req/s at 16 connections ≥ {RPS_SHARE:.0%} of the HTTP floor's",
                at[16],
                share,
                RPS_SHARE,
                "×",
                True,
            )
            add(
                size,
                f"{name}: p50 at 1 connection ≤ HTTP floor p50 + {P50_MARGIN_MS} ms",
                at[1],
                margin,
                P50_MARGIN_MS,
                "ms",
                False,
            )
            add(size, f"{name}: req/s at 32 connections ≥ at 16", at[32], scale, 1.0, "×", True)
    return out


def label(sql: str) -> str:
    """What a captured statement is, in a few words."""
    if sql.startswith("SELECT 'owner' AS kind"):
        return "principal: the user's relations (UNION over customers, branches, employees, agencies …)"
    if "`__page`" in sql:
        return "DataTables page" + (" with COUNT" if "`__cnt`" in sql else "")
    if "`total_customers`" in sql:
        return "customer statistics (3 counts)"
    if "`customer_count`" in sql and "`agency`" in sql:
        return "agency tab counts"
    return sql[:70] + "…"


def _f(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_f(c) if not isinstance(c, str) else c for c in row) + " |" for row in rows]
    return lines


def _warm_matrix(runs: list[Row]) -> list[str]:
    rows = []
    for r in runs:
        if r["cache"] != "warm":
            continue
        b, h, f = r["bridge"], r.get("http") or {}, r["floor"] or {}
        rows.append([f"{r['scenario']}/{r['role']}", str(r["concurrency"]), _f(b["rps"], 0), b["p50"], b["p99"], str(b["errors"]),
                     _f(h.get("rps"), 0), h.get("p50"), str(h.get("errors", "–")),
                     _f(f.get("rps"), 0) if f else "no SQL", f.get("p50"),
                     _f(r.get("ratio_rps_http")), _f(r.get("overhead_p50_http_ms")), _f(r["overhead_p50_ms"]) if f else "–",
                     _f(r.get("load"), 1)])  # fmt: skip
    return _table(["scenario/role", "conc.", "bridge req/s", "p50 ms", "p99 ms", "errors", "HTTP floor req/s", "p50 ms", "errors",
                   "SQL floor req/s", "p50 ms", "req/s ÷ HTTP floor", "p50 − HTTP floor ms", "p50 − SQL floor ms", "load"], rows)  # fmt: skip


def _cold_matrix(runs: list[Row]) -> list[str]:
    rows = []
    for r in runs:
        if r["cache"] != "cold":
            continue
        b, f = r["bridge"], r["floor"] or {}
        rows.append([f"{r['scenario']}/{r['role']}", str(r["concurrency"]), b["p50"], b["p99"], str(b["errors"]),
                     f.get("p50"), f.get("p99"), _f(r["ratio_p50"]), _f(r["overhead_p50_ms"]), _f(r.get("load"), 1)])  # fmt: skip
    return _table(["scenario/role", "conc.", "p50 ms", "p99 ms", "errors", "SQL floor p50", "SQL floor p99", "p50 ÷ SQL floor",
                   "p50 − SQL floor ms", "load"], rows)  # fmt: skip


def _met(value: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "–"}[value]


def markdown(result: dict[str, Any], chart_name: str) -> str:
    meta, main = result["meta"], result["main"]
    db = main["database"]
    sizes = all_sizes(result)
    out = [
        "# Benchmark results (`make bench`)",
        "",
        f"{meta['date']}, commit {meta['commit']}{' + local changes' if meta.get('dirty') else ''}; {meta['cpus']} cores shared by wrk, "
        f"MariaDB, {meta['workers']} bridge workers and {meta['workers']} HTTP-floor workers; sizes "
        + ", ".join(f"{p['customers']:,}" for p in sizes)
        + f" demo customers (the main size {main['customers']:,}: {db['data_mb']} MB of tables, MariaDB {db['version']}, buffer pool "
        f"{db['buffer_pool_mb']} MB); {meta['duration_s']} s per measured run; load average {meta['load_before'][0]:.2f} before, "
        f"{meta['load_after'][0]:.2f} after. Every ratio compares numbers of this one run.",
        "",
        "Two floors, both serving the very statements the bridge sent for the same request (captured from MariaDB's general log):",
        "the **HTTP floor** is a minimal Sanic + aiomysql app (`bench/httpfloor.py`, as many workers and the same pool size as the",
        "bridge) that runs them per request and answers the rows encoded with orjson, padded or cut to the length of the bridge's",
        "answer, driven by wrk like the bridge; the **SQL floor** replays them with a bare aiomysql loop (no HTTP).",
        "`bridge ÷ HTTP floor` is what the bridge itself costs (authentication, scope, caches, shaping); `bridge − SQL floor` also",
        "counts HTTP.",
        "",
        f"![bridge, HTTP floor and SQL floor per scenario and size]({chart_name})",
        "",
        "## Targets: the bridge against the HTTP floor (warm, indexed; each on its worst role)",
        "",
    ]
    out += _table(["customers", "target", "variant", "measured", "from", "limit", "met", "gap"],
                  [[f"{t['size']:,}", t["target"], t.get("where") or "", f"{_f(t['value'])} {t['unit']}", t["detail"], f"{_f(t['limit'])} {t['unit']}",
                    _met(t["met"]), t["by"] or ""]
                   for t in result.get("floor_targets", [])])  # fmt: skip
    out += [
        "",
        f"## Targets at {main['customers']:,} customers, after `wpbridge indexes --apply`, each on its worst role",
        "",
    ]
    out += _table(["target", "measured", "limit", "met", "gap", "variant"],
                  [[t["target"], _f(t["value"]), _f(t["limit"]), {True: "yes", False: "**no**", None: "–"}[t["met"]], t["by"] or "", t.get("where") or ""]
                   for t in result["targets"]])  # fmt: skip
    for part in sizes:
        out += ["", f"## Warm cache, {part['customers']:,} customers (indexed): bridge, HTTP floor, SQL floor", "",
                "\"no SQL\": the bridge answered from its cache (statistics), or knew the page is empty (a search with no match in the",
                "user's scope); the HTTP floor then answers the same number of bytes without SQL. \"load\": the machine's 1-minute load",
                "average right after the measurement.", ""]  # fmt: skip
        out += _warm_matrix(part["indexed"]["runs"])
    for part in sizes:
        out += ["", f"## Cold cache, {part['customers']:,} customers (indexed)", "",
                "Each round empties the bridge's cache, then sends one request per connection at once (auth, principal, totals and",
                "statistics all missing). The SQL floor replays the cold request's statements.", ""]  # fmt: skip
        out += _cold_matrix(part["indexed"]["runs"])
    runs = main["indexed"]["runs"]
    shipped = {(r["scenario"], r["role"], r["cache"]): r for r in main["shipped"]["runs"]}
    rows = []
    for r in runs:
        if r["concurrency"] != 1:
            continue
        s = shipped.get((r["scenario"], r["role"], r["cache"]))
        if s:
            floor_p50 = lambda x: x["floor"]["p50"] if x["floor"] else "no SQL"  # noqa: E731
            rows.append(
                [
                    f"{r['scenario']}/{r['role']}",
                    r["cache"],
                    s["bridge"]["p50"],
                    r["bridge"]["p50"],
                    floor_p50(s),
                    floor_p50(r),
                ]
            )
    out += ["", "## The plugins' own indexes vs `wpbridge indexes --apply` (concurrency 1, p50 ms)", ""]
    out += _table(
        ["scenario/role", "cache", "bridge as shipped", "bridge indexed", "floor as shipped", "floor indexed"], rows
    )
    out += ["", "## S9: S1 (admin, 32 connections) while writers create, rename and delete customers", ""]
    rows = []
    for phase in ("shipped", "indexed"):
        s9 = main[phase].get("s9")
        if s9:
            a, u, w = s9["s1_alone"], s9["s1_under_writes"], s9["writes"]
            rows.append(
                [
                    phase,
                    a["p50"],
                    a["p99"],
                    _f(a["rps"], 0),
                    u["p50"],
                    u["p99"],
                    _f(u["rps"], 0),
                    str(u["errors"]),
                    _f(w["rps"], 1),
                    str(w["errors"]),
                    _f(s9["ratio_p99"]),
                    " / ".join(_f(x) for x in s9.get("rounds", [s9["ratio_p99"]])),
                ]
            )
    out += _table(
        [
            "indexes",
            "alone p50",
            "alone p99",
            "alone req/s",
            "writes p50",
            "writes p99",
            "writes req/s",
            "S1 errors",
            "writes/s",
            "write errors",
            "p99 ratio (median round)",
            "each round",
        ],
        rows,
    )
    out += [
        "",
        "## Growth with data (admin, concurrency 1, warm, indexed; p50 ms, bridge / HTTP floor / SQL floor)",
        "",
    ]
    ascending = sorted(sizes, key=lambda p: p["customers"])
    rows = []
    for sid in ("S1", "S2", "S3"):
        cells = [sid]
        for part in ascending:
            r = next((r for r in _pick(part["indexed"]["runs"], sid, 1, role="admin")), None)
            cells.append(
                " / ".join(
                    _f(x) for x in (r["bridge"]["p50"], (r.get("http") or {}).get("p50"), (r["floor"] or {}).get("p50"))
                )
                if r
                else "–"
            )
        rows.append(cells)
    out += _table(["scenario"] + [f"{p['customers']:,} customers" for p in ascending], rows)
    out += ["", "## Index effects: each index alone vs none", "",
            "Fastest of 9 runs in ms, alternating with and without so both share the same load; and the rows and index",
            "entries the server read (`Handler_read_*`), which other load cannot blur. An index is listed for a statement",
            "when it reads at least 5 % fewer rows (time alone moves with the machine's load).", ""]  # fmt: skip
    out += [
        "Cold requests load the principal (the UNION below): that is where the user_id indexes act, on every",
        "cold request and after every write (writes evict the cached principals).",
        "",
    ]
    rows = []
    for e in main.get("index_effects") or []:
        if not any("rows_with" not in st or st["rows_with"] < 0.95 * st["rows_without"] for st in e["statements"]):
            rows.append(
                [
                    f"{e['table']}.{e['column']}",
                    "no captured statement reads 5 % fewer rows (a small table, or no scenario's user needs it)",
                    "",
                    "",
                    "",
                    "",
                ]
            )
        for st in e["statements"]:
            if "rows_with" in st and st["rows_with"] >= 0.95 * st["rows_without"]:
                continue  # the time moved but not the rows read: the machine's noise, not the index
            used = sorted(st["used_by"])
            rows.append([f"{e['table']}.{e['column']}", label(st["sql"]), st["without_ms"], st["with_ms"],
                         f"{st.get('rows_without', 0):,} → {st.get('rows_with', 0):,}",
                         ", ".join(used[:4]) + (f" and {len(used) - 4} more" if len(used) > 4 else "")])  # fmt: skip
    out += _table(
        ["index", "statement", "ms without", "ms with", "rows read", "sent by (scenario/role, cold or warm)"], rows
    )
    memory = main.get("memory") or []
    out += [
        "",
        "## Memory",
        "",
        "Peak resident set (VmHWM) of each worker at the end of the run: "
        + ", ".join(f"{m['hwm_mb']:.0f} MB (pid {m['pid']})" for m in memory)
        + ".",
    ]
    for prof in main.get("profiles") or []:
        if "inclusive" not in prof:
            continue
        out += [
            "",
            f"## Profile: the workers during {prof['scenario']} at {prof['concurrency']} connection(s) (py-spy, share of samples)",
            "",
        ]
        out += _table(["inclusive %", "function"], [[p, f"`{name}`"] for p, name in prof["inclusive"][:30]])
        out += [""]
        out += _table(["self %", "function"], [[p, f"`{name}`"] for p, name in prof["self"][:12]])
    stm = main.get("statements", {})
    out += ["", "## What the bridge sends (warm, captured)", ""]
    for key in ("S1/admin", "S3/admin", "S2/admin", "S6/admin", "S8/admin"):
        for sql in stm.get(key, {}).get("warm", []):
            out += [f"- {key}: `{sql}`"]
    return "\n".join(out) + "\n"


def write(result: dict[str, Any], results_dir: Path, name: str = "latest") -> tuple[Path, Path, Path]:
    from bench.chart import draw

    result["targets"] = targets(result)
    result["floor_targets"] = floor_targets(result)
    results_dir.mkdir(parents=True, exist_ok=True)
    sizes = "-".join(
        f"{n // 1000}k" if n >= 1000 else str(n) for n in sorted(p["customers"] for p in all_sizes(result))
    )
    stamp = result["meta"]["date"][:10]
    json_path = results_dir / f"{stamp}-{sizes}.json"
    json_path.write_text(json.dumps(result, indent=1, default=str))
    chart_path = results_dir / f"{name}.png"
    try:
        draw(result, chart_path)
    except Exception as exc:  # a chart problem must not lose the tables
        print(f"bench: could not draw the chart: {exc!r}")
    md_path = results_dir / f"{name}.md"
    md_path.write_text(markdown(result, chart_path.name))
    return json_path, md_path, chart_path
