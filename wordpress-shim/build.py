#!/usr/bin/env python3
"""Build the installable WordPress plugin zip: ``dist/wp-customer-bridge.zip``.

The plugin's PHP, JS and CSS come from ``wordpress-shim/wp-customer-bridge``; the front-end
libraries (DataTables, a jQuery plugin, with its SearchPanes and Select extensions and their
default stylesheets) are fetched from the npm registry with ``npm pack`` at build time, at the
versions the plugin pins in ``WP_CUSTOMER_BRIDGE_DATATABLES_VERSION``,
``WP_CUSTOMER_BRIDGE_SEARCHPANES_VERSION`` and ``WP_CUSTOMER_BRIDGE_SELECT_VERSION``, so no
third-party file is committed. Downloaded
tarballs are kept under ``build/shim/npm`` and reused while the pinned version stays the same.

Usage: ``python3 wordpress-shim/build.py [--out dist/wp-customer-bridge.zip]`` (``make shim-zip``).
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "wordpress-shim" / "wp-customer-bridge"
MAIN_FILE = SOURCE / "wp-customer-bridge.php"
BUILD = ROOT / "build" / "shim"
DEFAULT_OUT = ROOT / "dist" / "wp-customer-bridge.zip"
SLUG = "wp-customer-bridge"
VENDOR = "assets/vendor/datatables"
# npm package → (the main file's constant pinning its version, {path inside its tarball: file name
# in the plugin's vendor folder}). SearchPanes needs Select; both need DataTables 2.
FILES = {
    "datatables.net": (
        "WP_CUSTOMER_BRIDGE_DATATABLES_VERSION",
        {"package/js/dataTables.min.js": "dataTables.min.js", "package/License.txt": "License.txt"},
    ),
    "datatables.net-dt": (
        "WP_CUSTOMER_BRIDGE_DATATABLES_VERSION",
        {"package/css/dataTables.dataTables.min.css": "dataTables.dataTables.min.css"},
    ),
    "datatables.net-select": (
        "WP_CUSTOMER_BRIDGE_SELECT_VERSION",
        {
            "package/js/dataTables.select.min.js": "dataTables.select.min.js",
            "package/License.txt": "License-select.txt",
        },
    ),
    "datatables.net-select-dt": (
        "WP_CUSTOMER_BRIDGE_SELECT_VERSION",
        {"package/css/select.dataTables.min.css": "select.dataTables.min.css"},
    ),
    "datatables.net-searchpanes": (
        "WP_CUSTOMER_BRIDGE_SEARCHPANES_VERSION",
        {
            "package/js/dataTables.searchPanes.min.js": "dataTables.searchPanes.min.js",
            "package/License.txt": "License-searchpanes.txt",
        },
    ),
    "datatables.net-searchpanes-dt": (
        "WP_CUSTOMER_BRIDGE_SEARCHPANES_VERSION",
        {
            "package/js/searchPanes.dataTables.min.js": "searchPanes.dataTables.min.js",
            "package/css/searchPanes.dataTables.min.css": "searchPanes.dataTables.min.css",
        },
    ),
}
FIXED_TIME = (2025, 1, 1, 0, 0, 0)  # same bytes for the same inputs


class BuildError(RuntimeError):
    """The zip cannot be built; the message says what to do."""


def pinned_version(constant: str) -> str:
    """A ``define( 'NAME', 'x.y.z' )`` value from the plugin's main file (the single source)."""
    match = re.search(rf"define\(\s*'{constant}',\s*'([0-9][0-9A-Za-z.+-]*)'\s*\)", MAIN_FILE.read_text())
    if not match:
        raise BuildError(f"{MAIN_FILE} does not define {constant}")
    return match.group(1)


def fetch(package: str, version: str, into: Path) -> Path:
    """``npm pack package@version`` into ``into`` (reused when already there)."""
    tarball = into / f"{package}-{version}.tgz"
    if tarball.exists():
        return tarball
    if shutil.which("npm") is None:
        raise BuildError(
            f"npm is needed to fetch {package} from the npm registry: install Node.js/npm (Debian: apt-get install npm)"
        )
    into.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["npm", "pack", f"{package}@{version}", "--silent", "--pack-destination", str(into)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0 or not tarball.exists():
        raise BuildError(f"npm pack {package}@{version} failed:\n{result.stdout}{result.stderr}")
    return tarball


def vendor_files() -> dict[str, bytes]:
    """The DataTables files the plugin ships, by path inside the plugin, each at its pinned version."""
    out: dict[str, bytes] = {}
    for package, (constant, wanted) in FILES.items():
        version = pinned_version(constant)
        with tarfile.open(fetch(package, version, BUILD / "npm"), "r:gz") as archive:
            for inner, name in wanted.items():
                member = archive.extractfile(inner)
                if member is None:
                    raise BuildError(f"{package}@{version} has no {inner}")
                out[f"{VENDOR}/{name}"] = member.read()
    return out


def plugin_files() -> dict[str, bytes]:
    """The plugin's own files, by path inside the plugin (caches and dotfiles left out)."""
    out: dict[str, bytes] = {}
    for path in sorted(SOURCE.rglob("*")):
        rel = path.relative_to(SOURCE).as_posix()
        if (
            path.is_file()
            and not any(part.startswith(".") for part in Path(rel).parts)
            and not rel.startswith("assets/vendor/")
        ):
            out[rel] = path.read_bytes()
    return out


def write_zip(files: dict[str, bytes], out: Path) -> None:
    """A zip with everything under ``wp-customer-bridge/``, as WordPress's uploader expects."""
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        folders = sorted({parent.as_posix() for name in files for parent in Path(name).parents} - {"."})
        for folder in [""] + folders:
            info = zipfile.ZipInfo(f"{SLUG}/{folder}/" if folder else f"{SLUG}/", FIXED_TIME)
            info.external_attr = 0o40755 << 16
            archive.writestr(info, b"")
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{SLUG}/{name}", FIXED_TIME)
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    out.write_bytes(buffer.getvalue())


def build(out: Path = DEFAULT_OUT) -> Path:
    """Build the zip and return its path."""
    files = plugin_files()
    files.update(vendor_files())
    write_zip(files, out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        path = build(args.out)
    except (BuildError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"shim-zip: {exc}", file=sys.stderr)
        return 1
    print(
        f"shim-zip: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({path.stat().st_size // 1024} KiB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
