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


def doctor(wp: WordPress, tmp_path: Path, secret: str, salt_suffix: str = "") -> tuple[int, dict[str, str], str]:
    # the test site's wp-config.php computes its URL (a variant is served behind a proxy: the fast
    # path's test), which the bridge refuses to evaluate; its keys, and the URL as a setting, are the same
    keys = tmp_path / "wp-config-keys.php"
    defines = KEY_DEFINE.findall((wp.root / "wp-config.php").read_text())
    if salt_suffix:  # another site's secrets: WordPress's cookies would not validate here
        defines = [d.replace("' );", salt_suffix + "' );") if "LOGGED_IN_SALT" in d else d for d in defines]
    keys.write_text("<?php\n" + "\n".join(defines) + "\n")
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
    assert checks["WordPress secrets"] == "ok" and "agree with WordPress's" in output, output
    assert not [name for name, s in checks.items() if s == "FAIL" and name not in ("indexes", "outbox backlog")], output


def test_doctor_names_a_secret_the_shim_does_not_share(wordpress: WordPress, tmp_path: Path) -> None:
    """A bridge secret other than WP_CUSTOMER_BRIDGE_SECRET: the shim refuses the ping (401
    wpbridge_signature_invalid), the events check fails with that fix, the exit status is 1."""
    status, checks, output = doctor(wordpress, tmp_path, "another-secret-0123456789")
    assert status == 1
    assert checks["events"] == "FAIL" and "wpbridge_signature_invalid" in output, output
    assert "WP_CUSTOMER_BRIDGE_SECRET" in output


def test_doctor_names_secrets_that_differ_from_wordpress(wordpress: WordPress, tmp_path: Path) -> None:
    """Keys that load but are not the site's (another LOGGED_IN_SALT): the shim's pong carries
    wp_hash of a fixed text per scheme, the bridge's differs, and doctor fails naming the logged_in
    salt — a cookie WordPress mints would be refused — while the nonce keys agree."""
    status, checks, output = doctor(wordpress, tmp_path, SECRET, salt_suffix="-not-this-site")
    assert status == 1
    assert checks["WordPress secrets"] == "FAIL", output
    assert "the logged_in key/salt" in output and "the nonce key/salt" not in output, output
