"""Prometheus metrics: the instruments every worker writes, and what a scrape reads.

``wpbridge serve`` runs several worker processes (``BRIDGE_WORKERS``), each counting its own
requests, so the instruments live in prometheus-client's *multiprocess mode*: every process
writes memory-mapped files under ``PROMETHEUS_MULTIPROC_DIR`` (``<run dir>/metrics``, set and
emptied by ``bridge/metrics_dir.py`` in the main process before anything imports this module),
and a scrape sums the files of every process, the ones that exited included (a counter never
goes back). A process without that variable (a test importing the package, ``wpbridge migrate``)
counts in its own memory; ``scrape`` then reads that.

Labels are bounded by construction: a request is labelled by its route *template*
(``/wp-json/wp-customer/v1/customers/<row_id:id>``), never its path, so ids cannot multiply the
series; a method the bridge does not know is ``OTHER``; a cache lookup by the leading word of its
key (``principal``, ``apppw``, ``dt``, …), never the key.

Nothing here imports the rest of the bridge: the database, cache, outbox and authentication
modules import it to count at their single choke points.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, TypeVar, cast

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST, start_http_server

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
UNMATCHED = "unmatched"  # the route label of a request no route took (404 rest_no_route, 413, …)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "wpbridge_http_requests",
    "Requests answered, by route template, method and HTTP status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "wpbridge_http_request_duration_seconds",
    "Time from the request's head being read to its response being ready.",
    ["route", "method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
STATEMENTS = Histogram(
    "wpbridge_http_request_sql_statements",
    "SQL statements one request ran (authentication included).",
    ["route", "method"],
    buckets=(0, 1, 2, 3, 4, 6, 8, 12, 20, 50),
)
CONNECTIONS_IN_USE = Gauge(
    "wpbridge_db_connections_in_use",
    "Pooled database connections taken by a request or a write right now, summed over the live workers.",
    multiprocess_mode="livesum",
)
CACHE_LOOKUPS = Counter(
    "wpbridge_cache_lookups",
    "Cache reads by kind of entry (the leading word of its key) and result (hit or miss).",
    ["kind", "result"],
)
RECOUNTS = Counter(
    "wpbridge_total_recounts",
    "Totals counted in the database rather than served from the cache (bridge/totals.py), by part "
    "(settled: the rows below the watermark, after a write that touched them; recent: the rows above it).",
    ["part"],
)
OUTBOX_PENDING = Gauge(
    "wpbridge_outbox_pending",
    "Lifecycle events not yet delivered to WordPress, as the outbox sender last saw them.",
    multiprocess_mode="livemax",
)
OLDEST_NAME = "wpbridge_outbox_oldest_pending_timestamp_seconds"
OUTBOX_OLDEST = Gauge(
    OLDEST_NAME,
    "Unix time the oldest undelivered event was written (0: none pending).",
    multiprocess_mode="livemax",
)
OUTBOX_FAILURES = Counter(
    "wpbridge_outbox_delivery_failures",
    "Failed event deliveries: unreachable (WordPress down or misconfigured) or refused (this event).",
    ["reason"],
)
REFUSED_LOGINS = Counter(
    "wpbridge_refused_logins",
    "Credentials refused with a 401, by WordPress error code.",
    ["code"],
)
THROTTLED_LOGINS = Counter(
    "wpbridge_throttled_logins",
    "Logins answered 429 because of earlier failures (bridge/auth.py's LoginThrottle).",
)

_KIND = re.compile(r"[a-z]+")
_DEAD_PID = re.compile(r"gauge_live\w+?_(\d+)\.db$")


# Each labelled child once per worker: ``labels()`` takes a lock and builds a key on every call.
# The labels are bounded (route templates, methods, statuses, kinds), and so are these caches.
@lru_cache(maxsize=4096)
def _requests(route: str, method: str, status: int) -> Counter:
    return REQUESTS.labels(route, method, str(status))


@lru_cache(maxsize=1024)
def _timing(route: str, method: str) -> tuple[Histogram, Histogram]:
    return LATENCY.labels(route, method), STATEMENTS.labels(route, method)


@lru_cache(maxsize=256)
def _lookups(kind: str, result: str) -> Counter:
    return CACHE_LOOKUPS.labels(kind, result)


def observe_request(route: str, method: str, status: int, seconds: float, statements: int) -> None:
    """Count one answered request (the app's response middleware calls it once per request)."""
    method = method if method in METHODS else "OTHER"
    _requests(route, method, status).inc()
    latency, counted = _timing(route, method)
    latency.observe(seconds)
    counted.observe(statements)


def cache_kind(key: str) -> str:
    """The bounded label of a cache key: its leading lower-case word (``dt:total:…`` → ``dt``)."""
    match = _KIND.match(key)
    return match.group(0) if match else "other"


# A cache backend's ``get(self, key, default=…)``; the decorator keeps its exact signature.
Get = TypeVar("Get", bound=Callable[..., Awaitable[Any]])


def counts_lookups(missing: object) -> Callable[[Get], Get]:
    """Decorate a cache backend's ``get(key, default=missing)``: a hit is anything but the default
    coming back, counted by the key's kind."""

    def decorate(get: Get) -> Get:
        @wraps(get)
        async def counted(self: object, key: str, default: Any = missing) -> Any:
            value = await get(self, key, default)
            _lookups(cache_kind(key), "miss" if value is default else "hit").inc()
            return value

        return cast(Get, counted)  # same parameters and result as ``get``: only counts around it

    return decorate


def outbox_seen(pending: int, oldest_age: float | None) -> None:
    """What the outbox sender found at the start of a pass: how many events wait, the oldest's age."""
    OUTBOX_PENDING.set(pending)
    OUTBOX_OLDEST.set(time.time() - oldest_age if pending and oldest_age is not None else 0)


def multiprocess_dir() -> Path | None:
    """The folder the workers write their metric files to, or None when this process counts alone."""
    path = os.environ.get(MULTIPROC_ENV)
    return Path(path) if path else None


def forget_dead_processes(path: Path) -> None:
    """Drop the live gauges of processes that are gone (a worker that crashed never ran its stop
    listener): their connections in use and outbox backlog would otherwise be counted for ever."""
    for file in path.glob("gauge_live*_*.db"):
        match = _DEAD_PID.search(file.name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, str(path))
        except PermissionError:  # alive, another user's (a reused pid): keep it
            pass


def process_stopped() -> None:
    """A worker stops: its live gauges (connections in use, outbox backlog) stop counting."""
    path = multiprocess_dir()
    if path is not None:
        multiprocess.mark_process_dead(os.getpid(), str(path))


class _Scrape:
    """What one scrape returns: every process's files (or this process's registry), plus the age
    of the oldest pending event, worked out now so that it keeps growing while the sender waits."""

    def collect(self) -> Iterator[Metric]:
        path = multiprocess_dir()
        families: Iterable[Metric]
        if path is not None and path.is_dir():
            forget_dead_processes(path)
            families = multiprocess.MultiProcessCollector(None, path=str(path)).collect()
        else:
            families = REGISTRY.collect()
        oldest = 0.0
        for family in families:
            if family.name == OLDEST_NAME:
                oldest = max((sample.value for sample in family.samples), default=0.0)
            yield family
        age = GaugeMetricFamily(
            "wpbridge_outbox_oldest_pending_age_seconds",
            "Seconds the oldest undelivered event has waited (0: none pending), at the time of the scrape.",
        )
        age.add_metric([], max(0.0, time.time() - oldest) if oldest else 0.0)
        yield age


def registry() -> CollectorRegistry:
    """A registry for one scrape (multiprocess mode wants a fresh one; nothing else is registered in it)."""
    scrape = CollectorRegistry(auto_describe=False)
    scrape.register(_Scrape())
    return scrape


def exposition() -> bytes:
    """The Prometheus text format of every metric, summed over the workers."""
    return generate_latest(registry())


def serve_port(host: str, port: int) -> Callable[[], None]:
    """``BRIDGE_METRICS_PORT``: a small HTTP server in a thread of the main process that answers
    every client with the metrics (any path). Returns the function that stops it."""
    server, thread = start_http_server(port, addr=host, registry=registry())

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop
