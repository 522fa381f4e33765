"""Real `python -m blog serve` processes on one database, and a browser-like client whose
cookies, like a browser's, do not depend on the port (for tests of several servers)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import WSMsgType

STRONG_PASSWORD = "correct horse battery staple"  # as in conftest.py, which imports this module
START_TIMEOUT = 30.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    log: Path


def start(database_url: str, data_dir: Path, log: Path, *, log_level: str = "WARNING",
          workers: int = 1) -> Server:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOG_")}
    env["BLOG_LOG_LEVEL"] = log_level
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "blog", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--data-dir", str(data_dir), "--database-url", database_url, "--workers", str(workers)],
            stdout=output, stderr=subprocess.STDOUT, text=True, env=env)
    return Server(f"http://127.0.0.1:{port}", process, log)


async def wait_until_serving(server: Server) -> None:
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


async def form(browser: aiohttp.ClientSession, form_page: str, action: str, data: dict[str, str]) -> aiohttp.ClientResponse:
    async with browser.get(form_page) as page:
        token = CSRF.search(await page.text())
    assert token, form_page
    return await browser.post(action, data={**data, "csrf_token": token.group(1)}, allow_redirects=False)


async def register(browser: aiohttp.ClientSession, base: str, name: str) -> None:
    response = await form(browser, base + "/register", base + "/register",
                           {"username": name, "email": f"{name}@example.com", "password": STRONG_PASSWORD})
    assert response.status == 303, await response.text()


async def publish(browser: aiohttp.ClientSession, base: str, title: str) -> str:
    response = await form(browser, base + "/posts/new", base + "/posts/new",
                           {"title": title, "body": "Words.", "summary": "", "tags": "", "status": "published"})
    assert response.status == 303, await response.text()
    return response.headers["Location"]


async def text(browser: aiohttp.ClientSession, url: str) -> str:
    async with browser.get(url) as response:
        return await response.text()


async def next_comment(ws: aiohttp.ClientWebSocketResponse, timeout: float) -> dict[str, object]:
    while True:
        message = await asyncio.wait_for(ws.receive(), timeout)
        assert message.type == WSMsgType.TEXT, message
        event = json.loads(message.data)
        if event["kind"] == "comment_added":
            return event  # type: ignore[no-any-return]
