"""A real WordPress (Debian's) with the shim installed from its zip, as the end-to-end tests build and drive it:
its tree, wp-config.php, installation and ``php -S`` servers, and the DataTables requests the plugin's JavaScript sends."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bridge.settings import DatabaseURL
from tests.support.paths import ROOT
from tests.support.server import SECRET, BridgeServer, free_port

WP_SOURCE = Path("/usr/share/wordpress")


SUPPORT = ROOT / "tests" / "e2e" / "support"


ARTIFACTS = ROOT / "tests" / "artifacts"


DEMO_PASSWORD = "Demo_Data-2025"


OWNER = "andi_budi"


OWNER_CUSTOMERS = 12  # the owner gets this many customers, so their table has two pages


INSTALL_HINT = (
    "the end-to-end tests need php-cli, php-mysql, phpunit, wordpress and chromium: "
    "run `make test` as root (it installs them), or `sudo apt-get install -y php-cli php-mysql phpunit wordpress chromium`; "
    "set WPBRIDGE_SKIP_E2E=1 to run without them"
)


def missing_tools() -> list[str]:
    """What the e2e tests need and this machine lacks."""
    missing = []
    if shutil.which("php") is None:
        missing.append("php-cli")
    elif subprocess.run(["php", "-r", "exit(extension_loaded('mysqli') ? 0 : 1);"], check=False).returncode != 0:
        missing.append("php-mysql")
    if not (WP_SOURCE / "wp-settings.php").exists():
        missing.append("wordpress")
    if shutil.which("phpunit") is None:
        missing.append("phpunit")
    if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
        missing.append("chromium")
    return missing


def require_tools(*needed: str) -> None:
    """Skip (WPBRIDGE_SKIP_E2E=1) or fail with the install command when a tool is missing."""
    missing = [m for m in missing_tools() if not needed or m in needed]
    if not missing:
        return
    message = f"missing {', '.join(missing)}: {INSTALL_HINT}"
    if os.environ.get("WPBRIDGE_SKIP_E2E") == "1":
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


def esc_html(text: str) -> str:
    """WordPress's esc_html() for plain text (no entities in the input)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#039;")
    )


