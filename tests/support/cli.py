"""The command line as a user runs it: `wpbridge ARGS` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys

from bridge.settings import DatabaseURL
from tests.support.paths import ROOT


def run_cli(
    url: DatabaseURL, *args: str, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run `wpbridge ARGS` against ``url`` as a user would."""
    full_env = dict(os.environ, BRIDGE_DATABASE_URL=url.to_url(), **(env or {}))
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", *args], env=full_env, capture_output=True, text=True, cwd=ROOT
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"wpbridge {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result
