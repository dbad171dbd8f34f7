"""Browser journeys: a real `workforce serve` with the demo data, driven by Playwright in Debian's Chromium.

- ``live_server``: one server per run (fresh SQLite file, or a database of its own on PostgreSQL), migrated and
  loaded with ``workforce seed demo``.
- ``page``: a new browser context per test (no shared cookies). It records every document the tab loads and
  fails the test if a page was not checked with axe (``journey.check()``), if a script throws, if the browser
  reports a Content-Security-Policy violation, or if any asset or htmx request fails.
- ``journey``: the helpers a test drives the app with (sign in, visit, check, download).
- A failing test leaves a full-page screenshot and the page's HTML under test-results/browser/ and prints the
  paths in the failure report.

Chromium comes from Debian (system-packages.txt); Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from a11y import assert_accessible
from browser.live_server import DEMO_PASSWORD, LiveServer, dispose_server, make_server
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from workforce.seeding.demo import DEMO_PASSWORD as SEEDED_PASSWORD
from workforce.web.page_check import page_problems

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results" / "browser"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
ACTION_TIMEOUT_MS = 15_000
NAVIGATION_TIMEOUT_MS = 60_000  # a certificate's first render or a national scenario can take a few seconds

assert DEMO_PASSWORD == SEEDED_PASSWORD, "live_server.DEMO_PASSWORD is out of date"


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


# ---------------------------------------------------------------------------------------- server and browser


@pytest.fixture(scope="session")
def live_server():
    server = make_server("e2e")
    try:
        server.prepare(demo=True)
        server.start()
        yield server
    finally:
        dispose_server(server)


@pytest.fixture(scope="session")
def chromium() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (make system-packages)", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.IGNORECASE | re.DOTALL)


def _without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(fragment=""))


class Journey:
    """What a test drives the app with; keeps the record of pages seen and pages checked.

    With JavaScript off, axe cannot run in the tab itself: the page's HTML as served (scripts removed, which
    changes nothing when they could not run anyway) is shown at the same address, with the same CSS and CSP, in a
    tab with JavaScript on, and checked there.
    """

    def __init__(
        self, page: Page, server: LiveServer, *, javascript: bool = True, helper: Page | None = None
    ) -> None:
        self.page = page
        self.server = server
        self.javascript = javascript
        self.helper = helper
        self.visited: list[str] = []
        self.checked: set[str] = set()
        self.problems: list[str] = []
        page.on("framenavigated", self._navigated)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("response", self._response)
        page.on("requestfailed", self._request_failed)

    # -- recording
    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame and frame.url.startswith(self.server.base_url):
            self.visited.append(_without_fragment(frame.url))

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.problems.append(f"CSP violation: {text}")
        elif message.type == "error" and not text.startswith("Failed to load resource"):
            # Failed loads are judged from the responses themselves (a 422 form page is not a failure).
            self.problems.append(f"console error: {text}")

    def _response(self, response) -> None:
        request = response.request
        if request.resource_type != "document" and response.status >= 400:
            self.problems.append(
                f"{request.resource_type} {request.method} {response.url} -> {response.status}"
            )

    def _request_failed(self, request) -> None:
        failure = request.failure or ""
        if request.resource_type != "document" and "ERR_ABORTED" not in failure:
            self.problems.append(f"{request.resource_type} {request.url} failed: {failure}")

    # -- driving
    def url(self, path: str) -> str:
        return self.server.url(path)

    def goto(self, path: str, *, expect_status: int | None = 200) -> None:
        """Open a page of the app, check its status, then check the page (structure and axe)."""
        response = self.page.goto(self.url(path))
        assert response is not None, f"no response for {path}"
        if expect_status is not None:
            assert response.status == expect_status, (
                f"GET {path} -> {response.status}, expected {expect_status}"
            )
        self.check()

    def check(self) -> None:
        """Check the page as it is now: the page rules every page follows, and axe (WCAG 2.2 AA)."""
        self.page.wait_for_load_state("load")
        html = self.page.content()
        problems = page_problems(html)
        assert not problems, f"page problems on {self.page.url}: {problems}"
        assert_accessible(self.page if self.javascript else self._as_served(html))
        self.checked.add(_without_fragment(self.page.url))

    def _as_served(self, html: str) -> Page:
        """The no-JavaScript page, shown for axe in the helper tab (JavaScript on there, for axe only)."""
        assert self.helper is not None, "a no-JavaScript journey needs a helper tab"
        url = self.page.url
        csp = self.server_csp()
        body = _SCRIPT.sub("", html)
        self.helper.unroute("**/*")
        self.helper.route(
            lambda address: address == url,
            lambda route: route.fulfill(
                status=200, body=body, headers={"Content-Type": "text/html", "Content-Security-Policy": csp}
            ),
        )
        self.helper.goto(url)
        self.helper.wait_for_load_state("load")
        return self.helper

    def server_csp(self) -> str:
        if not hasattr(self, "_csp"):
            import urllib.request

            with urllib.request.urlopen(self.url("/healthz")) as response:
                self._csp = response.headers["Content-Security-Policy"]
        return self._csp

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> None:
        self.goto("/sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state("load")
        assert "/sign-in" not in self.page.url, f"sign-in as {email} failed: {self.page.url}"
        self.check()

    def download(self, click) -> tuple[str, bytes]:
        """Run ``click()`` (which should start a download) and return the suggested file name and the bytes."""
        with self.page.expect_download() as info:
            click()
        download = info.value
        path = download.path()
        assert path is not None, f"download failed: {download.failure()}"
        return download.suggested_filename, Path(path).read_bytes()

    def unchecked_pages(self) -> list[str]:
        return [url for url in dict.fromkeys(self.visited) if url not in self.checked]


@pytest.fixture
def javascript() -> bool:
    """Whether the tab runs JavaScript (a test module may parametrise this fixture to try both)."""
    return True


def _context(chromium: Browser, server: LiveServer, *, javascript: bool = True):
    context = chromium.new_context(
        base_url=server.base_url, accept_downloads=True, locale="en-GB", java_script_enabled=javascript
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    return context


@pytest.fixture
def page(chromium: Browser, live_server: LiveServer, javascript: bool):
    context = _context(chromium, live_server, javascript=javascript)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def journey(page: Page, live_server: LiveServer, chromium: Browser, javascript: bool):
    helper_context = None if javascript else _context(chromium, live_server)
    helper = helper_context.new_page() if helper_context else None
    trip = Journey(page, live_server, javascript=javascript, helper=helper)
    yield trip
    if helper_context is not None:
        helper_context.close()
    # Every page the tab showed was checked, and nothing went wrong in the browser on the way.
    assert not trip.problems, "problems in the browser:\n" + "\n".join(trip.problems)
    unchecked = trip.unchecked_pages()
    assert not unchecked, f"pages shown but never checked with axe: {unchecked}"


# ---------------------------------------------------------------------------------------- screenshots on failure


def _safe_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")[:180]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    tab = item.funcargs.get("page")
    if tab is None or tab.is_closed():
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / _safe_name(item.nodeid)
    try:
        tab.screenshot(path=str(stem) + ".png", full_page=True)
        Path(str(stem) + ".html").write_text(tab.content(), encoding="utf-8")
    except PlaywrightError as exc:
        report.sections.append(("screenshot", f"could not save a screenshot: {exc}"))
        return
    message = f"screenshot: {stem}.png\npage HTML: {stem}.html\npage URL: {tab.url}"
    report.sections.append(("screenshot", message))
    item.user_properties.append(("screenshot", f"{stem}.png"))
