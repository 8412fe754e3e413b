"""Browser tests: Playwright driving Debian's chromium against a live server (tests/browser/stack.py).

They skip, with the reason, where chromium or Playwright is missing; with REQUIRE_SERVICES=1
(CI) a missing browser is an error. Screenshots are kept in test-artifacts/ (ARTIFACTS_DIR)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .stack import ROOT, LiveStack

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR") or ROOT / "test-artifacts")
# As root in a sandbox with no network beyond the registries: no sandbox, no GPU, and none of
# chromium's own background connections (they would be refused, many at a time).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
PASSWORD = "tradefloor-demo"  # load_demo's
EXPECT_TIMEOUT_MS = 30_000  # what may take long (the auction's own clock) says so where it waits


def _missing(reason: str):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


# Package scope: Playwright's sync API keeps an event loop in this thread while it is open, so
# it must be closed before the rest of the suite (asyncio.run, async tests) goes on.
@pytest.fixture(scope="package")
def playwright_browser():
    if not Path(CHROMIUM).exists():
        _missing(f"needs chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _missing("needs the playwright package (pip install -e '.[dev]')")
    # An expectation is checked again and again until it holds, so a long limit costs nothing
    # when it does; Playwright's 5 s was too short for a loaded machine (an award's answer came
    # later than the socket's "Awarded").
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def stack(playwright_browser, tmp_path_factory):
    """The live server with the demo loaded, one per test module; its English lot goes live
    15 s after loading."""
    live = LiveStack(tmp_path_factory.mktemp("stack"), live_in=15, duration=45)
    try:
        live.start()
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="package")
def quiet_stack(playwright_browser, tmp_path_factory):
    """One live server for the modules whose tests do not watch the demo auction (its lot an
    hour away): the CRM's, the logistics' and the catalogue's pages. Each module works on its
    own demo people and records, so they share it instead of starting one each (~15 s)."""
    live = LiveStack(tmp_path_factory.mktemp("quiet"), live_in=3600, duration=600)
    try:
        live.start()
        yield live
    finally:
        live.stop()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def new_page(playwright_browser, stack):
    """Pages in fresh browser contexts (one person each); each page's console errors and CSP
    violations are collected in ``page.problems``."""
    contexts = []

    def make(*, email: str | None = None, language: str | None = None, width: int = 1280):
        context = playwright_browser.new_context(
            viewport={"width": width, "height": 900},
            locale={"uk": "uk-UA", "ru": "ru-RU"}.get(language or "", "en-GB"),
            accept_downloads=True,
        )
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on(
            "console",
            lambda m: m.type == "error" and page.problems.append(m.text),
        )
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        page.set_default_timeout(EXPECT_TIMEOUT_MS)
        if email:
            log_in(page, stack, email)
        return page

    yield make
    for context in contexts:
        context.close()


def log_in(page, stack, email: str) -> None:
    page.goto(f"{stack.base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
