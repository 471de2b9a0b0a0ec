"""Debian's headless Chromium for the end-to-end tests (driven by Playwright, never `playwright install`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched Chromium browser, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_for_rows(page: Any, table: str, expected: list[str]) -> None:
    page.wait_for_function(
        "([table, expected]) => { const ids = [...document.querySelectorAll('#' + table + ' tbody tr[id]')].map(r => r.id);"
        " return ids.length === expected.length && ids.every((id, i) => id === expected[i]); }",
        arg=[table, expected],
        timeout=10_000,
    )
