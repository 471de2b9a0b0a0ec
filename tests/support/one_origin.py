"""WordPress and the bridge on one origin behind nginx, as deploy/nginx/wpbridge.conf serves them
(the browser fast path: tests/e2e/test_fast_path.py and bench/fastpath.py)."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bridge.settings import DatabaseURL
from tests.support.server import BridgeServer, free_port
from tests.support.wordpress_site import WordPress, require_tools, stop_group

NGINX = Path("/usr/sbin/nginx")
API = "/wp-json/wp-customer/v1"
KEY_DEFINE = re.compile(r"^define\( '(?:AUTH|SECURE_AUTH|LOGGED_IN|NONCE)_(?:KEY|SALT)', .*\);$", re.M)


def nginx_conf(tmp: Path, port: int, bridge_port: int, wp_port: int) -> Path:
    """A one-server nginx: the bridge's location as deploy/nginx/wpbridge.conf writes it, WordPress behind."""
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log info;
events {{ worker_connections 256; }}
http {{
    # $request_time: nginx's whole handling of a request (bench/fastpath.py's server time).
    log_format timed '$status $request_time $upstream_response_time "$request_uri"';
    access_log {tmp}/access.log timed;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream wpbridge {{
        server 127.0.0.1:{bridge_port};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location {API}/ {{
            proxy_pass http://wpbridge;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_connect_timeout 2s;
        }}
        location / {{
            proxy_pass http://127.0.0.1:{wp_port};
            proxy_set_header Host $http_host;
        }}
    }}
}}
"""
    )
    return conf


@dataclass
class FastSite:
    url: str
    bridge: BridgeServer
    nginx: subprocess.Popen[bytes]


@contextmanager
def one_origin(
    wordpress: WordPress, db: DatabaseURL, start_bridge: Callable[..., BridgeServer], tmp: Path
) -> Iterator[FastSite]:
    """nginx on a free port in front of a new bridge that validates the test WordPress's cookie and
    of a ``php -S`` of that WordPress whose site URL is nginx's origin (the fast path's set-up).

    The e2e wp-config.php computes its site URL at run time, so the bridge reads the keys from a
    copy holding only the eight key/salt defines and gets the site URL from BRIDGE_WP_SITE_URL.
    The shim's own admin-ajax path still goes to the session's other bridge, so stopping this
    bridge leaves the browser only the admin-ajax path."""
    if not NGINX.exists():
        require_tools("nginx")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    keys = "\n".join(KEY_DEFINE.findall((wordpress.root / "wp-config.php").read_text()))
    assert keys.count("define(") == 8
    (tmp / "wp-config-keys.php").write_text(f"<?php\n{keys}\n")
    bridge = start_bridge(
        db,
        {
            "BRIDGE_WP_CONFIG": str(tmp / "wp-config-keys.php"),
            "BRIDGE_WP_SITE_URL": url,
            "BRIDGE_PUBLIC_URL": url,
            "SANIC_PROXIES_COUNT": "1",
        },
    )
    wp_url = wordpress.serve_variant({"WPBRIDGE_E2E_SITE_URL": url})
    process = subprocess.Popen(
        [str(NGINX), "-p", f"{tmp}/", "-c", str(nginx_conf(tmp, port, bridge.port, int(wp_url.rsplit(":", 1)[1])))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 10
        while True:
            try:
                httpx.get(f"{url}/readyz", timeout=2)
                break
            except httpx.TransportError:
                assert time.time() < deadline and process.poll() is None, (tmp / "error.log").read_text()
                time.sleep(0.05)
        yield FastSite(url, bridge, process)
    finally:
        stop_group(process)


def direct_requests(bridge: BridgeServer, route: str) -> float:
    """Requests the fast bridge answered on ``route`` (its /metrics, read from loopback)."""
    text = bridge.client.get("/metrics").text
    pattern = re.compile(r"^wpbridge_http_requests_total\{([^}]*)\} ([0-9.e+]+)$", re.M)
    return sum(float(n) for labels, n in pattern.findall(text) if f'route="{API}{route}' in labels)