def php_string(value: str) -> str:
    """A PHP single-quoted string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass
class WordPress:
    """A temporary WordPress served by ``php -S`` on 127.0.0.1:``port``."""

    root: Path
    port: int
    db: DatabaseURL
    bridge: BridgeServer
    logs: Path
    process: subprocess.Popen[bytes] | None = None
    extra: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_url(self) -> str:
        return f"{self.url}/wp-json/wp-customer-bridge/v1/events"

    @property
    def observer_log(self) -> Path:
        return self.logs / "observed.jsonl"

    @property
    def php_error_log(self) -> Path:
        return self.logs / "php-errors.log"

    # ---- processes ------------------------------------------------------------------------

    def serve(self, port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        """``php -S`` on ``port`` with a few workers; its own process group, so stopping is clean."""
        full_env = dict(os.environ, PHP_CLI_SERVER_WORKERS="4", **(env or {}))
        with open(self.logs / f"php-server-{port}.log", "a") as log:  # the child keeps its own copy
            process = subprocess.Popen(
                [
                    "php",
                    "-d",
                    "display_errors=0",
                    "-d",
                    "log_errors=1",
                    "-d",
                    f"error_log={self.php_error_log}",
                    "-d",
                    "error_reporting=E_ALL",
                    "-S",
                    f"127.0.0.1:{port}",
                    "-t",
                    str(self.root),
                ],
                cwd=self.root,
                env=full_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for_port(port, process, self.logs / f"php-server-{port}.log")
        return process

    def start(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self.process = self.serve(self.port)

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process)
            self.process = None

    def serve_variant(self, env: dict[str, str]) -> str:
        """Another ``php -S`` on the same site with different environment (wp-config.php reads
        WPBRIDGE_E2E_BRIDGE_URL / WPBRIDGE_E2E_TIMEOUT / WPBRIDGE_E2E_FALLBACK / WPBRIDGE_E2E_SITE_URL);
        returns its base URL."""
        port = free_port()
        self.extra.append(self.serve(port, env))
        return f"http://127.0.0.1:{port}"

    def close(self) -> None:
        self.stop()
        for process in self.extra:
            stop_group(process)

    # ---- php-cli inside WordPress ---------------------------------------------------------

    def php(self, code: str, *, user: int = 0, check: bool = True, env: dict[str, str] | None = None) -> str:
        """Run PHP ``code`` inside this WordPress (wp-load.php, then wp_set_current_user(user));
        ``env`` reaches wp-config.php (WPBRIDGE_E2E_BRIDGE_URL, WPBRIDGE_E2E_TIMEOUT)."""
        script = (
            "<?php\n"
            f"$_SERVER['HTTP_HOST'] = '127.0.0.1:{self.port}';\n"
            f"require {php_string(str(self.root / 'wp-load.php'))};\n"
            f"wp_set_current_user({int(user)});\n"
            f"{code}\n"
        )
        path = self.logs / f"cli-{secrets.token_hex(4)}.php"
        path.write_text(script)
        result = subprocess.run(
            ["php", "-d", "display_errors=stderr", "-d", "error_reporting=E_ALL", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            env=dict(os.environ, **(env or {})),
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"php failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result.stdout

    # ---- HTTP as a browser would --------------------------------------------------------

    def login(self, username: str, password: str = DEMO_PASSWORD, base: str | None = None) -> httpx.Client:
        """A cookie-carrying client logged in through wp-login.php."""
        client = httpx.Client(base_url=base or self.url, timeout=30, follow_redirects=False)
        client.get("/wp-login.php")  # sets wordpress_test_cookie
        response = client.post(
            "/wp-login.php",
            data={
                "log": username,
                "pwd": password,
                "wp-submit": "Log In",
                "redirect_to": f"{self.url}/wp-admin/",
                "testcookie": "1",
            },
        )
        assert response.status_code == 302, (
            f"login of {username} failed: {response.status_code}\n{response.text[:2000]}"
        )
        assert any(name.startswith("wordpress_logged_in_") for name in client.cookies), "no login cookie"
        return client

    def shim_page(self, client: httpx.Client) -> str:
        response = client.get("/wp-admin/admin.php", params={"page": "wp-customer-bridge"})
        assert response.status_code == 200, response.text[:2000]
        return response.text

    def nonce(self, client: httpx.Client) -> str:
        """The wp_customer_nonce the shim's Customers page hands its JavaScript."""
        match = re.search(r"var wpCustomerData = (\{.*?\});", self.shim_page(client))
        assert match, "wpCustomerData not found on the Customers page"
        return str(json.loads(match.group(1))["nonce"])

    def ajax(
        self, client: httpx.Client, body: str | Sequence[tuple[str, str]], base: str | None = None
    ) -> httpx.Response:
        """POST admin-ajax.php with a form body (pairs in order, or a raw string)."""
        content = body if isinstance(body, str) else httpx.QueryParams(list(body)).__str__()
        return client.post(
            (base or "") + "/wp-admin/admin-ajax.php",
            content=content.encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
                "X-Requested-With": "XMLHttpRequest",
            },
        )

    # ---- what happened ----------------------------------------------------------------------

    def observed(self, kind: str | None = None) -> list[dict[str, Any]]:
        if not self.observer_log.exists():
            return []
        entries = [json.loads(line) for line in self.observer_log.read_text().splitlines() if line.strip()]
        return [e for e in entries if kind is None or e["type"] == kind]

    def shim_php_errors(self) -> list[str]:
        """PHP warnings, notices and errors that name the shim (WordPress 6.1 itself is noisy on PHP 8.2)."""
        lines = []
        for path in (self.php_error_log, self.logs / "debug.log"):
            if path.exists():
                lines += [
                    line for line in path.read_text(errors="replace").splitlines() if "wp-customer-bridge" in line
                ]
        return lines


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 15) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"php -S exited with {process.returncode}:\n{log.read_text()}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/wp-includes/images/blank.gif", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"php -S did not listen on {port}:\n{log.read_text()}")


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a process we started in its own session, with its workers."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def build_tree(root: Path, zip_path: Path) -> None:
    """The WordPress folder: copies of the entry points, symlinks for the rest, the shim unzipped."""
    root.mkdir(parents=True)
    for item in WP_SOURCE.iterdir():
        if item.name in ("wp-config.php", "wp-content", ".htaccess"):
            continue
        if item.name == "wp-admin":
            shutil.copytree(item, root / item.name, symlinks=True)
        elif item.name == "wp-includes":
            (root / item.name).symlink_to(item)
        elif item.is_file():
            shutil.copy2(item, root / item.name)
    content = root / "wp-content"
    (content / "plugins").mkdir(parents=True)
    (content / "mu-plugins").mkdir()
    (content / "uploads").mkdir()
    (content / "themes").symlink_to(WP_SOURCE / "wp-content" / "themes")
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(content / "plugins")
    for name in ("wpbridge-e2e-observer.php", "wpbridge-e2e-wp-agency.php"):
        shutil.copy2(SUPPORT / name, content / "mu-plugins" / name)


