"""Real-browser tests: the app served on loopback from the suite's own database, driven by Debian's Chromium.

The server runs the session's `app` in a thread (werkzeug), so it sees exactly what a test commits; tables are
emptied after each test as for every other test. Each test gets its own browser contexts (one per user, no
shared cookies) and saves a full-page screenshot per step under SCREENSHOTS_DIR.
"""
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from tests import factories

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: Running as root without internet: no sandbox, no GPU, nothing fetched in the background.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
#: Playwright waits this long (ms) for an element or a navigation before failing the step.
TIMEOUT_MS = 15_000
_SHOTS = {"dir": None}


def screenshots_dir() -> Path:
    if _SHOTS["dir"] is None:
        configured = os.environ.get("SCREENSHOTS_DIR")
        path = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="registry-screenshots-"))
        path.mkdir(parents=True, exist_ok=True)
        _SHOTS["dir"] = path
    return _SHOTS["dir"]


def pytest_terminal_summary(terminalreporter):
    if _SHOTS["dir"] is not None:
        terminalreporter.write_line(f"Browser screenshots: {_SHOTS['dir']}")


@pytest.fixture(scope="session")
def live_server(app):
    """The test app on 127.0.0.1 on a free port, in a background thread; yields its base URL."""
    if app.config["SQLALCHEMY_DATABASE_URI"] in ("sqlite://", "sqlite:///:memory:"):
        pytest.fail("The browser tests need a database the server thread can open: use a file or PostgreSQL.")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> Browser:
    """Debian's Chromium, headless; Playwright gives the launch a fresh temporary profile directory.

    Per module, so Playwright's event loop is gone before the rest of the suite (which runs asyncio) goes on.
    """
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) or run scripts/test, "
                    "which installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Session:
    """One user's browser context: pages open at the live server; `shot` saves a numbered full-page screenshot."""

    def __init__(self, browser: Browser, base_url: str, shots: "Shots", viewport: dict, javascript: bool = True):
        self.context = browser.new_context(base_url=base_url, viewport=viewport, locale="ru-RU",
                                           timezone_id="Asia/Vladivostok", java_script_enabled=javascript)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page: Page = self.context.new_page()
        self.shots = shots

    def login(self, email: str, password: str = factories.PASSWORD) -> Page:
        page = self.page
        page.goto("/auth/login")
        page.get_by_label("Электронная почта").fill(email)
        page.get_by_label("Пароль").fill(password)
        page.get_by_role("button", name="Войти").click()
        expect(page.get_by_role("button", name="Выйти")).to_be_visible()
        return page

    def shot(self, name: str) -> None:
        self.shots.save(self.page, name)


class Shots:
    def __init__(self, test_name: str):
        self.folder = screenshots_dir() / re.sub(r"[^\w.-]+", "_", test_name)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0

    def save(self, page: Page, name: str) -> None:
        self.count += 1
        page.screenshot(path=self.folder / f"{self.count:02d}-{name}.png", full_page=True)


@pytest.fixture
def shots(request) -> Shots:
    return Shots(request.node.name)


@pytest.fixture
def session(chromium, live_server, shots):
    """session(user=None, viewport=DESKTOP, javascript=True) → a Session, logged in as `user` when one is given."""
    opened = []

    def _open(user=None, viewport=DESKTOP, javascript=True) -> Session:
        s = Session(chromium, live_server, shots, viewport, javascript)
        opened.append(s)
        if user is not None:
            s.login(user.email)
        return s

    yield _open
    for s in opened:
        s.context.close()
