"""Browser tests: a live ASGI server (uvicorn in a thread, HTTP + /ws + Socket.IO) and Debian's
Chromium driven by Playwright for Python. Registered as a pytest plugin in the root conftest.py.

Fixtures (see docs/browser-tests.md):
  live_server_url  base URL of the running application (session-scoped server, its own port)
  browser          Chromium (module-scoped); the test is skipped, visibly, when it cannot start
  page             a fresh browser context and page per test, its base URL set to the live server;
                   the test fails if the page logged a Content-Security-Policy violation or an
                   uncaught script error
  sign_in          sign_in(page, user) → the page carries that user's session (no form round trip)
  open_as          open_as(page, user, path) → the page, signed in as `user`, showing `path` (which must
                   answer 200, or `status=` for a refusal)
  axe              axe(page) → axe-core's violations with impact serious or critical
  screenshot       screenshot(page, "name") → var/screenshots/<name>.png

Browser tests need a transactional database (the server runs in another thread):
    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
]
AXE_JS = Path(settings.BASE_DIR) / "tests" / "node" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: runs in headless Chromium against a live server")


# -- the live server -----------------------------------------------------------------------------------
class LiveServer:
    """uvicorn serving `cad.asgi.application` on a free port, in a thread with its own event loop."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.server = None
        self.thread: threading.Thread | None = None
        self.url = ""
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def start(self) -> None:
        import uvicorn

        from cad.realtime.asgi import build_application

        # Static files straight from the apps' folders (no collectstatic before tests); read when the
        # middleware is built, so set before the application is.
        settings.WHITENOISE_USE_FINDERS = True
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        config = uvicorn.Config(build_application(), host="127.0.0.1", port=port, lifespan="off",
                                log_level="warning", ws="websockets-sansio", ws_per_message_deflate=False)
        self.server = uvicorn.Server(config)
        self.url = f"http://127.0.0.1:{port}"

        def run() -> None:
            self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
            try:
                self.loop.run_until_complete(self._serve())
            except BaseException as exc:  # reported to the fixture, which fails the test
                self._error = exc
                self._ready.set()

        self.thread = threading.Thread(target=run, name="live-asgi-server", daemon=True)
        self.thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise RuntimeError(f"the live server did not start: {self._error!r}")

    async def _serve(self) -> None:
        task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        self._ready.set()
        await task

    def call(self, coroutine_function, *args, timeout: float = 10):
        """Run `await coroutine_function(*args)` on the server's event loop and return its result."""
        future = asyncio.run_coroutine_threadsafe(coroutine_function(*args), self.loop)
        return future.result(timeout)

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(10)


@pytest.fixture(scope="session")
def _live_server():
    server = LiveServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live_server_url(_live_server, transactional_db):
    """The live server's base URL. Events a test publishes from its own thread (a service called
    directly) are handed to the server's event loop, as a request thread of the server would."""
    from cad import events

    original = getattr(events, "_server_loop", None)
    if original is not None:
        def server_loop():
            return original() if threading.current_thread() is _live_server.thread else _live_server.loop

        events._server_loop = server_loop
    yield _live_server.url
    if original is not None:
        events._server_loop = original


@pytest.fixture
def live_server_asgi(_live_server, live_server_url) -> LiveServer:
    """The server object itself (`.url`, `.loop`, `.call(coro_fn, *args)`)."""
    return _live_server


# -- the browser ---------------------------------------------------------------------------------------
def _browser_unavailable() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM=...)"
    return None


@pytest.fixture(scope="module")
def _playwright():
    """Module-scoped on purpose: Playwright's sync API keeps an event loop marked as running on this
    thread while it is started, which async tests (pytest-asyncio) and Django's async-safety guard
    would trip over. It stops at the end of each browser-test module; keep async tests elsewhere."""
    reason = _browser_unavailable()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # The test's own ORM calls are synchronous code on this thread, not async code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright()
    playwright = manager.start()
    yield playwright
    manager.__exit__(None, None, None)
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(_playwright):
    try:
        browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:
        pytest.skip(f"browser tests skipped: Chromium would not start ({exc})")
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser, live_server_url, request):
    """new_page() → another page in its own context (a second dispatcher's browser)."""
    opened = []

    def make(**context_options):
        context = browser.new_context(base_url=live_server_url, viewport={"width": 1600, "height": 950},
                                      **context_options)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.problems = []

        def on_console(message):
            text = message.text
            if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
                page.problems.append(f"CSP: {text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
        opened.append((context, page))
        return page

    yield make
    problems = []
    for context, page in opened:
        problems.extend(page.problems)
        with contextlib.suppress(Exception):
            context.close()
    if problems and not getattr(request.node, "_browser_failed", False):
        pytest.fail("the page reported problems:\n" + "\n".join(problems))


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        item._browser_failed = True  # the test's own failure is the message; skip the teardown check


@pytest.fixture
def sign_in(live_server_url):
    """sign_in(page, user): put a session for `user` in the page's browser context."""
    from django.test import Client

    def do(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value,
                                   "url": live_server_url}])
        return page

    return do


@pytest.fixture
def open_as(sign_in):
    """open_as(page, user, path, status=200): sign `page` in as `user` and open `path`, which must answer
    `status` (after redirects); returns the page."""

    def do(page, user, path: str, *, status: int = 200):
        sign_in(page, user)
        response = page.goto(path)
        assert response is not None, f"{path}: no response"
        assert response.status == status, f"{path} answered {response.status}, not {status}"
        return page

    return do


@pytest.fixture(scope="session")
def _axe_source() -> str | None:
    return AXE_JS.read_text() if AXE_JS.exists() else None


@pytest.fixture
def axe(_axe_source):
    """axe(page) → serious and critical violations as [{id, impact, help, nodes: [selector...]}].

    axe-core is evaluated through the DevTools protocol (not a <script> tag), so the page's CSP
    stays exactly as served."""
    if _axe_source is None:
        pytest.skip("axe-core is missing: run `make node-deps` (npm) to check accessibility")

    def run(page, *, include: str | None = None) -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(_axe_source + "\n;undefined")
        context = json.dumps(include) if include else "document"
        result = page.evaluate(
            f"async () => (await axe.run({context}, {{resultTypes: ['violations']}})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"
        )
        return result

    return run


@pytest.fixture
def screenshot():
    """screenshot(page, name) saves var/screenshots/<name>.png (git-ignored) and returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, **options) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), **options)
        return path

    return take


def pytest_terminal_summary(terminalreporter):
    """Say it out loud when browser tests did not run (a skip is easy to miss in -q output)."""
    reasons = {str(report.longrepr[-1]) for report in terminalreporter.stats.get("skipped", [])
               if isinstance(report.longrepr, tuple) and "browser tests skipped" in str(report.longrepr[-1])
               or isinstance(report.longrepr, tuple) and "axe-core is missing" in str(report.longrepr[-1])}
    for reason in sorted(reasons):
        terminalreporter.write_line(f"NOTE: {reason.removeprefix('Skipped: ')}", yellow=True, bold=True)