def write_config(wp: WordPress) -> None:
    db = wp.db
    host = f"localhost:{db.unix_socket}" if db.unix_socket else f"{db.host}:{db.port}"
    salts = "\n".join(
        f"define( '{name}', {php_string(secrets.token_urlsafe(48))} );"
        for name in (
            "AUTH_KEY",
            "SECURE_AUTH_KEY",
            "LOGGED_IN_KEY",
            "NONCE_KEY",
            "AUTH_SALT",
            "SECURE_AUTH_SALT",
            "LOGGED_IN_SALT",
            "NONCE_SALT",
        )
    )
    (wp.root / "wp-config.php").write_text(
        f"""<?php
// wp-config.php of the e2e tests' temporary WordPress (written by tests/support/wordpress_site.py).
define( 'DB_NAME', {php_string(db.database)} );
define( 'DB_USER', {php_string(db.user)} );
define( 'DB_PASSWORD', {php_string(db.password)} );
define( 'DB_HOST', {php_string(host)} );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
$table_prefix = 'wp_';
{salts}
// WPBRIDGE_E2E_SITE_URL: a variant served behind a proxy on another origin (test_fast_path.py).
define( 'WP_HOME', getenv( 'WPBRIDGE_E2E_SITE_URL' ) ?: '{wp.url}' );
define( 'WP_SITEURL', getenv( 'WPBRIDGE_E2E_SITE_URL' ) ?: '{wp.url}' );
define( 'WP_CONTENT_DIR', __DIR__ . '/wp-content' );
define( 'WP_CONTENT_URL', ( getenv( 'WPBRIDGE_E2E_SITE_URL' ) ?: '{wp.url}' ) . '/wp-content' );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_DISPLAY', false );
define( 'WP_DEBUG_LOG', {php_string(str(wp.logs / "debug.log"))} );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'CONCATENATE_SCRIPTS', false );
define( 'FS_METHOD', 'direct' );
define( 'WPBRIDGE_E2E_LOG', {php_string(str(wp.observer_log))} );
// The two constants a site admin pastes (the timeout is optional):
define( 'WP_CUSTOMER_BRIDGE_URL', getenv( 'WPBRIDGE_E2E_BRIDGE_URL' ) ?: '{wp.bridge.base}' );
define( 'WP_CUSTOMER_BRIDGE_SECRET', {php_string(SECRET)} );
define( 'WP_CUSTOMER_BRIDGE_TIMEOUT', getenv( 'WPBRIDGE_E2E_TIMEOUT' ) ?: 5 );
if ( getenv( 'WPBRIDGE_E2E_FALLBACK' ) ) {{
	define( 'WP_CUSTOMER_BRIDGE_FALLBACK', true ); // optional: the plugin's handlers answer administrators while the bridge is down
}}
if ( ! defined( 'ABSPATH' ) ) {{
	define( 'ABSPATH', __DIR__ . '/' );
}}
require_once ABSPATH . 'wp-settings.php';
"""
    )


