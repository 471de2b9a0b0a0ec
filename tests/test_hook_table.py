"""README "Every filter and action" is complete and true: every filter and action name the
code applies or fires (Python in bridge/ and hooks/, PHP in the shim) is in the table, every
name in the table is applied or fired by the code, and the side each row names is where it is."""

from __future__ import annotations

import re
from pathlib import Path

from bridge.events import DOCUMENTED_NAMES
from tests.support.paths import ROOT

PY_CALL = re.compile(r"\b(?:apply_filters|do_action)\(\s*(f?\"[^\"]+\"|[A-Z][A-Z_]+\b)")
PY_GRANTED = re.compile(r"\bgranted_by_filter\(\s*[\w.]+\s*,\s*([A-Z][A-Z_]+)\b")
PY_EVENT = re.compile(r"\bevents\.add\(\s*\"([^\"]+)\"")
PY_UPDATED = re.compile(r"\bupdated_action\s*=\s*\"([^\"]+)\"")
PY_CONSTANT = re.compile(r"^([A-Z][A-Z_]+)\s*=\s*\"([a-z_]+)\"", re.M)
PHP_CALL = re.compile(r"\b(?:apply_filters|apply_filters_deprecated|do_action)\(\s*'([^']+)'")
PHP_REPLAY = "do_action_ref_array( $name"


def _placeholder(match: re.Match[str]) -> str:
    inner = match.group(1)
    return "{t}" if inner == "t" or inner.endswith("hook_base") else "{entity}"


def python_names() -> tuple[set[str], set[str]]:
    """(filters and actions applied by name, lifecycle actions fired through the event list)."""
    files = [*sorted((ROOT / "bridge").rglob("*.py")), *sorted((ROOT / "hooks").glob("*.py"))]
    texts = {path: path.read_text() for path in files}
    constants = {name: value for text in texts.values() for name, value in PY_CONSTANT.findall(text)}
    applied: set[str] = set()
    events: set[str] = set(DOCUMENTED_NAMES.values())
    for text in texts.values():
        for raw in PY_CALL.findall(text):
            if raw.startswith(('f"', '"')):
                applied.add(re.sub(r"\{([^}]+)\}", _placeholder, raw.lstrip("f").strip('"')))
            else:
                applied.add(constants[raw])
        applied.update(constants[name] for name in PY_GRANTED.findall(text))
        events.update(PY_EVENT.findall(text))
        events.update(PY_UPDATED.findall(text))
    return applied, events


def php_names() -> tuple[set[str], bool]:
    """(names the shim applies or fires, whether it replays the bridge's lifecycle actions)."""
    texts = [path.read_text() for path in sorted((ROOT / "wordpress-shim").rglob("*.php"))]
    return {name for text in texts for name in PHP_CALL.findall(text)}, any(PHP_REPLAY in t for t in texts)


def readme_table() -> dict[str, str]:
    """Name → side, from the README table (a row may name several)."""
    text = (ROOT / "README.md").read_text()
    section = text.split("### Every filter and action", 1)[1]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        if line.startswith("## "):
            break
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        for name in re.findall(r"`([^`]+)`", cells[0]):
            rows[name] = cells[-1]
    return rows


def test_the_table_names_exactly_what_the_code_applies_and_fires() -> None:
    """No name in the table that the code does not apply or fire, none the code applies that
    the table lacks; and the side is right: Python names are applied in bridge/ or hooks/, PHP
    names in the shim, "both" in both (lifecycle actions: fired by the bridge, replayed by the shim)."""
    applied, events = python_names()
    php, replays = php_names()
    python = applied | events
    table = readme_table()
    assert replays, "the shim no longer replays the bridge's lifecycle actions"
    assert set(table) - (python | php) == set(), "in the table, not in the code"
    assert (python | php) - set(table) == set(), "in the code, not in the table"
    for name, side in table.items():
        in_php = name in php or (name in events and replays)
        expected = "both" if name in python and in_php else "Python" if name in python else "PHP"
        assert side == expected, f"{name}: the table says {side}, the code says {expected}"


def test_the_extraction_sees_each_kind_of_call() -> None:
    """The patterns find a literal, an f-string, a constant, a permission filter, a lifecycle
    action and a PHP filter, so an empty set can never make the table look complete."""
    applied, events = python_names()
    php, _ = php_names()
    assert {"wpapp_tab_statistics", "wpapp_datatable_{t}_where", "wpapp_{entity}_statistics_where"} <= applied
    assert {"wp_customer_access_type", "wp_customer_can_view_customer_employee"} <= applied
    assert {"wp_customer_created", "wp_customer_customer_created", "wp_customer_employee_updated"} <= events
    assert {"wp_customer_access_type", "wp_branch_access_type"} <= php
    assert Path(ROOT / "README.md").exists()
