"""Debian's headless Chromium for the end-to-end tests (driven by Playwright, never `playwright install`).

The browser resolves no name but the loopback's: a wp-admin page links the outside world (the
admin bar's Gravatar images, emoji from s.w.org), and its ``load`` event waits for them, so a
slow or silent DNS server would stall a test for as long as it takes to give up.
"""

from __future__ import annotations

import re
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
    """WordPress's own login (wp-login.php, its test cookie first), posted with the page's browser
    context so the session cookies land there. The form is not typed into: on a loaded machine its
    scripts twice left the password field empty at submit ("The password field is empty"), a
    WordPress timing matter no test here is about. A refused login fails here, saying why."""
    request = page.context.request
    request.get(f"{site}/wp-login.php")
    response = request.post(
        f"{site}/wp-login.php",
        form={
            "log": username,
            "pwd": DEMO_PASSWORD,
            "wp-submit": "Log In",
            "redirect_to": f"{site}/wp-admin/",
            "testcookie": "1",
        },
        max_redirects=0,
        timeout=20_000,
    )
    location = response.headers.get("location", "")
    if response.status != 302 or "/wp-admin/" not in location:
        errors = re.findall(r'<div id="login_error">(.*?)</div>', response.text(), re.S)
        raise AssertionError(f"{username} was not logged in at {site}: {response.status} {location!r} {errors}")
