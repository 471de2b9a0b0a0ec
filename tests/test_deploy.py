"""The deployment kit in deploy/ is run, not just written.

* deploy/wpbridge.env.example lists exactly the settings of the README's table, with their defaults;
* deploy/wpbridge.service is accepted by `systemd-analyze verify` and scored by `systemd-analyze security`;
* deploy/nginx/wpbridge.conf, with only its placeholders substituted, runs in Debian's nginx with
  TLS in front of a served bridge: Basic-auth REST, a DataTables POST, a signed request, /readyz,
  the HTTP to HTTPS redirect, https links, keep-alive to the bridge, the rest left to WordPress.

nginx and systemd-analyze come from `make test` (scripts/ensure-test-packages.sh installs them
when run as root); without them these tests fail with the install command, or skip with
WPBRIDGE_SKIP_E2E=1, like the end-to-end tests.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bridge.settings import DatabaseURL, SettingsError
from bridge.settings_env import load_settings
from tests.support.logins import Login
from tests.support.paths import ROOT
from tests.support.server import BridgeServer, free_port, signed_headers
from tests.support.wp_login import KEYS, Site, write_wp_config

DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "wpbridge.service"
ENV_EXAMPLE = DEPLOY / "wpbridge.env.example"
NGINX_SITE = DEPLOY / "nginx" / "wpbridge.conf"
NGINX = Path("/usr/sbin/nginx")
NS = "/wp-json/wp-customer/v1"
SETTING_LINE = re.compile(r"^(#)?((?:BRIDGE|SANIC)_[A-Z0-9_]+)=(.*)$")


def require(tool: str, package: str) -> str:
    """The tool's path; else fail with the install command (skip with WPBRIDGE_SKIP_E2E=1)."""
    path = shutil.which(tool) or (str(NGINX) if tool == "nginx" and NGINX.exists() else None)
    if path:
        return path
    message = (
        f"{tool} is missing: run `make test` as root (it installs Debian's {package}), "
        f"or `sudo apt-get install -y {package}`; set WPBRIDGE_SKIP_E2E=1 to run without it"
    )
    if os.environ.get("WPBRIDGE_SKIP_E2E") == "1":
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


# ---- the environment file ----------------------------------------------------------------------


def readme_settings() -> list[str]:
    """The BRIDGE_* names in the first column of README.md's Settings table."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    names: list[str] = []
    for line in section.splitlines():
        if line.startswith("|"):
            names += re.findall(r"BRIDGE_[A-Z0-9_]+", line.split("|")[1])
    return names


def example_settings() -> dict[str, tuple[str, bool]]:
    """NAME -> (value, commented) for every setting line of the example file."""
    found: dict[str, tuple[str, bool]] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = SETTING_LINE.match(line)
        if match:
            assert match.group(2) not in found, f"{match.group(2)} appears twice in {ENV_EXAMPLE.name}"
            found[match.group(2)] = (match.group(3), bool(match.group(1)))
    return found


def test_env_example_lists_exactly_the_settings_of_the_readme() -> None:
    """Adding a setting to the README's table without the example file (or the reverse) fails here."""
    documented = readme_settings()
    assert len(documented) == len(set(documented)), "a setting appears twice in the README's table"
    example = {name for name in example_settings() if name.startswith("BRIDGE_")}
    only_readme, only_example = sorted(set(documented) - example), sorted(example - set(documented))
    assert not only_readme, f"in the README's Settings table, not in {ENV_EXAMPLE.name}: {only_readme}"
    assert not only_example, f"in {ENV_EXAMPLE.name}, not in the README's Settings table: {only_example}"


def test_env_example_commented_values_are_the_defaults() -> None:
    """Uncommenting every '#NAME=value' line changes nothing: they show the real defaults."""
    lines = example_settings()
    active = {name: value for name, (value, commented) in lines.items() if not commented}
    active["BRIDGE_SHARED_SECRET"] = "a-real-secret-of-32-characters!!"
    defaults = {name: value for name, (value, commented) in lines.items() if commented}
    assert load_settings(active) == load_settings({**active, **defaults})
    assert load_settings(active).port == 8080  # the port nginx's upstream block names


