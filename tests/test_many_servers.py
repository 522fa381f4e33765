"""Several app servers on one PostgreSQL database, as behind a load balancer: two real
`python -m blog serve` processes with data folders of their own, one browser-like client
(its cookies, like a browser's, do not depend on the port)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from aiohttp import WSMsgType

from .conftest import STRONG_PASSWORD
from .test_cli import free_port

pytestmark = pytest.mark.postgresql_only("several servers share a PostgreSQL database")
START_TIMEOUT = 30.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    log: Path


def _start(database_url: str, data_dir: Path, log: Path) -> Server:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOG_")}
    env["BLOG_LOG_LEVEL"] = "WARNING"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "blog", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--data-dir", str(data_dir), "--database-url", database_url],
            stdout=output, stderr=subprocess.STDOUT, text=True, env=env)
    return Server(f"http://127.0.0.1:{port}", process, log)


async def _wait_until_serving(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(server.url + "/") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if server.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the server did not start:\n{server.log.read_text()}")
            await asyncio.sleep(0.05)  # polling the port while it starts, not timing the test


@pytest.fixture
def start_server(database_url: str, tmp_path: Path) -> Iterator[Callable[[], Awaitable[Server]]]:
    servers: list[Server] = []

    async def start() -> Server:
        index = len(servers)
        server = _start(database_url, tmp_path / f"server{index}", tmp_path / f"server{index}.log")
        servers.append(server)
        await _wait_until_serving(server)
        return server

    yield start
    for server in servers:
        if server.process.poll() is None:
            server.process.terminate()
            server.process.wait(timeout=15)
    for server in servers:
        output = server.log.read_text()
        assert "Traceback" not in output, output


@pytest.fixture
async def browser() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


async def _form(browser: aiohttp.ClientSession, form_page: str, action: str, data: dict[str, str]) -> aiohttp.ClientResponse:
    async with browser.get(form_page) as page:
        token = CSRF.search(await page.text())
    assert token, form_page
    return await browser.post(action, data={**data, "csrf_token": token.group(1)}, allow_redirects=False)


async def _register(browser: aiohttp.ClientSession, server: Server, name: str) -> None:
    response = await _form(browser, server.url + "/register", server.url + "/register",
                           {"username": name, "email": f"{name}@example.com", "password": STRONG_PASSWORD})
    assert response.status == 303, await response.text()


async def _publish(browser: aiohttp.ClientSession, server: Server, title: str) -> str:
    response = await _form(browser, server.url + "/posts/new", server.url + "/posts/new",
                           {"title": title, "body": "Words.", "summary": "", "tags": "", "status": "published"})
    assert response.status == 303, await response.text()
    return response.headers["Location"]


async def _text(browser: aiohttp.ClientSession, url: str) -> str:
    async with browser.get(url) as response:
        return await response.text()


async def _next_comment(ws: aiohttp.ClientWebSocketResponse, timeout: float) -> dict[str, object]:
    while True:
        message = await asyncio.wait_for(ws.receive(), timeout)
        assert message.type == WSMsgType.TEXT, message
        event = json.loads(message.data)
        if event["kind"] == "comment_added":
            return event  # type: ignore[no-any-return]


async def test_sessions_csrf_edits_live_comments_and_logout_cross_servers(start_server, browser):
    first, second = await start_server(), await start_server()
    await _register(browser, first, "alice")
    assert "alice" in await _text(browser, second.url + "/account")  # one session, every server

    await _text(browser, second.url + "/")  # the second server's home page, remembered there
    post = await _publish(browser, first, "Written through the first server")
    assert "Written through the first server" in await _text(browser, second.url + "/")

    # A form loaded from one server is accepted by the other.
    response = await _form(browser, second.url + post, first.url + post + "/comments", {"body": "From the form"})
    assert response.status == 303

    async with aiohttp.ClientSession() as reader, reader.ws_connect(second.url + post + "/live") as ws:
        await _form(browser, first.url + post, first.url + post + "/comments", {"body": "Live across servers"})
        event = await _next_comment(ws, timeout=1.0)
    assert "Live across servers" in str(event["body_html"])

    response = await _form(browser, first.url + "/logout", first.url + "/logout", {})
    assert response.status == 303
    async with browser.get(second.url + "/account", allow_redirects=False) as account:
        assert account.status == 303 and "/login" in account.headers["Location"]


async def test_servers_survive_a_restarted_database_connection(start_server, browser, database_url):
    first, second = await start_server(), await start_server()
    await _register(browser, first, "alice")
    await _text(browser, second.url + "/")
    admin = await asyncpg.connect(database_url)
    try:  # every connection of both servers is cut, as when PostgreSQL restarts
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE datname = current_database() AND pid <> pg_backend_pid()")
    finally:
        await admin.close()
    post = await _publish(browser, first, "After the restart")
    for _ in range(100):  # the listener reconnects within a second or so, and empties the caches
        if "After the restart" in await _text(browser, second.url + "/"):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the second server never saw the new post")
    assert "After the restart" in await _text(browser, second.url + post)


async def test_killing_one_server_under_write_load_loses_no_acknowledged_write(start_server, browser):
    first, second = await start_server(), await start_server()
    await _register(browser, first, "alice")
    post = await _publish(browser, first, "Under load")
    async with browser.get(first.url + post) as page:
        token = CSRF.search(await page.text())
    assert token
    acknowledged: list[str] = []

    async def write(number: int) -> None:
        body = f"comment number {number}"
        try:
            async with browser.post(first.url + post + "/comments", allow_redirects=False,
                                    data={"body": body, "csrf_token": token.group(1)}) as response:
                if response.status == 303:
                    acknowledged.append(body)
        except aiohttp.ClientError:
            pass  # the server died under this request: not acknowledged

    writers = [asyncio.create_task(write(number)) for number in range(200)]
    while len(acknowledged) < 20:
        await asyncio.sleep(0.01)
    first.process.send_signal(signal.SIGKILL)
    await asyncio.gather(*writers)
    first.process.wait(timeout=10)
    page = await _text(browser, second.url + post)
    missing = [body for body in acknowledged if body not in page]
    assert not missing and len(acknowledged) >= 20
    async with browser.get(second.url + "/") as home:
        assert home.status == 200
