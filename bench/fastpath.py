"""Issue 17 §4: a draw of the Customers screen by the browser's fast path against the shim's path.

With real WordPress (Debian's 6.1 under ``php -S``, 4 workers, opcache on), the shim installed
from its zip, a bridge and nginx serving both on one origin — the setup of
tests/e2e/test_fast_path.py, whose harness this reuses — an administrator's first customers draw
is sent two ways, exactly as the screen's JavaScript sends it:

* **direct**: ``POST /wp-json/wp-customer/v1/datatables/customers?shape=plugin`` with WordPress's
  cookie and the REST nonce (nginx → bridge);
* **admin-ajax**: ``POST /wp-admin/admin-ajax.php`` with ``action=handle_customer_datatable`` and
  the plugin's nonce (nginx → WordPress → shim → signed request → bridge).

With ``--table agencies`` the draw is WP Agency's agency list instead: **direct** is
``/datatables/agencies?shape=plugin``, **admin-ajax** ``action=get_agencies_datatable`` answered by
the e2e tests' PHP stand-in of WP Agency 1.0.7's handler (tests/e2e/support/wpbridge-e2e-wp-agency.php:
WordPress boots, the shim's list filter asks the bridge for the scope, the handler queries MariaDB).

It checks that both answer the same JSON (rows, counts, HTML), then measures each sequentially
(p50/p90 of one keep-alive client's round trip, and the **server time**: nginx's own
``$request_time`` for those requests, from its access log, at nginx's 1 ms resolution) and under
load (wrk, ``--connections`` for ``--seconds``, the two paths alternating for ``--rounds`` rounds
so that a change in the shared machine's load hits both; the throughput ratio is the median of the
rounds' ratios), and prints the ratios. Run as ``.venv/bin/python -m bench.fastpath [--customers 10] [--seconds 10]``
(needs what ``make test`` installs, plus wrk). The database is a fresh ``wpbench_…`` one on
BRIDGE_DATABASE_URL's server, or the private MariaDB, dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx

from bench import wrk
from bench.runner import database_server
from bench.stack import drop_database, fresh_database
from bench.stats import Measured
from bridge.devdb import stop_private
from bridge.settings import DatabaseURL, run_dir
from tests.support.one_origin import KEY_DEFINE, NGINX, nginx_conf
from tests.support.server import BridgeServer, free_port
from tests.support.wordpress_site import (
    AGENCY_COLUMNS,
    CUSTOMER_COLUMNS,
    WordPress,
    build_tree,
    datatable_params,
    install,
    stop_group,
    write_config,
)

API = "/wp-json/wp-customer/v1"
ADMIN = "admin"
PASSWORD = "Demo_Data-2025"


def shim_zip() -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "wordpress-shim"))
    try:
        import build as shim_build  # wordpress-shim/build.py
    finally:
        sys.path.pop(0)
    return Path(shim_build.build())


@contextmanager
def stack(url: DatabaseURL, workers: int, bridge_socket: str | None = None) -> Iterator[SimpleNamespace]:
    """Bridge, WordPress and nginx on one origin; stopped on exit. With ``bridge_socket`` the
    bridge reaches MariaDB by that Unix socket (WordPress still by TCP)."""
    with tempfile.TemporaryDirectory(prefix="wpbench-fastpath-") as raw, ExitStack() as cleanup:
        tmp = Path(raw)
        (tmp / "logs").mkdir()
        port, wp_port = free_port(), free_port()
        site = f"http://127.0.0.1:{port}"
        wp = WordPress(tmp / "site", wp_port, url, SimpleNamespace(base="http://127.0.0.1:9"), tmp / "logs")  # type: ignore[arg-type]
        build_tree(wp.root, shim_zip())
        write_config(wp)
        install(wp)
        keys = "\n".join(KEY_DEFINE.findall((wp.root / "wp-config.php").read_text()))
        (tmp / "wp-config-keys.php").write_text(f"<?php\n{keys}\n")
        bridge_url = url if bridge_socket is None else replace(url, unix_socket=bridge_socket)
        bridge = BridgeServer(
            bridge_url,
            {
                "BRIDGE_WORKERS": str(workers),
                "BRIDGE_WP_CONFIG": str(tmp / "wp-config-keys.php"),
                "BRIDGE_WP_SITE_URL": site,
                "BRIDGE_PUBLIC_URL": site,
                "SANIC_PROXIES_COUNT": "1",
            },
            tmp,
        )
        cleanup.callback(bridge.stop)
        bridge.wait_ready()
        (tmp / "php.d").mkdir()
        (tmp / "php.d" / "zz-bench.ini").write_text("opcache.enable=1\nopcache.enable_cli=1\n")
        env = {
            "WPBRIDGE_E2E_BRIDGE_URL": bridge.base,
            "WPBRIDGE_E2E_SITE_URL": site,
            "PHP_INI_SCAN_DIR": ":" + str(tmp / "php.d"),  # the default folder, then ours
        }
        php = wp.serve(wp_port, env)
        cleanup.callback(stop_group, php)
        nginx = subprocess.Popen(
            [str(NGINX), "-p", f"{tmp}/", "-c", str(nginx_conf(tmp, port, bridge.port, wp_port))],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        cleanup.callback(stop_group, nginx)
        deadline = time.time() + 10
        while not _ready(site):
            if time.time() > deadline or nginx.poll() is not None:
                raise SystemExit(f"bench: nginx did not serve {site}: {(tmp / 'error.log').read_text()}")
            time.sleep(0.05)
        yield SimpleNamespace(site=site, wp=wp, bridge=bridge, access_log=tmp / "access.log")


def _ready(site: str) -> bool:
    """nginx answers (and, through it, the bridge's API)."""
    try:
        return httpx.get(f"{site}{API}/users/me", timeout=2).status_code == 401
    except httpx.TransportError:
        return False


# The draw measured per --table: the screen that hands out the plugin's nonce, that nonce's variable,
# the admin-ajax action, the bridge's table and the JavaScript's columns.
DRAWS = {
    "customers": ("wp-customer-bridge", "wpCustomerData", "handle_customer_datatable", "customers", CUSTOMER_COLUMNS),
    "agencies": ("wp-agency-disnaker", "wpAgencyDataTable", "get_agencies_datatable", "agencies", AGENCY_COLUMNS),
}


def signed_in(wp: WordPress, site: str, table: str = "customers") -> tuple[httpx.Client, str, str]:
    """The administrator's browser: a client with WordPress's cookies, the REST nonce and the plugin's nonce."""
    screen, variable = DRAWS[table][:2]
    client = wp.login(ADMIN, PASSWORD, base=site)
    page = client.get("/wp-admin/admin.php", params={"page": screen}).text
    fast = re.search(r"var wpCustomerBridgeFastPath = (\{.*?\});", page)
    plugin = re.search(rf"var {variable} = (\{{.*?\}});", page)
    if fast is None or plugin is None:
        raise SystemExit(f"bench: the {screen} screen carries no fast-path or plugin nonce")
    return client, json.loads(fast.group(1))["nonce"], json.loads(plugin.group(1))["nonce"]


def sequential(send: Any, count: int) -> list[float]:
    send()  # warm: opcache, pools, caches
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        send()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def server_times(log: Path, since: int) -> list[float]:
    """nginx's ``$request_time`` (ms) of the requests logged after byte ``since`` of its access log
    (the ``timed`` format of tests/support/one_origin.py: status, request time, upstream time, URI)."""
    with log.open("rb") as f:
        f.seek(since)
        lines = f.read().decode().splitlines()
    return [float(line.split()[1]) * 1000 for line in lines if line.startswith("200 ")]


def timed(log: Path, send: Any, count: int) -> tuple[list[float], list[float]]:
    """The round trips of ``count`` sequential requests and nginx's server time for each."""
    send()  # warm, and not counted below
    since = log.stat().st_size
    trips = sequential(send, count)
    return trips, server_times(log, since)[1:]  # the first logged one is sequential()'s own warm-up


def load(site: str, path: str, body: str, cookie: str, nonce: str, connections: int, seconds: float) -> Measured:
    env = dict(
        os.environ,
        BENCH_LUA_DIR=str(wrk.LUA),
        BENCH_BODY=body,
        BENCH_COOKIE=cookie,
        BENCH_WP_NONCE=nonce,
        BENCH_DATATABLE="1",
    )
    threads = max(1, min(connections, os.cpu_count() or 1))
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{round(seconds)}s", "--timeout", "10s"]
    command += ["-s", str(wrk.LUA / "fastpath.lua"), site + path]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench: wrk failed: {done.stderr or done.stdout}")
    return wrk.parse(done.stdout)


def measure(args: argparse.Namespace, url: DatabaseURL) -> dict[str, Any]:
    socket = str(run_dir() / "mariadb" / "mysqld.sock") if args.unix_socket else None
    with stack(url, args.workers, socket) as s:
        client, rest_nonce, plugin_nonce = signed_in(s.wp, s.site, args.table)
        _, _, action, table, columns = DRAWS[args.table]
        pairs = datatable_params(columns, order=((1 if args.table == "agencies" else 0, "asc"),))
        direct_body = str(httpx.QueryParams(pairs))
        ajax_body = str(httpx.QueryParams([("action", action), *pairs, ("nonce", plugin_nonce)]))
        form = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
        direct_path = f"{API}/datatables/{table}?shape=plugin"

        def direct() -> httpx.Response:
            return client.post(direct_path, content=direct_body, headers={**form, "X-WP-Nonce": rest_nonce})

        def ajax() -> httpx.Response:
            return client.post("/wp-admin/admin-ajax.php", content=ajax_body, headers=form)

        mine, theirs = direct().json(), ajax().json()
        if mine != theirs or "error" in mine or not mine["data"]:
            raise SystemExit(f"bench: the two paths answer differently:\n{mine}\n{theirs}")
        seq = {
            "direct": timed(s.access_log, direct, args.requests),
            "admin-ajax": timed(s.access_log, ajax, max(20, args.requests // 5)),
        }
        cookie = "; ".join(sorted({f"{c.name}={c.value}" for c in client.cookies.jar}))
        rounds: list[dict[str, Measured]] = []
        for _ in range(args.rounds):
            rounds.append(
                {
                    "direct": load(
                        s.site, direct_path, direct_body, cookie, rest_nonce, args.connections, args.seconds
                    ),
                    "admin-ajax": load(
                        s.site, "/wp-admin/admin-ajax.php", ajax_body, cookie, "", args.connections, args.seconds
                    ),
                }
            )
    result: dict[str, Any] = {
        "table": args.table,
        "customers": args.customers,
        "bridge_to_mariadb": "unix socket" if socket else "tcp",
        "rows": len(mine["data"]),
        "identical": True,
    }
    for name in ("direct", "admin-ajax"):
        trips, server = seq[name]
        result[name] = {
            "p50_ms": round(statistics.median(trips), 2),
            "p90_ms": round(statistics.quantiles(trips, n=10)[-1], 2),
            "server_p50_ms": round(statistics.median(server), 1),
            "server_p90_ms": round(statistics.quantiles(server, n=10)[-1], 1),
            "rps": [round(r[name].rps, 1) for r in rounds],
            "load_p50_ms": [round(r[name].p50, 2) for r in rounds],
            "errors": sum(r[name].errors for r in rounds),
        }
    result["speedup_p50"] = round(result["admin-ajax"]["p50_ms"] / result["direct"]["p50_ms"], 1)
    result["throughput_ratios"] = [round(r["direct"].rps / r["admin-ajax"].rps, 1) for r in rounds]
    result["throughput_ratio"] = round(statistics.median(result["throughput_ratios"]), 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fastpath", description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10, help="demo customers (default 10)")
    parser.add_argument(
        "--table",
        choices=sorted(DRAWS),
        default="customers",
        help="the draw: WP Customer's customers or WP Agency's list",
    )
    parser.add_argument("--requests", type=int, default=300, help="sequential draws on the fast path (default 300)")
    parser.add_argument("--seconds", type=float, default=5, help="wrk run per path and round (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating wrk runs of the two paths (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="bridge workers (default 2)")
    parser.add_argument(
        "--unix-socket",
        action="store_true",
        help="the bridge reaches the private MariaDB by its Unix socket instead of TCP",
    )
    args = parser.parse_args(argv)
    wrk.ensure_wrk()
    if args.unix_socket and os.environ.get("BRIDGE_DATABASE_URL"):
        parser.error("--unix-socket is for the private MariaDB (BRIDGE_DATABASE_URL unset)")
    load_before = os.getloadavg()[0]
    server, started = database_server()
    url, _ = fresh_database(server, args.customers)
    try:
        result = measure(args, url)
    finally:
        drop_database(url)
        if started:
            stop_private()
    result["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(json.dumps(result, indent=2))
    d, a = result["direct"], result["admin-ajax"]
    print(
        f"\n{args.customers} customers, one {args.table} draw as an administrator"
        f" (load average {result['load_average'][0]} before, {result['load_average'][1]} after):\n"
        f"  direct (fast path): p50 {d['p50_ms']} ms round trip, {d['server_p50_ms']} ms in nginx;"
        f" {d['rps']} req/s at {args.connections} connections\n"
        f"  admin-ajax (shim):  p50 {a['p50_ms']} ms round trip, {a['server_p50_ms']} ms in nginx; {a['rps']} req/s\n"
        f"  → {result['speedup_p50']}× faster per draw, {result['throughput_ratio']}× the throughput"
        f" (median of {result['throughput_ratios']}); identical JSON"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
