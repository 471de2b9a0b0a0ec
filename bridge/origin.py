"""Cross-origin writes refused: a page on another site must not change data through the bridge.

A browser adds ``Origin`` to every cross-origin request and to same-origin writes, and a page
cannot forge it. A state-changing request (any method but GET, HEAD and OPTIONS, on a route
that does not declare itself a read with ``ctx_read_only=True``, as the DataTables POST does)
that carries an ``Origin`` other than the bridge's own (``Settings.own_origin``, from
``BRIDGE_PUBLIC_URL``, never from the Host header) or one of ``BRIDGE_CORS_ORIGINS`` is refused
with 403 before anything is authenticated or parsed. Requests without ``Origin`` (curl,
servers) and requests signed by the shim (``X-WP-Bridge-*``; their signature is checked by the
route, and a page cannot send those headers cross-site without a preflight the bridge never
grants) are not affected.

Requests carrying WordPress's login cookie are held to one origin, for reads too
(``foreign_page``, applied by ``bridge/wp_cookie/``): only the bridge's own origin, whatever
``BRIDGE_CORS_ORIGINS`` lists, since the cookie alone says nothing about which page sent it.
"""

from __future__ import annotations

from sanic import Request

from bridge.errors import BridgeError
from bridge.setting_values import parse_origin
from bridge.settings import Settings, SettingsError
from bridge.signing import SIGNATURE_HEADERS

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
FOREIGN_FETCH_SITES = ("cross-site", "same-site")  # Sec-Fetch-Site values of a page on another origin


def origin_allowed(settings: Settings, origin: str) -> bool:
    """``origin`` (as a browser sent it) is the bridge's own or listed in ``BRIDGE_CORS_ORIGINS``;
    ``null`` (sandboxed frames, file pages) and anything unparsable are not."""
    try:
        normalised = parse_origin(origin, "Origin")
    except SettingsError:
        return False
    return normalised == settings.own_origin or normalised in settings.cors_origins


async def refuse_cross_origin_writes(request: Request) -> None:
    """Request middleware: 403 ``wpbridge_origin_not_allowed`` for a write from a foreign page."""
    if request.method in SAFE_METHODS or request.route is None or getattr(request.route.ctx, "read_only", False):
        return
    origin = request.headers.get("origin")
    if origin is None or any(h in request.headers for h in SIGNATURE_HEADERS):
        return
    if not origin_allowed(request.app.ctx.settings, origin):
        raise BridgeError(
            "wpbridge_origin_not_allowed",
            "Sorry, pages on other sites may not change data here: the request's Origin is neither this "
            "bridge's own (BRIDGE_PUBLIC_URL) nor one of BRIDGE_CORS_ORIGINS.",
            403,
        )


def foreign_page(request: Request, own_origin: str) -> bool:
    """The request comes from a page of another origin than ``own_origin``: its ``Origin`` is
    another (``null`` included), or its ``Sec-Fetch-Site`` says cross-site or same-site (another
    origin of the same site, e.g. a subdomain), which browsers also send on GETs without Origin.
    Requests that say neither (curl, servers, old browsers) are not."""
    origin = request.headers.get("origin")
    if origin is not None:
        try:
            if parse_origin(origin, "Origin") != own_origin:
                return True
        except SettingsError:
            return True
    return request.headers.get("sec-fetch-site", "").strip().lower() in FOREIGN_FETCH_SITES
