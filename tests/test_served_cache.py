"""The real server answers cached pages before routing them (web/first_answers.py): the same
page and headers as the app would give, every write seen on the very next request, nothing
for a reader with cookies, and an access-log line with the client's address for each."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from .servers import Server, free_port, publish, register, text, wait_until_serving

PROXIED = {"X-Forwarded-For": "203.0.113.9"}


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    port, log = free_port(), tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOG_")}
    env.update(BLOG_LOG_LEVEL="INFO", BLOG_TRUSTED_PROXIES="127.0.0.1")
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "blog", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--data-dir", str(tmp_path / "data")], stdout=output, stderr=subprocess.STDOUT, text=True, env=env)
    served = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        await wait_until_serving(served)
        yield served
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
    assert "Traceback" not in log.read_text()


async def test_a_cached_page_comes_with_every_header_and_each_write_shows_at_once(server: Server):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as writer, \
            aiohttp.ClientSession() as reader:
        await register(writer, server.url, "alice")
        await publish(writer, server.url, "First words")
        async with reader.get(server.url + "/") as first:
            assert "First words" in await first.text()
        async with reader.get(server.url + "/") as kept:
            assert "First words" in await kept.text() and kept.headers["ETag"] == first.headers["ETag"]
            for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
                assert kept.headers[name] == first.headers[name], name
            assert kept.headers["Server"] == "blog" and kept.headers["Content-Type"].startswith("text/html")
            assert kept.headers["X-Request-Id"] != first.headers["X-Request-Id"]
        async with reader.head(server.url + "/") as head:
            assert head.status == 200 and head.headers["ETag"] == first.headers["ETag"] and not await head.read()
        async with reader.get(server.url + "/", headers={"If-None-Match": first.headers["ETag"]}) as unchanged:
            assert unchanged.status == 304 and unchanged.headers["Content-Security-Policy"]

        await publish(writer, server.url, "Second words")
        assert "Second words" in await text(reader, server.url + "/")  # the very next request
        mine = await text(writer, server.url + "/")  # a reader with cookies: their own page
        assert 'data-testid="nav-username">alice</a>' in mine and "Second words" in mine
        assert "nav-username" not in await text(reader, server.url + "/")


async def test_each_answer_from_memory_has_its_access_log_line_with_the_clients_address(server: Server):
    ids = []
    async with aiohttp.ClientSession() as reader:
        for _ in range(3):  # made, then answered from memory
            async with reader.get(server.url + "/", headers=PROXIED) as response:
                assert response.status == 200
                ids.append(response.headers["X-Request-Id"])
    server.process.terminate()
    server.process.wait(timeout=30)
    log = server.log.read_text()
    for request_id in ids:
        line = next(line for line in log.splitlines() if request_id in line)
        assert "203.0.113.9 " in line and '"GET / HTTP/1.1" 200' in line
