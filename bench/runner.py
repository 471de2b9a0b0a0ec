"""One benchmark run: databases, the bridge, the scenarios, both floors, index effects, S9.

Every size of ``BENCH_SCALES`` gets a fresh database, ``wpbridge indexes --apply``, the bridge,
the statements of every scenario captured, and the indexed matrix: every scenario at each
concurrency, warm (the bridge, the HTTP floor and the SQL floor back to back) and cold. At the
largest size (the main one, measured last) the matrix is preceded by "as shipped" (the plugins'
own indexes: every scenario at concurrency 1, and S9) and by each index of ``wpbridge indexes``
measured on the captured statements, and followed by S9, the workers' memory and profiles.
"""

from __future__ import annotations

import os
import platform
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import cold, floor, httpfloor, index_effects, profile, wrk
from bench.capture import GeneralLog
from bench.config import ROOT, BenchConfig
from bench.scenarios import Scenario, basic_auth, context, scenarios
from bench.stack import Bridge, HttpFloor, Served, cli, drop_database, fresh_database, server_facts
from bridge.devdb import PRIVATE_PORT, answers, find_database, start_private, stop_private
from bridge.search_index.query import ABSENT_RECHECK_S
from bridge.setting_values import parse_database_url
from bridge.settings import DatabaseURL


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def _selected(items: list[Scenario], cfg: BenchConfig) -> list[Scenario]:
    if not cfg.only:
        return items
    return [s for s in items if s.id in cfg.only or s.key in cfg.only]


def _warm_up(server: Served, sc: Scenario, path: str | None = None) -> int:
    """Three requests (pool connections, caches); SystemExit unless they succeed. The body's length."""
    for _ in range(3):
        status, body = cold.one(server, path or sc.path, basic_auth(sc.role))
        if status >= 400 or (sc.datatable and b'"error":' in body):
            raise SystemExit(f"bench: {server.name} {sc.key} answers {status}: {body[:300]!r}")
    return len(body)


Captured = dict[str, dict[str, list[str]]]


def capture_all(bridge: Bridge, url: DatabaseURL, items: list[Scenario]) -> tuple[Captured, dict[str, int]]:
    """For each scenario: the statements of a warm request and of a cold one; and the length of
    the bridge's warm answer (what the HTTP floor answers with)."""
    out: Captured = {}
    bodies: dict[str, int] = {}
    with GeneralLog(url) as log:
        for sc in items:
            auth = basic_auth(sc.role)
            bodies[sc.key] = _warm_up(bridge, sc)
            warm = log.capture(lambda sc=sc, auth=auth: cold.one(bridge, sc.path, auth))
            bridge.clear_cache()
            chilly = log.capture(lambda sc=sc, auth=auth: cold.one(bridge, sc.path, auth))
            keep = lambda rows: [s for s in rows if not s.upper().startswith("SET ")]  # noqa: E731 (session setup of new connections)
            out[sc.key] = {"warm": keep(warm), "cold": keep(chilly)}
    return out, bodies


def floor_path(sc: Scenario) -> str:
    """The scenario on the HTTP floor, with the bridge's query string (same request line length, unread)."""
    _, mark, query = sc.path.partition("?")
    return f"{httpfloor.PREFIX}{sc.id}/{sc.role}{mark}{query}"


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def _pair(bridge_m: Any, floor_m: Any, http_m: Any = None) -> dict[str, Any]:
    b = bridge_m.as_dict()
    out: dict[str, Any] = {"bridge": b}
    if http_m is not None:
        h = http_m.as_dict()
        out |= {"http": h, "ratio_rps_http": _ratio(b["rps"], h["rps"]), "ratio_p50_http": _ratio(b["p50"], h["p50"]),
                "overhead_p50_http_ms": round(b["p50"] - h["p50"], 2)}  # fmt: skip
    if floor_m is None:  # the bridge answered from its cache: no SQL, nothing to replay
        return out | {"floor": None, "ratio_p50": None, "overhead_p50_ms": round(b["p50"], 2), "ratio_rps": None}
    f = floor_m.as_dict()
    return out | {
        "floor": f,
        "ratio_p50": _ratio(b["p50"], f["p50"]),
        "overhead_p50_ms": round(b["p50"] - f["p50"], 2),
        "ratio_rps": _ratio(b["rps"], f["rps"]),
    }


