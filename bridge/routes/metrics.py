"""``GET /metrics``: Prometheus's text format, summed over the workers (``bridge/metrics.py``).

It answers loopback clients (127.0.0.0/8, ::1: a Prometheus on the same host) and
administrators; anyone else gets ``rest_not_logged_in`` (401) or ``rest_forbidden`` (403). The
client is the address a trusted proxy forwarded when Sanic is told to trust one
(``SANIC_PROXIES_COUNT``, as deploy/ sets for nginx), else the peer: behind a proxy that is not
declared, every client would look like loopback. ``BRIDGE_METRICS_PORT`` serves the same text
to everyone on a port of its own (``bridge/commands/serve.py``), for a Prometheus elsewhere.
"""

from __future__ import annotations

import ipaddress

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from bridge.auth import client_address
from bridge.errors import forbidden
from bridge.metrics import CONTENT_TYPE, exposition
from bridge.services import require_login
from bridge.wiring import ensure_services

bp = Blueprint("metrics")


def is_loopback(address: str) -> bool:
    """127.0.0.0/8, ::1 and ::ffff:127.x.y.z; anything unparsable (a Unix socket's empty peer) is not."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


@bp.get("/metrics")
async def metrics(request: Request) -> HTTPResponse:
    """The metrics for loopback clients and administrators (no database needed on loopback)."""
    if not is_loopback(client_address(request)):
        await ensure_services(request.app)
        if not (await require_login(request)).is_administrator:
            raise forbidden()
    return raw(exposition(), content_type=CONTENT_TYPE)
