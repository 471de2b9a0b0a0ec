"""WordPress and the bridge on one origin behind nginx, as deploy/nginx/wpbridge.conf serves them
(the browser fast path: tests/e2e/test_fast_path.py and bench/fastpath.py)."""

from __future__ import annotations

import re
from pathlib import Path

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