def test_env_example_refuses_to_start_until_the_secret_is_replaced() -> None:
    """A copied example that was not edited stops the start, naming the setting to fill in."""
    active = {name: value for name, (value, commented) in example_settings().items() if not commented}
    with pytest.raises(SettingsError, match="BRIDGE_SHARED_SECRET"):
        load_settings(active)


# ---- the systemd unit --------------------------------------------------------------------------


def unit_for_this_machine(tmp_path: Path, extra_service_lines: str = "") -> Path:
    """The shipped unit with ExecStart pointing at this checkout's wpbridge, everything else as shipped.

    `systemd-analyze verify` refuses an ExecStart binary that does not exist, and
    /opt/wpbridge/venv is not installed on a test machine. (The user need not exist: verify
    does not resolve it.)
    """
    text = UNIT.read_text()
    shipped = "ExecStart=/opt/wpbridge/venv/bin/wpbridge serve"
    assert text.count(shipped) == 1
    local = Path(os.environ.get("VIRTUAL_ENV") or ROOT / ".venv") / "bin" / "wpbridge"
    assert local.exists(), f"{local} is missing: `make .venv/.installed` installs the console script"
    path = tmp_path / "wpbridge.service"
    text = text.replace(shipped, f"ExecStart={local} serve").replace("\n[Install]", f"\n{extra_service_lines}[Install]")
    path.write_text(text)
    return path


def systemd_analyze(*args: str) -> subprocess.CompletedProcess:
    tool = require("systemd-analyze", "systemd")
    return subprocess.run([tool, *args], capture_output=True, text=True, timeout=60)


