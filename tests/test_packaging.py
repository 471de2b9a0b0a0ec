"""The package works wherever pip puts it.

The repository is built as a user's `pip install` would (an sdist, then a wheel from that sdist)
and the wheel is installed, not editable, into a fresh virtualenv. From a working folder outside
the repository, `wpbridge` migrates, loads demo data and serves every route, the agency
integration included: so the wheel carries sql/ and hooks/ and reads them as package resources,
and the runtime files land in the working folder's `.run`, not in site-packages. A plugin
installed as its own distribution registers through the `wp_customer_bridge.plugins` entry point.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bridge.settings import DatabaseURL
from tests.support.datatables import dt_params
from tests.support.paths import API, ROOT
from tests.support.server import free_port

# What a clone holds that a build must not see (or need): local environments and build leftovers.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", ".run", "build", "dist", "*.egg-info", "__pycache__", "node_modules", "artifacts"
)


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _pip_env() -> dict[str, str]:
    return dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONNOUSERSITE="1")


@dataclass
class Installed:
    """A fresh virtualenv holding the built wheel, and what it took to get there."""

    venv: Path
    wheel: Path
    seconds: float

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    @property
    def site_packages(self) -> Path:
        return next((self.venv / "lib").glob("python3*/site-packages"))

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a site owner's shell: no BRIDGE_* of the test run, no repository on the path."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGE_") and k not in ("PYTHONPATH",)}
        env.update(PYTHONNOUSERSITE="1", VIRTUAL_ENV=str(self.venv), PATH=f"{self.bin}{os.pathsep}{env['PATH']}")
        env.update(extra)
        return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """sdist → wheel → `pip install <wheel>` into a new virtualenv (dependencies from the index)."""
    started = time.monotonic()
    tmp = tmp_path_factory.mktemp("packaging")
    src, dist, tools, venv = tmp / "src", tmp / "dist", tmp / "build-tools", tmp / "venv"
    shutil.copytree(ROOT, src, ignore=NOT_SOURCE)
    # The build backend pyproject.toml asks for, outside the project's virtualenv (as build isolation does).
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    _run([sys.executable, "-m", "pip", "install", "-q", "--target", str(tools), *requires], tmp, _pip_env())
    build_sdist = "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    printed = _run([sys.executable, "-c", build_sdist, str(dist)], src, {**_pip_env(), "PYTHONPATH": str(tools)})
    sdist = dist / printed.strip().splitlines()[-1]
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(sdist)], tmp, _pip_env())
    wheel = next(dist.glob("wp_customer_bridge-*.whl"))
    _run([sys.executable, "-m", "venv", str(venv)], tmp)
    _run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], tmp, _pip_env())
    return Installed(venv, wheel, time.monotonic() - started)


def test_the_wheel_carries_the_schema_and_the_bundled_plugins(installed: Installed) -> None:
    """sql/ and hooks/ stay at the top of the repository but install inside the bridge package."""
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for sql in (ROOT / "sql").glob("*.sql"):
        assert f"bridge/sql/{sql.name}" in names
    for plugin in (ROOT / "hooks").glob("*.py"):
        assert f"bridge/bundled_hooks/{plugin.name}" in names
    assert not {n for n in names if n.startswith(("sql/", "hooks/"))}, "nothing at the top level of site-packages"


@dataclass
class Served:
    """`wpbridge serve` of the installed wheel, started in a working folder outside the repository."""

    process: subprocess.Popen
    client: httpx.Client
    log: Path
    workdir: Path

    def get(self, path: str, auth: tuple[str, str] | None, **params: str) -> httpx.Response:
        return self.client.get(path, auth=auth, params=params or None)


def _serve(installed: Installed, workdir: Path, url: DatabaseURL, **env: str) -> Served:
    port = free_port()
    log = workdir / f"serve-{port}.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(installed.bin / "wpbridge"), "serve"],
            cwd=workdir,
            env=installed.env(BRIDGE_DATABASE_URL=url.to_url(), BRIDGE_PORT=str(port), **env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"wpbridge serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if client.get("/healthz").status_code == 200:
                return Served(process, client, log, workdir)
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"wpbridge serve did not become healthy:\n{log.read_text()}")


def _stop(served: Served) -> None:
    served.client.close()
    if served.process.poll() is None:
        os.killpg(served.process.pid, signal.SIGTERM)
        try:
            served.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(served.process.pid, signal.SIGKILL)
            served.process.wait()


@pytest.fixture(scope="module")
def site(
    installed: Installed, make_database: Callable[[], DatabaseURL], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Installed, Path, DatabaseURL, dict[str, tuple[str, str]], str]]:
    """A working folder outside the repository where the installed `wpbridge` migrated a new
    database and loaded demo data; the demo logins as printed."""
    workdir = tmp_path_factory.mktemp("site")
    url = make_database()
    env = installed.env(BRIDGE_DATABASE_URL=url.to_url())
    created = _run([str(installed.bin / "wpbridge"), "migrate"], workdir, env)
    assert "wp_app_agencies" in created and "wp_users" in created, created
    printed = _run([str(installed.bin / "wpbridge"), "demo", "--customers", "5"], workdir, env)
    version = _run([str(installed.bin / "wpbridge"), "--version"], workdir, env)
    logins = {m[1]: (m[1], m[2]) for m in re.finditer(r"^curl -u '([^:']+):([^']+)'", printed, re.MULTILINE)}
    assert {"admin", "demo_agency_admin", "andi_budi"} <= set(logins), printed
    yield installed, workdir, url, logins, version


def test_the_installed_wheel_serves_every_route_from_any_folder(site) -> None:
    """From the wheel alone: --version, migrate, demo, serve, then each route answers as it should
    (the agency integration's tables, statistics, tab and relations too, which a wheel without
    hooks/ answered with 404), and the pid file and cache are in the working folder's .run."""
    installed, workdir, url, logins, version = site
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert version.strip() == f"wpbridge {project['version']}"
    bridge_file = _run(
        [str(installed.bin / "python"), "-c", "import bridge; print(bridge.__file__)"], workdir, installed.env()
    )
    assert Path(bridge_file.strip()).is_relative_to(installed.site_packages), "the wheel, not the repository"

    served = _serve(installed, workdir, url)
    try:
        _every_route(served, logins)
        run = workdir / ".run"
        assert (run / "bridge.pid").read_text().strip() == str(served.process.pid)
        assert (run / "cache").is_dir() and any((run / "cache").iterdir()), "the cache is <working folder>/.run/cache"
        assert not list(installed.venv.rglob(".run")), "nothing written beside the code"
        stopped = _run([str(installed.bin / "wpbridge"), "stop"], workdir, installed.env())
        assert "stopped: bridge" in stopped
        served.process.wait(30)
        assert not (run / "bridge.pid").exists()
    finally:
        _stop(served)


