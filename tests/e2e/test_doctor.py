"""``wpbridge doctor`` against a real WordPress with the shim: the signed ping reaches the events
route, the shim answers with its time, and WordPress's secrets load from its wp-config.php; a
bridge whose secret differs from the shim's is told so."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.cli import run_cli
from tests.support.one_origin import KEY_DEFINE
from tests.support.server import SECRET
from tests.support.wordpress_site import WordPress


def doctor(wp: WordPress, tmp_path: Path, secret: str) -> tuple[int, dict[str, str], str]:
    # the test site's wp-config.php computes its URL (a variant is served behind a proxy: the fast
    # path's test), which the bridge refuses to evaluate; its keys, and the URL as a setting, are the same
    keys = tmp_path / "wp-config-keys.php"
    keys.write_text("<?php\n" + "\n".join(KEY_DEFINE.findall((wp.root / "wp-config.php").read_text())) + "\n")
    env = {
        "BRIDGE_SHARED_SECRET": secret,
        "BRIDGE_EVENTS_URL": wp.events_url,
        "BRIDGE_WP_CONFIG": str(keys),
        "BRIDGE_WP_SITE_URL": wp.url,
        "BRIDGE_CACHE_DIR": str(tmp_path / "cache"),
        "BRIDGE_RUN_DIR": str(tmp_path),
    }
    result = run_cli(wp.db, "doctor", env=env, check=False)
    statuses = {m.group(2): m.group(1) for m in re.finditer(r"^(ok|FAIL|skip)\s+([^:]+):", result.stdout, re.M)}
    return result.returncode, statuses, result.stdout + result.stderr


def test_doctor_pings_the_shim_and_measures_the_clock(wordpress: WordPress, tmp_path: Path) -> None:
    """The shim accepts the signed ping and answers with its time: events and clock are ok (same
    machine: well under a second apart), WordPress's cookie keys load, nothing fails."""
    status, checks, output = doctor(wordpress, tmp_path, SECRET)
    assert checks["events"] == "ok" and "accepted a signed ping" in output, output
    assert checks["clock"] == "ok" and "from the shim's answer" in output, output
    seconds = float(re.search(r"clock is ([0-9.]+) s", output).group(1))
    assert seconds < 2
    assert checks["WordPress secrets"] == "ok", output
    assert not [name for name, s in checks.items() if s == "FAIL" and name not in ("indexes", "outbox backlog")], output


def test_doctor_names_a_secret_the_shim_does_not_share(wordpress: WordPress, tmp_path: Path) -> None:
    """A bridge secret other than WP_CUSTOMER_BRIDGE_SECRET: the shim refuses the ping (401
    wpbridge_signature_invalid), the events check fails with that fix, the exit status is 1."""
    status, checks, output = doctor(wordpress, tmp_path, "another-secret-0123456789")
    assert status == 1
    assert checks["events"] == "FAIL" and "wpbridge_signature_invalid" in output, output
    assert "WP_CUSTOMER_BRIDGE_SECRET" in output
