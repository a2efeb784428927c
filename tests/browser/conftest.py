"""A real browser for the end-to-end tests: Debian's Chromium driven by Playwright, headless.

Playwright never downloads a browser here (`playwright install` is not used): it launches the
system's /usr/bin/chromium. Without it the browser tests are skipped, and an error when
SHOP_REQUIRE_SERVICES=1 (CI installs the package, so a missing browser there is a broken setup).
"""

import os
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A step that does not happen within this time fails the test instead of waiting 30 s.
STEP_TIMEOUT_MS = 10_000


@pytest.fixture
def browser(monkeypatch):
    if not CHROMIUM.exists():
        if os.environ.get("SHOP_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (see .ci/run)")
        pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running on this thread, so Django would refuse
    # the test's own ORM calls as "async"; they are plain synchronous calls between browser steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
        # Django keeps its connections in context variables, and inside this block the test runs in
        # Playwright's context: a connection opened here is invisible to the test database's
        # teardown afterwards and would keep the database "in use" (DROP DATABASE fails).
        connections.close_all()


@pytest.fixture
def new_page(browser):
    """Opens a page in a fresh context (its own cookies), e.g. one for the shopper, one for staff."""

    def open_page():
        context = browser.new_context(locale="en-US", viewport={"width": 1200, "height": 900})
        context.set_default_timeout(STEP_TIMEOUT_MS)
        return context.new_page()

    return open_page
