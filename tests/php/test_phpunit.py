"""Runs the shim's PHP unit tests (PHPUnit, Debian's `phpunit`) inside the normal pytest run."""

from __future__ import annotations

import subprocess

from tests.support.paths import ROOT
from tests.support.wordpress_site import ARTIFACTS, require_tools


def test_phpunit() -> None:
    """Signing against tests/vectors/signature.json, forwarding, rendering and escaping, the
    bridge-down path, events and invalidation — see tests/php/*Test.php."""
    require_tools("php-cli", "phpunit")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            "phpunit",
            "-c",
            str(ROOT / "tests" / "php" / "phpunit.xml"),
            "--log-junit",
            str(ARTIFACTS / "phpunit-junit.xml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"PHPUnit failed:\n{result.stdout}\n{result.stderr}"
    assert "OK (" in result.stdout, result.stdout
