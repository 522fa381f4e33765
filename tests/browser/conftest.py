"""Browser journeys: the real server in a subprocess, driven by Debian's Chromium.

Playwright's async API is driven from our own pytest-asyncio fixtures, not
pytest-playwright, whose synchronous fixtures break the asyncio tests that run
after them (GUIDE.md, section 5).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, async_playwright, expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT = 20.0
SERVER_STOP_TIMEOUT = 10.0
STRONG_PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _require_chromium() -> None:
    # A fixture rather than a module-level skip: `pytest tests/browser` loads this
    # conftest before collection, where a module-level skip is an internal error.
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")


# The server -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env() -> dict[str, str]:
    # No BLOG_* from the developer's shell: the server makes its own secret key in
    # its data dir and uses the defaults (registration open, and so on).
    env = {name: value for name, value in os.environ.items() if not name.startswith("BLOG_")}
    env["BLOG_LOG_LEVEL"] = "WARNING"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the app is serving
    except OSError:
        return False


@pytest.fixture
def server_env() -> dict[str, str]:
    """BLOG_* settings for a test's server; a test module overrides this fixture to set its own."""
    return {}


@pytest.fixture
def seed_demo(tmp_path: Path, database_url: str) -> Callable[[int], None]:
    """Writes demo posts into the live server's blog (its data folder or database) with the
    real `seed-demo` command."""
    def seed(posts: int) -> None:
        env = {**_server_env(), **({"BLOG_DATABASE_URL": database_url} if database_url else {})}
        subprocess.run([sys.executable, "-m", "blog", "seed-demo", "--posts", str(posts),
                        "--data-dir", str(tmp_path / "data")],
                       cwd=PROJECT_ROOT, env=env, check=True, capture_output=True, timeout=120)
    return seed


@pytest.fixture
def live_server(tmp_path: Path, server_env: dict[str, str], database_url: str) -> Iterator[str]:
    """The real `python -m blog serve` on a free port of 127.0.0.1, on a fresh database of the
    engine under test; yields its base URL."""
    if database_url:
        server_env = {"BLOG_DATABASE_URL": database_url, **server_env}
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "server.log"
    command = [
        sys.executable, "-m", "blog", "serve",
        "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(tmp_path / "data"),
    ]
    # Output goes to a file, not a pipe: a pipe nobody reads can fill and stall the server.
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env={**_server_env(), **server_env}, stdin=subprocess.DEVNULL,
            stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _answers(base_url + "/"):
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within {SERVER_START_TIMEOUT:.0f} s:\n{log_path.read_text()}")
            time.sleep(0.05)  # polling the port during setup, not timing a test
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=SERVER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    server_log = log_path.read_text()
    if "Traceback" in server_log or " ERROR " in server_log:
        pytest.fail(f"the server logged an error during the test:\n{server_log}")


# The browser ----------------------------------------------------------------------


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
async def new_page(browser: Browser) -> AsyncIterator[Callable[..., Awaitable[Page]]]:
    """Makes a page in a fresh context (its own cookies); keyword arguments go to new_context."""
    contexts = []

    async def make(**context_options: Any) -> Page:
        context = await browser.new_context(**context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return await context.new_page()

    try:
        yield make
    finally:
        for context in contexts:
            await context.close()


@pytest.fixture
async def page(new_page: Callable[..., Awaitable[Page]]) -> Page:
    return await new_page(viewport={"width": 1280, "height": 800})


async def screenshot(page: Page, name: str, *, check_accessibility: bool = True) -> Path:
    """Saves the whole page to tests/browser/screenshots/NAME.png (git-ignored) for a human to
    look at, after checking that axe-core finds nothing wrong with it: every page a journey
    looks at is checked, so the count stays at zero."""
    if check_accessibility:
        await assert_accessible(page, name)
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


# axe-core's own script, shipped inside the axe-playwright-python package (a test dependency):
# injected into the page under test by Playwright, never fetched from the network.
AXE = Axe()


async def assert_accessible(page: Page, what: str) -> None:
    """No axe-core violations on the page as it is now (in whatever colour scheme it is shown)."""
    results = await AXE.run(page)
    assert results.violations_count == 0, f"{what} ({page.url}): {results.generate_report()}"


# Journeys shared by the tests ----------------------------------------------------------


async def register(page: Page, base_url: str, username: str, email: str, password: str = STRONG_PASSWORD) -> None:
    """Fills in and sends the registration form; the new user ends up logged in."""
    await page.goto(base_url + "/register")
    await page.get_by_label("Username", exact=True).fill(username)
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Register").click()
    await expect(page.get_by_test_id("nav-username")).to_have_text(username)


async def log_in(page: Page, username: str, password: str = STRONG_PASSWORD) -> None:
    """Fills in and sends the login form already on the page."""
    form = page.locator("main form")
    await form.get_by_label("Username or email").fill(username)
    await form.get_by_label("Password").fill(password)
    await form.get_by_role("button", name="Log in").click()


async def live_connected(page: Page) -> None:
    """Waits until a published post's page has opened its live socket, so that leaving it
    next does not drop the socket mid-handshake (which the server logs as an error)."""
    await expect(page.locator("#presence")).to_have_text(re.compile(r"\d+ reading now"))


async def log_out(page: Page) -> None:
    """Uses the nav's Log out button (a POST form)."""
    await page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()
    await expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")).to_be_visible()
