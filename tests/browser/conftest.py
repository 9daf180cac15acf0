# SPDX-License-Identifier: AGPL-3.0-or-later
"""Playwright on Debian's Chromium (never a downloaded browser), against pytest-django's live server."""

import os
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Generous: CI shares two cores between the browser, the live server and the other test worker.
TIMEOUT_MS = 30_000
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (see .ci/run)")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium) — browser tests skipped")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


def watch_csp(context):  # type: ignore[no-untyped-def]
    """The Content-Security-Policy violations the browser reports in `context` (it is enforced in the tests)."""
    violations: list[str] = []
    context.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return violations


@pytest.fixture(autouse=True)
def _requests_done_before_flush(request):  # type: ignore[no-untyped-def]
    """Teardown waits for the live server's requests still running (an iframe reloaded on the test's last step,
    an htmx poll) before the database is flushed: on SQLite in memory they share its connection, and a read still
    stepping makes the flush fail with « database table is locked »."""
    yield
    if "live_server" not in request.fixturenames:
        return
    httpd = getattr(request.getfixturevalue("live_server").thread, "httpd", None)
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    quiet_since = None  # a connection the closed browser left in the backlog is accepted within milliseconds
    while time.monotonic() < deadline:
        running = [t for t in list(getattr(httpd, "_threads", None) or []) if t.is_alive()]
        for thread in running:
            thread.join(timeout=max(deadline - time.monotonic(), 0))
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 0.2:
            return
        time.sleep(0.05)


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    violations = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()
    assert not violations, violations


@pytest.fixture
def phone(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    violations = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()
    assert not violations, violations


@pytest.fixture
def new_context(browser, live_server):  # type: ignore[no-untyped-def]
    """Another browser (a client, a trainee…), closed at teardown even when the test fails."""
    contexts = []

    def _new(**options):  # type: ignore[no-untyped-def]
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "fr-FR")
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append((context, watch_csp(context)))
        return context

    yield _new
    for context, _violations in contexts:
        context.close()
    found = [text for _context, violations in contexts for text in violations]
    assert not found, found
