"""The caches that make reading fast must never show a reader something stale or someone else's."""

from __future__ import annotations

import re

from blog.content.post_form import validate_post
from blog.keys import STORE
from blog.store import Store

from .conftest import csrf_token, post_form, register
from .test_comments import comment, publish


async def test_anonymous_pages_are_served_from_memory_with_an_etag(client, other_browser):
    await register(client, "alice")
    await publish(client, "Cached title")
    reader = other_browser()
    first = await reader.get("/")
    etag = first.headers["ETag"]
    second = await reader.get("/")
    assert second.headers["ETag"] == etag and "Cached title" in await second.text()
    not_modified = await reader.get("/", headers={"If-None-Match": etag})
    assert not_modified.status == 304
    assert not_modified.headers["Content-Security-Policy"]  # security headers on cached answers too


async def test_an_edit_shows_on_the_very_next_request(client, other_browser):
    await register(client, "alice")
    post = await publish(client, "Before the edit")
    reader = other_browser()
    assert "Before the edit" in await (await reader.get("/")).text()
    assert "Before the edit" in await (await client.get("/")).text()
    page = await (await client.get(post + "/edit")).text()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = await post_form(client, post + "/edit", {
        "title": "After the edit", "body": "New words.", "summary": "", "tags": "", "status": "published",
        "version": version}, form_page=post + "/edit")
    assert response.status == 303
    for browser in (reader, client):
        home = await (await browser.get("/")).text()
        assert "After the edit" in home and "Before the edit" not in home


async def test_a_comment_shows_on_the_cached_post_page_at_once(client, other_browser):
    await register(client, "alice")
    post = await publish(client)
    reader = other_browser()
    await reader.get(post)
    await comment(client, post, "Fresh comment")
    assert "Fresh comment" in await (await reader.get(post)).text()


async def test_nobody_gets_a_page_made_for_somebody_else(client, other_browser):
    await register(client, "alice")
    await publish(client, "Shared list")
    bob, anonymous = other_browser(), other_browser()
    await register(bob, "bob")
    for _ in range(2):
        for browser, name in ((client, "alice"), (bob, "bob"), (anonymous, None)):
            for path in ("/", "/tags/nothing", "/?before=2999-01-01T00:00:00.000000Z,1"):
                page = await (await browser.get(path)).text()
                assert "Shared list" in page or path != "/"
                if name:
                    assert f'data-testid="nav-username">{name}</a>' in page, (name, path)
                    assert "Log in</a>" not in page
                else:
                    assert "nav-username" not in page and 'href="/login"' in page


async def test_forms_are_never_cached_so_each_visitor_has_their_own_token(client, other_browser):
    first, second = other_browser(), other_browser()
    token_one, token_two = await csrf_token(first, "/login"), await csrf_token(second, "/login")
    assert token_one != token_two
    assert "Set-Cookie" in (await other_browser().get("/register")).headers


async def test_a_write_from_another_process_empties_the_caches(client, config):
    await register(client, "alice")
    await client.get("/")
    other_process = Store(config.database)  # e.g. a second worker, or `seed-demo`
    await other_process.open()
    try:
        author = await other_process.users.by_username("alice")
        fields, _ = validate_post({"title": "Written elsewhere", "body": "x", "summary": "", "tags": "",
                                   "status": "published"})
        await other_process.posts.create(author.id, fields, None)
    finally:
        await other_process.close()
    assert "Written elsewhere" in await (await client.get("/")).text()


async def test_a_session_ended_by_another_process_stops_working_at_once(client, config):
    await register(client, "alice")
    assert (await client.get("/account", allow_redirects=False)).status == 200  # now remembered
    other_process = Store(config.database)
    await other_process.open()
    try:
        alice = await other_process.users.by_username("alice")
        await other_process.sessions.end_others(alice.id, None)
    finally:
        await other_process.close()
    assert (await client.get("/account", allow_redirects=False)).status == 303


async def test_a_role_change_applies_to_a_remembered_session(client, other_browser):
    await register(client, "root")
    writer = other_browser()
    await register(writer, "writer")
    assert "author since" in await (await writer.get("/account")).text()
    await client.app[STORE].users.set_role("writer", "editor")
    assert "editor since" in await (await writer.get("/account")).text()


async def test_readers_arriving_together_share_one_render(client, other_browser, monkeypatch):
    import asyncio

    from blog.views import posts as post_views

    await register(client, "alice")
    await publish(client, "Busy page")
    renders = 0
    real_list_page = post_views.list_page

    async def counting_list_page(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal renders
        renders += 1
        await asyncio.sleep(0.05)  # a render that takes a while, so the readers overlap
        return await real_list_page(*args, **kwargs)

    monkeypatch.setattr(post_views, "list_page", counting_list_page)
    readers = [other_browser() for _ in range(8)]
    pages = await asyncio.gather(*(reader.get("/?fresh=1") for reader in readers))
    texts = [await page.text() for page in pages]
    assert all("Busy page" in text for text in texts)
    assert renders == 1