def _every_route(served: Served, logins: dict[str, tuple[str, str]]) -> None:
    admin, agency_admin = logins["admin"], logins["demo_agency_admin"]
    get = served.get
    for path in ("/healthz", "/readyz", "/openapi.json", "/docs"):
        assert get(path, None).status_code == 200, path
    paths = set(get("/openapi.json", None).json()["paths"])
    assert f"{API}/datatables/{{table}}" in paths, paths
    assert get(f"{API}/users/me", admin).json()["login"] == "admin"
    assert get(f"{API}/customers", None).status_code == 401  # authentication is served too

    items = {}
    for resource in ("customers", "branches", "employees"):
        response = get(f"{API}/{resource}", admin, per_page="2")
        assert response.status_code == 200 and int(response.headers["X-WP-Total"]) > 0, (resource, response.text)
        items[resource] = response.json()[0]["id"]
        one = get(f"{API}/{resource}/{items[resource]}", admin)
        assert one.status_code == 200 and one.json()["id"] == items[resource], (resource, one.text)
    for table in ("customers", "branches", "employees", "agencies"):
        extra = {} if table in ("customers", "agencies") else {"customer_id": "1"}
        params = dt_params([{"data": "id"}], **extra)
        body = served.client.get(f"{API}/datatables/{table}", params=params, auth=admin).json()
        assert "error" not in body and body["recordsTotal"] > 0, (table, body)
        posted = served.client.post(f"{API}/datatables/{table}", data=params, auth=admin).json()
        assert posted["recordsTotal"] == body["recordsTotal"], (table, posted)
    agencies = served.client.get(f"{API}/datatables/agencies", params=dt_params([{"data": "id"}]), auth=admin).json()
    agency_id = agencies["data"][0]["DT_RowData"]["id"]

    assert get(f"{API}/statistics/customers", admin).json()["total_customers"] > 0
    statistics = get(f"{API}/statistics/agencies", admin)
    assert statistics.status_code == 200 and statistics.json()["total"] > 0, statistics.text
    tab = get(f"{API}/tabs/agency/{agency_id}/statistics", admin)
    assert tab.status_code == 200 and isinstance(tab.json(), dict) and tab.json(), tab.text
    accessible = get(f"{API}/relations/agency/accessible", agency_admin)
    assert accessible.status_code == 200, accessible.text
    linked = get(f"{API}/relations/agency/{agency_id}", admin)
    assert linked.status_code == 200 and isinstance(linked.json(), dict), linked.text

    # The write routes: a customer created, changed and deleted; the cache told to forget.
    created = served.client.post(f"{API}/customers", json={"name": "PT Dari Wheel"}, auth=admin)
    assert created.status_code == 201, created.text
    customer = created.json()["id"]
    changed = served.client.patch(f"{API}/customers/{customer}", json={"name": "PT Dari Wheel Dua"}, auth=admin)
    assert changed.status_code == 200 and changed.json()["name"] == "PT Dari Wheel Dua", changed.text
    deleted = served.client.delete(f"{API}/customers/{customer}", auth=admin)
    assert deleted.status_code == 200, deleted.text
    for resource in ("branches", "employees"):  # served (a WordPress validation error, not a missing route)
        refused = served.client.post(f"{API}/{resource}", json={}, auth=admin)
        assert refused.status_code == 400 and refused.json()["code"] != "rest_no_route", (resource, refused.text)
        unchanged = served.client.patch(f"{API}/{resource}/{items[resource]}", json={}, auth=admin)
        assert unchanged.status_code == 200 and unchanged.json()["id"] == items[resource], (resource, unchanged.text)
        missing = served.client.delete(f"{API}/{resource}/999999", auth=admin)
        assert missing.status_code == 404 and missing.json()["code"] != "rest_no_route", (resource, missing.text)
    invalidated = served.client.post(f"{API}/cache/invalidate", json={"groups": ["customers"]}, auth=admin)
    assert invalidated.status_code == 200, invalidated.text