def test_unit_passes_systemd_analyze_verify_without_a_warning(tmp_path: Path) -> None:
    """verify exits 0 even for unknown keys and bad values, so any output at all is a failure."""
    result = systemd_analyze("verify", str(unit_for_this_machine(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""


def test_systemd_analyze_verify_reports_a_broken_directive(tmp_path: Path) -> None:
    """The check above has teeth: a misspelt and a misvalued directive are reported."""
    unit = unit_for_this_machine(tmp_path, "ProtectSystm=strict\nRestart=sometimes\n")
    assert "ProtectSystm" in unit.read_text().split("[Install]")[0]
    result = systemd_analyze("verify", str(unit))
    assert "ProtectSystm" in result.stderr and "sometimes" in result.stderr


def test_unit_runs_as_its_own_user_with_its_settings_and_a_tight_sandbox(tmp_path: Path) -> None:
    """The directives the deployment relies on, then systemd's own exposure score (0 best, 10 worst)."""
    text = UNIT.read_text()
    for line in (
        "User=wpbridge",
        "Group=wpbridge",
        "EnvironmentFile=/etc/wpbridge/wpbridge.env",
        "WorkingDirectory=/var/lib/wpbridge",
        "Environment=BRIDGE_RUN_DIR=/var/lib/wpbridge/.run",
        "Restart=on-failure",
        "KillSignal=SIGTERM",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/wpbridge",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "SystemCallFilter=@system-service",
    ):
        assert line in text.splitlines(), f"{UNIT.name} lacks {line}"
    stop = int(re.search(r"^TimeoutStopSec=(\d+)s$", text, re.M).group(1))
    assert stop > 15, "TimeoutStopSec must outlast Sanic's graceful shutdown (15 s)"
    result = systemd_analyze("security", "--offline=true", "--threshold=20", str(unit_for_this_machine(tmp_path)))
    score = re.search(r"Overall exposure level for wpbridge.service: ([\d.]+)", result.stdout)
    assert score, result.stdout + result.stderr
    assert result.returncode == 0, f"exposure {score.group(1)} is above 2.0:\n{result.stdout}"


# ---- nginx in front of a served bridge ---------------------------------------------------------


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


class Nginx:
    """Debian's nginx in the foreground under a temporary prefix, serving the shipped site file."""

    def __init__(self, tmp: Path, bridge_port: int, ports: tuple[int, int]) -> None:
        self.http_port, self.https_port = ports
        self.tmp = tmp
        conf = tmp / "conf"
        (conf / "snippets").mkdir(parents=True)
        # The site includes Debian's snippets/fastcgi-php.conf (which includes fastcgi.conf),
        # relative to the main file's folder: the same files, from the nginx package.
        shutil.copy("/etc/nginx/snippets/fastcgi-php.conf", conf / "snippets")
        shutil.copy("/etc/nginx/fastcgi.conf", conf)
        shutil.copy("/etc/nginx/mime.types", conf)
        self.cert, self.key = tmp / "cert.pem", tmp / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-days", "1", "-subj", "/CN=example.com", "-addext", "subjectAltName=DNS:example.com,IP:127.0.0.1",
             "-keyout", str(self.key), "-out", str(self.cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        www = tmp / "www"
        (www / "wp-admin").mkdir(parents=True)
        for script in ("index.php", "wp-admin/admin-ajax.php"):  # php-fpm is only asked for scripts that exist
            (www / script).write_text("<?php // WordPress would be here\n")
        (conf / "wpbridge.conf").write_text(self.site(bridge_port, www))
        (conf / "nginx.conf").write_text(self.main_conf(tmp))
        self.log = tmp / "error.log"
        command = [str(NGINX), "-p", f"{tmp}/", "-c", str(conf / "nginx.conf"), "-e", str(self.log)]
        test = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert test.returncode == 0, (
            f"nginx -t refused the site:\n{test.stderr}\n{self.log.read_text() if self.log.exists() else ''}"
        )
        self.process = subprocess.Popen(
            [*command, "-g", "daemon off;"], stderr=subprocess.STDOUT, stdout=subprocess.DEVNULL
        )
        self.wait_listening()

    def site(self, bridge_port: int, www: Path) -> str:
        """The shipped file with only placeholders (addresses, ports, certificate, WordPress root) replaced."""
        text = NGINX_SITE.read_text()
        v6 = ipv6_loopback()
        replacements = {
            "server 127.0.0.1:8080;": f"server 127.0.0.1:{bridge_port};",
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
            # no IPv6 loopback on this machine: those listen lines cannot bind here and are dropped
            "listen [::]:80;": f"listen [::1]:{self.http_port};" if v6 else "",
            "listen [::]:443 ssl http2;": f"listen [::1]:{self.https_port} ssl http2;" if v6 else "",
            "/etc/letsencrypt/live/example.com/fullchain.pem": str(self.cert),
            "/etc/letsencrypt/live/example.com/privkey.pem": str(self.key),
            "root /var/www/wordpress;": f"root {www};",
        }
        for placeholder, value in replacements.items():
            assert placeholder in text, f"{NGINX_SITE.name} no longer contains {placeholder!r}; update this test"
            text = text.replace(placeholder, value)
        return text

    def main_conf(self, tmp: Path) -> str:
        """What /etc/nginx/nginx.conf would be, with every path under the temporary prefix."""
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the pytest tmp folder (0700)
        temp_paths = "".join(
            f"    {kind}_temp_path {tmp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        return (
            f"{user}worker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log info;\n"
            "events { worker_connections 128; }\n"
            "http {\n    include mime.types;\n"
            f"    access_log {tmp}/access.log;\n{temp_paths}"
            "    include wpbridge.conf;\n}\n"
        )

    def wait_listening(self, timeout: float = 10) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"nginx exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                socket.create_connection(("127.0.0.1", self.http_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"nginx did not listen:\n{self.log.read_text()}")

    def worker_pids(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def upstream_connections(self, bridge_port: int) -> int:
        """Established TCP connections from nginx's workers to the bridge (read from /proc)."""
        inodes = set()
        for pid in self.worker_pids():
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    target = os.readlink(fd)
                except OSError:
                    continue
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        count = 0
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for row in Path(table).read_text().splitlines()[1:]:
                cols = row.split()
                remote_port = int(cols[2].rsplit(":", 1)[1], 16)
                if cols[3] == "01" and remote_port == bridge_port and cols[9] in inodes:
                    count += 1
        return count

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish requests, then exit
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def site_ports() -> tuple[int, int]:
    """nginx's HTTP and HTTPS ports, chosen before the bridge starts: its public URL names the HTTPS one."""
    return free_port(), free_port()


@pytest.fixture(scope="module")
def proxied_bridge(
    demo_db: DatabaseURL,
    start_bridge: Callable[..., BridgeServer],
    site_ports: tuple[int, int],
    tmp_path_factory: pytest.TempPathFactory,
) -> BridgeServer:
    """A bridge with the example file's active settings but the database and secret (the public URL
    pointed at the test's site) and its non-BRIDGE_ one (SANIC_PROXIES_COUNT), as the unit would run it;
    WordPress's cookie on (the site's wp-config.php keys), another origin in BRIDGE_CORS_ORIGINS."""
    active = {name: value for name, (value, commented) in example_settings().items() if not commented}
    sanic = {name: value for name, value in active.items() if name.startswith("SANIC_")}
    assert sanic == {"SANIC_PROXIES_COUNT": "1"}
    assert active["BRIDGE_PUBLIC_URL"] == "https://example.com"
    site = f"https://example.com:{site_ports[1]}"
    wp_config = write_wp_config(tmp_path_factory.mktemp("wp") / "wp-config.php", KEYS)
    return start_bridge(
        demo_db,
        {
            **sanic,
            "BRIDGE_PUBLIC_URL": site,
            "BRIDGE_WP_CONFIG": str(wp_config),
            "BRIDGE_WP_SITE_URL": site,
            "BRIDGE_CORS_ORIGINS": "https://app.example.com",
        },
    )


@pytest.fixture(scope="module")
def nginx(
    proxied_bridge: BridgeServer, site_ports: tuple[int, int], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Nginx]:
    require("nginx", "nginx")
    require("openssl", "openssl")
    server = Nginx(tmp_path_factory.mktemp("nginx"), proxied_bridge.port, site_ports)
    yield server
    server.stop()


@pytest.fixture
def https(nginx: Nginx) -> Iterator[httpx.Client]:
    """A client that trusts only the test's self-signed certificate, asking for the site's host name."""
    context = ssl.create_default_context(cafile=str(nginx.cert))
    with httpx.Client(
        base_url=f"https://127.0.0.1:{nginx.https_port}",
        verify=context,
        headers={"Host": f"example.com:{nginx.https_port}"},
        timeout=30,
    ) as client:
        yield client


def strip_links(items: list[dict]) -> list[dict]:
    return [{key: value for key, value in item.items() if key != "_links"} for item in items]


def test_rest_list_with_basic_auth_through_nginx_over_tls(
    https: httpx.Client, nginx: Nginx, proxied_bridge: BridgeServer, demo_logins: dict[str, Login]
) -> None:
    """The client's Authorization reaches the bridge; the answer, headers included, is the bridge's own,
    and its links are https with the site's host and port (BRIDGE_PUBLIC_URL, never the Host header)."""
    admin = demo_logins["admin"]
    target = f"{NS}/customers?per_page=5&orderby=name"
    through = https.get(target, auth=admin.auth)
    direct = proxied_bridge.client.get(target, auth=admin.auth)
    assert through.status_code == 200, through.text
    site = f"https://example.com:{nginx.https_port}"
    assert len(through.json()) == 5
    assert [item["_links"]["self"][0]["href"] for item in through.json()] == [
        f"{site}{NS}/customers/{item['id']}" for item in direct.json()
    ]
    assert strip_links(through.json()) == strip_links(direct.json())
    assert through.headers["X-WP-Total"] == direct.headers["X-WP-Total"]
    next_link = re.search(r"<([^>]+)>; rel=\"next\"", through.headers["Link"]).group(1)
    assert next_link.startswith(f"{site}{NS}/customers?"), through.headers["Link"]
    assert https.get(next_link.split(str(nginx.https_port), 1)[1], auth=admin.auth).status_code == 200

    wrong = https.get(target, auth=(admin.username, "aaaa bbbb cccc dddd eeee ffff"))
    assert wrong.status_code == 401 and wrong.json()["code"] == "incorrect_password"


def test_datatables_post_through_nginx(
    https: httpx.Client, proxied_bridge: BridgeServer, demo_logins: dict[str, Login]
) -> None:
    """A form-encoded DataTables POST, bracketed keys and all, answers exactly as the bridge does directly."""
    form = {
        "draw": "3", "start": "0", "length": "10", "search[value]": "", "search[regex]": "false",
        "order[0][column]": "0", "order[0][dir]": "asc",
    }  # fmt: skip
    for i, column in enumerate(("code", "name", "owner_name")):
        form |= {f"columns[{i}][data]": column, f"columns[{i}][searchable]": "true", f"columns[{i}][orderable]": "true"}
    owner = demo_logins["andi_budi"]
    through = https.post(f"{NS}/datatables/customers", data=form, auth=owner.auth)
    direct = proxied_bridge.client.post(f"{NS}/datatables/customers", data=form, auth=owner.auth)
    assert through.status_code == 200
    body = through.json()
    assert "error" not in body and body["draw"] == 3 and body["recordsTotal"] > 0 and body["data"]
    assert body == direct.json()


def test_signed_request_through_nginx(https: httpx.Client, demo_logins: dict[str, Login]) -> None:
    """The path and query the shim signs reach the bridge unchanged (proxy_pass without a URI)."""
    owner = demo_logins["andi_budi"]
    target = f"{NS}/users/me?context=view&_fields=id,name"
    response = https.get(target, headers=signed_headers("GET", target, owner.user_id))
    assert response.status_code == 200, response.text
    assert response.json()["id"] == owner.user_id


def test_cookie_request_on_the_wordpress_host_reaches_the_bridge(
    https: httpx.Client, nginx: Nginx, demo_db: DatabaseURL, demo_logins: dict[str, Login]
) -> None:
    """The browser fast path's request: WordPress's logged-in cookie and REST nonce, sent to the
    WordPress host by a page of that host, pass nginx and sign the user in at the bridge (rows in the
    plugin's shape); the same request from a page of another origin is refused, even one listed in
    BRIDGE_CORS_ORIGINS, and without the nonce the cookie is nobody."""
    site = Site(demo_db, KEYS["LOGGED_IN_KEY"] + KEYS["LOGGED_IN_SALT"], KEYS["NONCE_KEY"] + KEYS["NONCE_SALT"])
    owner = demo_logins["andi_budi"]
    cookie, token = site.login(owner.username)
    name = "wordpress_logged_in_" + hashlib.md5(f"https://example.com:{nginx.https_port}".encode()).hexdigest()
    own = f"https://example.com:{nginx.https_port}"
    sent = {"Cookie": f"{name}={cookie}", "X-WP-Nonce": site.nonce(owner.user_id, token), "Origin": own}
    me = https.get(f"{NS}/users/me", headers=sent)
    assert me.status_code == 200, me.text
    assert me.json()["id"] == owner.user_id
    form = {"draw": "2", "start": "0", "length": "5", "columns[0][data]": "code", "order[0][column]": "0"}
    table = https.post(f"{NS}/datatables/customers?shape=plugin", data=form, headers=sent).json()
    assert "error" not in table and table["data"] and set(table["data"][0]) == {
        "id", "code", "name", "owner_name", "branch_count", "actions"
    }  # fmt: skip
    for origin in ("https://app.example.com", "https://evil.example"):
        refused = https.get(f"{NS}/users/me", headers={**sent, "Origin": origin})
        assert refused.status_code == 403 and refused.json()["code"] == "wpbridge_origin_not_allowed", origin
    nobody = https.get(f"{NS}/users/me", headers={"Cookie": sent["Cookie"]})
    assert nobody.status_code == 401 and nobody.json()["code"] == "rest_not_logged_in"


def test_readyz_through_nginx(https: httpx.Client) -> None:
    response = https.get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ready"


def test_plain_http_redirects_to_https(nginx: Nginx) -> None:
    """Credentials never reach the bridge over plain HTTP: every request is redirected first."""
    response = httpx.get(
        f"http://127.0.0.1:{nginx.http_port}{NS}/customers?per_page=5",
        headers={"Host": "example.com"},
        auth=("admin", "not sent to the bridge"),
    )
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://example.com{NS}/customers?per_page=5"


def test_everything_else_goes_to_wordpress(https: httpx.Client) -> None:
    """Other paths, the shim's own REST routes included, go to php-fpm (absent here: 502), never the bridge."""
    for path in ("/wp-json/wp-customer-bridge/v1/events", "/wp-admin/admin-ajax.php", "/healthz", "/"):
        response = https.get(path)
        assert response.status_code == 502, (path, response.status_code, response.text[:200])
        assert "nginx" in response.text


def test_nginx_keeps_its_connection_to_the_bridge_alive(
    https: httpx.Client, nginx: Nginx, proxied_bridge: BridgeServer, demo_logins: dict[str, Login]
) -> None:
    """Ten sequential requests travel over one kept-alive upstream connection, not ten new ones."""
    for _ in range(10):
        assert https.get(f"{NS}/statistics/customers", auth=demo_logins["admin"].auth).status_code == 200
    assert nginx.upstream_connections(proxied_bridge.port) == 1