def install(wp: WordPress) -> None:
    """Core tables and options on the demo database, then activate the shim (php-cli)."""
    setup = wp.logs / "install.php"
    setup.write_text(
        f"""<?php
define( 'WP_INSTALLING', true );
$_SERVER['HTTP_HOST'] = '127.0.0.1:{wp.port}';
require {php_string(str(wp.root / "wp-load.php"))};
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
make_db_current_silent();
populate_options();
populate_roles();
update_option( 'siteurl', '{wp.url}' );
update_option( 'home', '{wp.url}' );
update_option( 'permalink_structure', '/%postname%/' );
update_option( 'fresh_site', 0 );
update_option( 'blog_public', 0 );
echo 'installed';
"""
    )
    result = subprocess.run(["php", str(setup)], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0 and result.stdout.endswith("installed"), (
        f"WordPress install failed:\n{result.stdout}\n{result.stderr}"
    )
    out = wp.php(
        """
require_once ABSPATH . 'wp-admin/includes/plugin.php';
$result = activate_plugin( 'wp-customer-bridge/wp-customer-bridge.php' );
if ( is_wp_error( $result ) ) { fwrite( STDERR, $result->get_error_message() ); exit( 1 ); }
flush_rewrite_rules();
echo is_plugin_active( 'wp-customer-bridge/wp-customer-bridge.php' ) ? 'active' : 'inactive';
"""
    )
    assert out.strip().endswith("active"), out


def datatable_params(
    columns: Sequence[tuple[str, bool, bool]],
    *,
    draw: int = 1,
    start: int = 0,
    length: int = 10,
    search: str = "",
    order: Sequence[tuple[int, str]] = ((0, "asc"),),
) -> list[tuple[str, str]]:
    """What DataTables 1.10+/2.x sends, in its order: columns (data, searchable, orderable), order, paging, search."""
    pairs: list[tuple[str, str]] = [("draw", str(draw))]
    for i, (data, searchable, orderable) in enumerate(columns):
        pairs += [
            (f"columns[{i}][data]", data),
            (f"columns[{i}][name]", ""),
            (f"columns[{i}][searchable]", "true" if searchable else "false"),
            (f"columns[{i}][orderable]", "true" if orderable else "false"),
            (f"columns[{i}][search][value]", ""),
            (f"columns[{i}][search][regex]", "false"),
        ]
    for i, (column, direction) in enumerate(order):
        pairs += [(f"order[{i}][column]", str(column)), (f"order[{i}][dir]", direction)]
    pairs += [("start", str(start)), ("length", str(length)), ("search[value]", search), ("search[regex]", "false")]
    return pairs


# The plugin's JavaScript columns.
CUSTOMER_COLUMNS = (
    ("code", True, True),
    ("name", True, True),
    ("owner_name", True, True),
    ("branch_count", False, True),
    ("actions", False, False),
)


BRANCH_COLUMNS = (
    ("code", True, True),
    ("name", True, True),
    ("admin_name", True, True),
    ("type", True, True),
    ("actions", False, False),
)


EMPLOYEE_COLUMNS = (
    ("name", True, True),
    ("department", True, True),
    ("branch_name", True, True),
    ("status", True, True),
    ("actions", False, False),
)


# WP Agency 1.0.7's agency list (assets/js/agency/agency-datatable.js).
AGENCY_COLUMNS = (
    ("code", True, True),
    ("name", True, True),
    ("provinsi_name", True, True),
    ("regency_name", True, True),
    ("actions", False, False),
)
