"""Several app servers on one PostgreSQL database, as behind a load balancer: two real
`python -m blog serve` processes with data folders of their own, one browser-like client."""

from __future__ import annotations

import asyncio
import json
import signal

import aiohttp
import asyncpg
import pytest

from .posts_helpers import make_image
from .servers import CSRF, form, next_comment, publish, register, text

pytestmark = pytest.mark.postgresql_only("several servers share a PostgreSQL database")


async def test_sessions_csrf_edits_live_comments_and_logout_cross_servers(start_server, cookie_browser):
    first, second = await start_server(), await start_server()
    await register(cookie_browser, first.url, "alice")
    assert "alice" in await text(cookie_browser, second.url + "/account")  # one session, every server

    await text(cookie_browser, second.url + "/")  # the second server's home page, remembered there
    post = await publish(cookie_browser, first.url, "Written through the first server")
    assert "Written through the first server" in await text(cookie_browser, second.url + "/")

    # A form loaded from one server is accepted by the other.
    response = await form(cookie_browser, second.url + post, first.url + post + "/comments", {"body": "From the form"})
    assert response.status == 303

    async with aiohttp.ClientSession() as reader, reader.ws_connect(second.url + post + "/live") as ws:
        await form(cookie_browser, first.url + post, first.url + post + "/comments", {"body": "Live across servers"})
        event = await next_comment(ws, timeout=1.0)
    assert "Live across servers" in str(event["body_html"])

    response = await form(cookie_browser, first.url + "/logout", first.url + "/logout", {})
    assert response.status == 303
    async with cookie_browser.get(second.url + "/account", allow_redirects=False) as account:
        assert account.status == 303 and "/login" in account.headers["Location"]


async def test_servers_survive_a_restarted_database_connection(start_server, cookie_browser, database_url):
    first, second = await start_server(), await start_server()
    await register(cookie_browser, first.url, "alice")
    await text(cookie_browser, second.url + "/")
    admin = await asyncpg.connect(database_url)
    try:  # every connection of both servers is cut, as when PostgreSQL restarts
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE datname = current_database() AND pid <> pg_backend_pid()")
    finally:
        await admin.close()
    post = await publish(cookie_browser, first.url, "After the restart")
    for _ in range(100):  # the listener reconnects within a second or so, and empties the caches
        if "After the restart" in await text(cookie_browser, second.url + "/"):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the second server never saw the new post")
    assert "After the restart" in await text(cookie_browser, second.url + post)


async def test_killing_one_server_under_write_load_loses_no_acknowledged_write(start_server, cookie_browser):
    first, second = await start_server(), await start_server()
    await register(cookie_browser, first.url, "alice")
    post = await publish(cookie_browser, first.url, "Under load")
    async with cookie_browser.get(first.url + post) as page:
        token = CSRF.search(await page.text())
    assert token
    acknowledged: list[str] = []

    async def write(number: int) -> None:
        body = f"comment number {number}"
        try:
            async with cookie_browser.post(first.url + post + "/comments", allow_redirects=False,
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
    page = await text(cookie_browser, second.url + post)
    missing = [body for body in acknowledged if body not in page]
    assert not missing and len(acknowledged) >= 20
    async with cookie_browser.get(second.url + "/") as home:
        assert home.status == 200


async def test_a_picture_uploaded_through_one_server_is_served_by_the_other(start_server, cookie_browser):
    first, second = await start_server(), await start_server()
    await register(cookie_browser, first.url, "alice")
    async with cookie_browser.get(first.url + "/posts/new") as page:
        token = CSRF.search(await page.text())
    assert token
    upload = aiohttp.FormData()
    upload.add_field("image", make_image("PNG", (640, 480)), filename="p.png", content_type="image/png")
    upload.add_field("alt", "A picture")
    async with cookie_browser.post(first.url + "/uploads", data=upload,
                                   headers={"Accept": "application/json", "X-CSRF-Token": token.group(1)}) as response:
        assert response.status == 201, await response.text()
        url = (await response.json())["url"]
    async with cookie_browser.get(second.url + url) as image:  # its data folder never had the file
        assert image.status == 200 and image.content_type == "image/png"
        assert (await image.read()).startswith(b"\x89PNG")


async def test_readers_on_two_servers_count_as_two_and_logins_are_limited_across_servers(start_server, cookie_browser):
    first, second = await start_server(), await start_server()
    await register(cookie_browser, first.url, "alice")
    post = await publish(cookie_browser, first.url, "Read on two servers")
    async with aiohttp.ClientSession() as one, aiohttp.ClientSession() as two, \
            one.ws_connect(first.url + post + "/live") as ws_one, two.ws_connect(second.url + post + "/live") as ws_two:
        for ws in (ws_one, ws_two):
            while True:  # presence arrives as readers come; wait until each sees both
                event = json.loads((await asyncio.wait_for(ws.receive(), 5)).data)
                if event["kind"] == "presence" and event["count"] == 2:
                    break

    # Wrong passwords for one account, spread over both servers, meet one limit.
    statuses = []
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as guesser:
        for attempt in range(12):
            base = (first, second)[attempt % 2].url
            response = await form(guesser, base + "/login", base + "/login",
                                  {"username": "alice", "password": f"wrong {attempt}"})
            statuses.append(response.status)
    assert 429 not in statuses[:10] and statuses[10:] == [429, 429], statuses  # the limit is 10
