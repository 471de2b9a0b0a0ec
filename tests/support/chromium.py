"""Debian's headless Chromium for the end-to-end tests (driven by Playwright, never `playwright install`).

The browser resolves no name but the loopback's: a wp-admin page links the outside world (the
admin bar's Gravatar images, emoji from s.w.org), and its ``load`` event waits for them, so a
slow or silent DNS server would stall a test for as long as it takes to give up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.support.wordpress_site import DEMO_PASSWORD, OWNER

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
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
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


def log_in(page: Any, site: str, username: str = OWNER) -> None:
    """WordPress's login form, submitted: done once the redirect into wp-admin arrives (its page's
    images are not waited for). A login that stays on wp-login.php fails here, saying why."""
    page.goto(f"{site}/wp-login.php")
    page.fill("#user_login", username)
    page.fill("#user_pass", DEMO_PASSWORD)
    try:
        with page.expect_navigation(url="**/wp-admin/**", wait_until="commit", timeout=20_000):
            page.click("#wp-submit")
    except Exception as exc:
        message = page.locator("#login_error").all_inner_texts()
        raise AssertionError(f"{username} was not logged in at {site}: now at {page.url}, {message}") from exc
