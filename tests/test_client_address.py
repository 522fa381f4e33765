"""The client's address behind a proxy: X-Forwarded-For and Forwarded count only when the
connection comes from BLOG_TRUSTED_PROXIES; the session list, the throttle and the access
log all see that address."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import urllib.request

import pytest
from aiohttp import ClientSession, CookieJar

from blog.config import Config, ConfigError

from .conftest import login, register
from .test_cli import free_port


async def session_addresses(browser) -> list[str]:  # type: ignore[no-untyped-def]
    """The addresses in the account page's session list."""
    import re
    page = await (await browser.get("/account")).text()
    return re.findall(r"<td>([0-9a-f.:]+)</td>", page)


@pytest.fixture
async def behind_proxy(make_client, config):  # type: ignore[no-untyped-def]
    """The blog behind proxies at 127.0.0.1 (the test client's address) and in 10.0.0.0/8."""
    return await make_client(dataclasses.replace(config, trusted_proxies="127.0.0.1, 10.0.0.0/8"))


@pytest.mark.parametrize("headers, seen", [
    ({"X-Forwarded-For": "203.0.113.5"}, "203.0.113.5"),
    ({"X-Forwarded-For": "198.51.100.7, 10.1.2.3"}, "198.51.100.7"),  # through two trusted proxies
    ({"X-Forwarded-For": "6.6.6.6, 203.0.113.5"}, "203.0.113.5"),  # what the client wrote itself is not believed
    ({"X-Forwarded-For": "garbage, 203.0.113.5"}, "203.0.113.5"),
    ({"X-Forwarded-For": "10.0.0.9"}, "10.0.0.9"),  # nothing but proxies: the farthest
    ({"Forwarded": 'for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"'}, "2001:db8::1"),
    ({"Forwarded": "for=192.0.2.60"}, "192.0.2.60"),
    ({"Forwarded": "for=unknown"}, "127.0.0.1"),
    ({}, "127.0.0.1"),
])
async def test_a_trusted_proxy_names_the_client(behind_proxy, headers, seen):
    await register(behind_proxy, "alice")
    await login(behind_proxy, headers=headers)
    assert seen in await session_addresses(behind_proxy)


async def test_without_trusted_proxies_the_headers_are_ignored(client):
    await register(client, "alice")
    await login(client, headers={"X-Forwarded-For": "203.0.113.5", "Forwarded": "for=192.0.2.60"})
    assert set(await session_addresses(client)) == {"127.0.0.1"}


async def test_a_connection_not_from_a_proxy_cannot_pick_its_address(make_client, config):
    client = await make_client(dataclasses.replace(config, trusted_proxies="10.0.0.0/8"))
    await register(client, "alice")
    await login(client, headers={"X-Forwarded-For": "203.0.113.5"})
    assert set(await session_addresses(client)) == {"127.0.0.1"}


@pytest.fixture
async def browser_behind_proxy(behind_proxy):  # type: ignore[no-untyped-def]
    """Further browsers (own cookie jars) on the proxied blog."""
    sessions: list[ClientSession] = []

    def make() -> ClientSession:
        sessions.append(ClientSession(base_url=str(behind_proxy.make_url("/")), cookie_jar=CookieJar(unsafe=True)))
        return sessions[-1]

    yield make
    for session in sessions:
        await session.close()


async def test_the_throttle_counts_each_forwarded_client_on_its_own(behind_proxy, browser_behind_proxy):
    """Behind the README's nginx every connection comes from 127.0.0.1: clients are still told apart."""
    other_browser = browser_behind_proxy
    await register(behind_proxy, "alice")
    guesser = other_browser()
    for number in range(30):  # many accounts guessed from one address: that address is slowed
        await login(guesser, f"user{number}", "wrong password", headers={"X-Forwarded-For": "203.0.113.66"})
    refused = await login(guesser, "alice", headers={"X-Forwarded-For": "203.0.113.66"})
    assert refused.status == 429
    someone_else = other_browser()
    allowed = await login(someone_else, "alice", headers={"X-Forwarded-For": "198.51.100.1"})
    assert allowed.status == 303


@pytest.mark.parametrize("value", ["nonsense", "127.0.0.1, 10.0.0.0/33", "localhost"])
def test_invalid_trusted_proxies_are_refused_in_one_line(tmp_path, value):
    with pytest.raises(ConfigError):
        Config.from_env({"BLOG_TRUSTED_PROXIES": value})
    data_dir = tmp_path / "data"
    result = subprocess.run([sys.executable, "-m", "blog", "serve", "--data-dir", str(data_dir)],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "BLOG_TRUSTED_PROXIES": value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "BLOG_TRUSTED_PROXIES" in lines[0] and "Traceback" not in result.stderr
    assert not data_dir.exists()


def test_the_access_log_shows_the_forwarded_address(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOG_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "blog", "serve", "--port", str(port), "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**env, "BLOG_TRUSTED_PROXIES": "127.0.0.1"})
    try:
        for _ in range(300):
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/",
                                                 headers={"X-Forwarded-For": "203.0.113.9"})
                with urllib.request.urlopen(request, timeout=2) as response:
                    request_id = response.headers["X-Request-Id"]
                    break
            except OSError:
                import time
                time.sleep(0.1)
        else:
            raise AssertionError("the server never answered")
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    line = next(line for line in stderr.splitlines() if request_id in line)
    assert "203.0.113.9 " in line and '"GET / HTTP/1.1" 200' in line