def measure(bridge: Bridge, url: DatabaseURL, sc: Scenario, statements: dict[str, list[str]], cfg: BenchConfig,
            concurrency: tuple[int, ...], caches: tuple[str, ...] = ("warm", "cold"),
            http: HttpFloor | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Bridge, HTTP floor (when given) and SQL floor, back to back, for each concurrency and cache state."""
    auth = basic_auth(sc.role)
    rows = []
    for c in concurrency:
        if "warm" in caches:
            _warm_up(bridge, sc)
            b = wrk.run(bridge.base + sc.path, auth, c, cfg.duration, sc.datatable)
            h = None
            if http is not None:
                _warm_up(http, sc, floor_path(sc))
                h = wrk.run(http.base + floor_path(sc), auth, c, cfg.duration, sc.datatable)
            f = floor.warm(url, statements["warm"], c, cfg.duration) if statements["warm"] else None
            rows.append(
                {
                    "scenario": sc.id,
                    "role": sc.role,
                    "concurrency": c,
                    "cache": "warm",
                    "load": os.getloadavg()[0],
                    **_pair(b, f, h),
                }
            )
            say(f"  {sc.key:<12} c={c:<2} warm  bridge p50 {b.p50:7.2f} ms p99 {b.p99:7.2f} {b.rps:7.0f}/s err {b.errors}"
                + (f" | http floor p50 {h.p50:6.2f} {h.rps:6.0f}/s err {h.errors}" if h else "")
                + (f" | sql floor p50 {f.p50:6.2f} {f.rps:6.0f}/s" if f else " | no SQL (answered from the cache)"))  # fmt: skip
        if "cold" in caches:
            rounds = cfg.cold_rounds if c == 1 else max(2, cfg.cold_rounds // 4)
            b = cold.run(bridge, sc.path, auth, c, rounds, sc.datatable)
            f = floor.cold(url, statements["cold"], c, rounds)
            rows.append(
                {
                    "scenario": sc.id,
                    "role": sc.role,
                    "concurrency": c,
                    "cache": "cold",
                    "load": os.getloadavg()[0],
                    **_pair(b, f),
                }
            )
            say(
                f"  {sc.key:<12} c={c:<2} cold  bridge p50 {b.p50:7.2f} ms p99 {b.p99:7.2f} err {b.errors} | sql floor p50 {f.p50:7.2f}"
            )
    return rows


def matrix(bridge: Bridge, url: DatabaseURL, items: list[Scenario], captured: Captured, bodies: dict[str, int],
           cfg: BenchConfig, run_dir: Path) -> list[dict[str, Any]]:  # fmt: skip
    """Every scenario at every concurrency, warm (with the HTTP floor serving the captured
    statements, started for this and stopped after) and cold."""
    spec = run_dir / f"http-floor-{url.database}.json"
    httpfloor.write_spec(spec, {key: parts["warm"] for key, parts in captured.items()}, bodies)
    runs = []
    with HttpFloor(url, cfg.workers, run_dir, spec) as http:
        for sc in items:
            runs += measure(bridge, url, sc, captured[sc.key], cfg, cfg.concurrency, http=http)
    return runs


def s9(bridge: Bridge, s1: Scenario, cfg: BenchConfig, rounds: int) -> dict[str, Any]:
    """S1 (admin, 32 connections) alone, then again while writers create, rename and delete
    customers, ``rounds`` times in turn. A p99 over a few seconds moves with any hiccup of the
    shared machine (alone p99 of one run has ranged 47–128 ms here), so the ratio is the median
    round's, and every round is reported."""
    auth = basic_auth("admin")
    _warm_up(bridge, s1)
    done = []
    for n in range(1, rounds + 1):
        alone = wrk.run(bridge.base + s1.path, auth, 32, cfg.duration, True)
        writers = wrk.start_writes(bridge.base + "/", auth, 2, cfg.duration + 2, cfg.write_rate)
        time.sleep(1)
        under = wrk.run(bridge.base + s1.path, auth, 32, cfg.duration, True)
        out, err = writers.communicate(timeout=cfg.duration + 60)
        writes = wrk.parse(out)
        ratio = round(under.p99 / alone.p99, 2) if alone.p99 else None
        say(f"  S9 round {n}: S1 p99 alone {alone.p99:.2f} ms, under {writes.rps:.1f} writes/s {under.p99:.2f} ms"
            f" (× {ratio}); write errors {writes.errors}")  # fmt: skip
        done.append(
            {
                "s1_alone": alone.as_dict(),
                "s1_under_writes": under.as_dict(),
                "writes": writes.as_dict(),
                "ratio_p99": ratio,
            }
        )
    median = sorted(done, key=lambda r: r["ratio_p99"] or 0)[len(done) // 2]
    return {**median, "write_rate_asked": cfg.write_rate, "rounds": [r["ratio_p99"] for r in done]}


# Profiled under load: S1 at 32 connections (throughput) and S8 at 1 (its p50 target).
PROFILED = (("S1/admin", 32), ("S8/admin", 1))


def profiles(bridge: Bridge, items: list[Scenario]) -> list[dict[str, Any]]:
    """py-spy on the workers while wrk sends each of ``PROFILED`` that this run measures."""
    out = []
    for key, connections in PROFILED:
        sc = next((s for s in items if s.key == key), None)
        if sc is None:
            continue
        say(f"profile: py-spy on the workers during {key} at {connections} connection(s)")
        load = subprocess.Popen(
            wrk.command(bridge.base + sc.path, basic_auth(sc.role), connections, 12), stdout=subprocess.DEVNULL
        )
        time.sleep(1)
        out.append({"scenario": key, "concurrency": connections, **(profile.record(bridge.worker_pids(), 10) or {})})
        load.wait()
    return out


def smaller_size(server: DatabaseURL, size: int, cfg: BenchConfig, run_dir: Path) -> dict[str, Any]:
    """The indexed matrix at a size other than the main one (indexes and the search index applied, as
    at the main size)."""
    say(f"size {size:,}: loading the demo customers …")
    url, load_s = fresh_database(server, size)
    result: dict[str, Any] = {"customers": size, "load_seconds": round(load_s, 1), "database": server_facts(url)}
    try:
        cli(url, "indexes", "--apply")
        cli(url, "indexes", "--search", "build")  # before the bridge starts: its workers find it at once
        with Bridge(url, cfg.workers, run_dir) as bridge:
            items = _selected(scenarios(context(url, size)), cfg)
            say(f"  capturing the statements of {len(items)} scenarios (MariaDB general log) …")
            captured, bodies = capture_all(bridge, url, items)
            result |= {"statements": captured, "body_bytes": bodies}
            say(f"size {size:,}, indexed: the whole matrix")
            result["indexed"] = {"runs": matrix(bridge, url, items, captured, bodies, cfg, run_dir)}
            result["memory"] = [m.__dict__ for m in bridge.memory()]
    finally:
        if not cfg.keep_database:
            drop_database(url)
    return result


def build_search_index(url: DatabaseURL) -> dict[str, Any]:
    """``wpbridge indexes --search build``, then long enough for every worker to look for it again
    (a worker that found no index looks again after ``ABSENT_RECHECK_S``): the indexed phase's
    searches (S2, warm and cold) use it, the 'as shipped' phase's did not."""
    say("wpbridge indexes --search build (the customers search index) …")
    began = time.monotonic()
    output = cli(url, "indexes", "--search", "build")
    seconds = time.monotonic() - began
    say(f"  built in {seconds:.0f} s; waiting {ABSENT_RECHECK_S + 1:.0f} s for the workers to see it")
    time.sleep(ABSENT_RECHECK_S + 1)
    return {"seconds": round(seconds, 1), "output": output}


def main_size(server: DatabaseURL, cfg: BenchConfig, run_dir: Path) -> dict[str, Any]:
    say(f"size {cfg.customers:,} (main): loading the demo customers …")
    url, load_s = fresh_database(server, cfg.customers)
    say(f"  loaded in {load_s:.0f} s into {url.database}")
    result: dict[str, Any] = {
        "customers": cfg.customers,
        "load_seconds": round(load_s, 1),
        "database": server_facts(url),
    }
    try:
        with Bridge(url, cfg.workers, run_dir) as bridge:
            ctx = context(url, cfg.customers)
            items = _selected(scenarios(ctx), cfg)
            say(f"capturing the statements of {len(items)} scenarios (MariaDB general log) …")
            captured, bodies = capture_all(bridge, url, items)
            result |= {"statements": captured, "body_bytes": bodies}
            say("phase 'as shipped' (the plugins' own indexes): concurrency 1, warm and cold")
            shipped = []
            for sc in items:
                shipped += measure(bridge, url, sc, captured[sc.key], cfg, (1,))
            s1 = next((s for s in items if s.key == "S1/admin"), None)
            result["shipped"] = {"runs": shipped, "s9": s9(bridge, s1, cfg, 1) if s1 else None}
            say("index effects (each index alone, on the captured statements)")
            result["index_effects"] = index_effects.measure(url, captured, say)
            say("wpbridge indexes --apply (already created while measuring: it finds them all present)")
            result["indexes_apply"] = cli(url, "indexes", "--apply")
            result["search_index"] = build_search_index(url)
            say("phase 'indexed': the whole matrix")
            runs = matrix(bridge, url, items, captured, bodies, cfg, run_dir)
            result["indexed"] = {"runs": runs, "s9": s9(bridge, s1, cfg, cfg.s9_rounds) if s1 else None}
            if cfg.profile:
                result["profiles"] = profiles(bridge, items)
            result["memory"] = [m.__dict__ for m in bridge.memory()]
            say("  worker memory (VmHWM): " + ", ".join(f"{m['hwm_mb']:.0f} MB" for m in result["memory"]))
    finally:
        if not cfg.keep_database:
            drop_database(url)
    return result


def meta(cfg: BenchConfig) -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "cpus": os.cpu_count(),
        "workers": cfg.workers,
        "duration_s": cfg.duration,
        "python": platform.python_version(),
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0]
        if wrk.ensure_wrk()
        else "",
        "load_before": os.getloadavg(),
        "sizes": list(cfg.sizes),
        "concurrency": list(cfg.concurrency),
    }


def database_server() -> tuple[DatabaseURL, bool]:
    """BRIDGE_DATABASE_URL when set; else the project's private MariaDB (bridge/devdb.py: port
    3399, 1 GB buffer pool), away from other users of a shared server. True if started here."""
    if os.environ.get("BRIDGE_DATABASE_URL"):
        return find_database(), False
    url = parse_database_url(f"mysql://root@127.0.0.1:{PRIVATE_PORT}/wp_customer_bridge")
    running = answers(url)
    return start_private(), not running


def run(cfg: BenchConfig) -> dict[str, Any]:
    wrk.ensure_wrk()
    server, started = database_server()
    try:
        return _run(cfg, server)
    finally:
        if started:
            stop_private()


def _run(cfg: BenchConfig, server: DatabaseURL) -> dict[str, Any]:
    result: dict[str, Any] = {"meta": meta(cfg), "others": []}
    with tempfile.TemporaryDirectory(prefix="wpbench-") as tmp:
        run_dir = Path(tmp)
        for size in sorted(cfg.sizes[1:]):
            result["others"].append(smaller_size(server, size, cfg, run_dir))
        result["main"] = main_size(server, cfg, run_dir)
    result["meta"]["load_after"] = os.getloadavg()
    return result