COMPANY_PLUGIN = '''
"""A plugin shipped as its own distribution: the tab numbers of a "company" entity."""


def register(ctx):
    greeting = ctx.config.get("greeting", "no [company] table")

    def tab(value, entity, entity_id, request):
        return {"company": entity_id, "greeting": greeting} if entity == "company" else value

    ctx.hooks.add_filter("wpapp_tab_statistics", tab)
'''


def test_a_plugin_installed_with_pip_registers_through_its_entry_point(site, tmp_path) -> None:
    """A tiny distribution declaring `[project.entry-points."wp_customer_bridge.plugins"]`, installed
    with pip next to the wheel, is loaded at start, and its TOML table is the entry point's name."""
    installed, workdir, url, logins, _ = site
    plugin = tmp_path / "wpbridge-company"
    (plugin / "wpbridge_company").mkdir(parents=True)
    (plugin / "wpbridge_company" / "__init__.py").write_text(COMPANY_PLUGIN)
    (plugin / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [build-system]
            requires = ["setuptools>=61"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "wpbridge-company"
            version = "1.0"

            [project.entry-points."wp_customer_bridge.plugins"]
            company = "wpbridge_company"
            """
        )
    )
    _run([str(installed.bin / "pip"), "install", "-q", str(plugin)], tmp_path, _pip_env())
    config = tmp_path / "bridge.toml"
    config.write_text('[company]\ngreeting = "halo"\n')
    served = _serve(
        installed,
        workdir,
        url,
        BRIDGE_CONFIG=str(config),
        BRIDGE_RUN_DIR=str(tmp_path / "run"),
    )
    try:
        tab = served.get(f"{API}/tabs/company/7/statistics", logins["admin"])
        assert tab.status_code == 200 and tab.json() == {"company": 7, "greeting": "halo"}, tab.text
    finally:
        _stop(served)
        _run([str(installed.bin / "pip"), "uninstall", "-q", "-y", "wpbridge-company"], tmp_path, _pip_env())
