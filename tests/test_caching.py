"""The caches that make reading fast must never show a reader something stale or someone else's."""

from __future__ import annotations

import re

from blog.content.post_form import validate_post
from blog.keys import PAGE_CACHE, STORE
from blog.store import Store

from .conftest import STRONG_PASSWORD, csrf_token, post_form, register
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


async def test_a_post_page_follows_edits_and_favorites_made_in_another_process(client, make_client, config):
    from .posts_helpers import edit_post

    await register(client, "alice")
    post = await publish(client, "First title")
    other_process = await make_client(config)  # a second app on the same database, as `serve --workers 2`
    await post_form(other_process, "/login", {"username": "alice", "password": STRONG_PASSWORD}, form_page="/login")
    for round_no in range(2):  # read twice: the post and its favorites are remembered
        page = await (await client.get(f"{post}?{round_no}")).text()
        assert "First title" in page and "0 favorites" in page
    assert (await edit_post(other_process, post, title="Second title")).status == 303
    assert (await post_form(other_process, post + "/favorite", {}, form_page=post)).status == 303
    page = await (await client.get(f"{post}?after")).text()
    assert "Second title" in page and "First title" not in page and "1 favorite<" in page


async def end_sessions_elsewhere(config, username: str) -> None:  # type: ignore[no-untyped-def]
    """Ends every session of `username` from a second process's store, as a worker would."""
    other_process = Store(config.database)
    await other_process.open()
    try:
        user = await other_process.users.by_username(username)
        await other_process.sessions.end_others(user.id, None)
    finally:
        await other_process.close()


async def test_a_session_ended_by_another_process_stops_working_at_once(client, config):
    await register(client, "alice")
    assert (await client.get("/account", allow_redirects=False)).status == 200  # now remembered
    await end_sessions_elsewhere(config, "alice")
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


async def test_a_signed_in_readers_home_page_is_kept_for_their_session_alone(client, other_browser):
    await register(client, "alice")
    await publish(client, "Kept for alice")
    first = await client.get("/")
    etag = first.headers["ETag"]  # kept: later requests of this session are answered from memory
    assert (await client.get("/")).headers["ETag"] == etag
    assert (await client.get("/", headers={"If-None-Match": etag})).status == 304
    second_device = other_browser()  # alice again, in another session: a page of its own
    await post_form(second_device, "/login", {"username": "alice", "password": STRONG_PASSWORD},
                    form_page="/login")
    for browser in (client, second_device):
        page = await (await browser.get("/")).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert token == await csrf_token(browser, "/account")  # each session's own form token


async def test_a_kept_page_follows_the_readers_unread_counts(client, other_browser):
    from .messaging_helpers import nav_count, send

    await register(client, "alice")
    bob = other_browser()
    await register(bob, "bob")
    assert nav_count(await (await client.get("/")).text(), "messages") == 0
    await send(bob, "alice", "Hello Alice")
    assert nav_count(await (await client.get("/")).text(), "messages") == 1
    await client.get("/messages/bob")  # reading it marks it read
    assert nav_count(await (await client.get("/")).text(), "messages") == 0


async def test_a_kept_page_is_not_served_once_the_session_ended(client, config):
    await register(client, "alice")
    assert 'data-testid="nav-username">alice</a>' in await (await client.get("/")).text()
    await end_sessions_elsewhere(config, "alice")
    page = await (await client.get("/")).text()
    assert "nav-username" not in page and 'href="/login"' in page


def test_a_kept_page_is_forgotten_at_its_time():
    import time

    from aiohttp import web

    from blog.web.page_cache import PageCache

    pages = PageCache()
    response = web.Response(text="<p>mine</p>", content_type="text/html")
    assert pages.put("soon", pages.generation, response, until=time.time() + 60) is not None
    assert pages.put("past", pages.generation, response, until=time.time() - 1) is not None
    assert pages.get("soon") is not None and pages.get("past") is None


async def test_the_apis_answers_to_callers_without_a_token_are_kept_until_the_next_write(make_client, config):
    import dataclasses

    from .test_api_helpers import api_register, auth, create_article

    api = await make_client(dataclasses.replace(config, cors_origins="https://app.example"))
    token = await api_register(api, "alice")
    slug = (await create_article(api, token, "First article"))["slug"]
    first = await api.get("/api/articles?limit=5", headers={"Origin": "https://app.example"})
    etag = first.headers["ETag"]
    again = await api.get("/api/articles?limit=5", headers={"Origin": "https://elsewhere.example"})
    assert again.headers["ETag"] == etag  # kept...
    assert "Access-Control-Allow-Origin" not in again.headers  # ...and CORS still decided per request
    assert first.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert (await api.get("/api/articles?limit=5", headers={"If-None-Match": etag})).status == 304
    assert (await api.post(f"/api/articles/{slug}/favorite", headers=auth(token))).status == 200
    mine = await (await api.get("/api/articles?limit=5", headers=auth(token))).json()
    assert mine["articles"][0]["favorited"] is True  # a caller with a token is answered for themselves
    anonymous = await (await api.get("/api/articles?limit=5")).json()
    assert anonymous["articles"][0]["favorited"] is False and anonymous["articles"][0]["favoritesCount"] == 1


async def test_a_write_during_a_shared_render_costs_one_more_render_not_one_per_reader(client, other_browser,
                                                                                      monkeypatch):
    import asyncio

    from blog.views import posts as post_views

    await register(client, "alice")
    await publish(client, "Before the write")
    renders = 0
    real_list_page = post_views.list_page
    first_render_started = asyncio.Event()

    async def counting_list_page(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal renders
        renders += 1
        first_render_started.set()
        await asyncio.sleep(0.05)  # a render that takes a while, so the readers overlap
        return await real_list_page(*args, **kwargs)

    monkeypatch.setattr(post_views, "list_page", counting_list_page)
    readers = [other_browser() for _ in range(8)]
    pages = asyncio.gather(*(reader.get("/?fresh=2") for reader in readers))
    await first_render_started.wait()
    await publish(client, "After the write")  # lands while the first render is under way
    texts = [await page.text() for page in await pages]
    assert renders == 2  # the first render, then one for all the readers who waited (not one each)
    assert sum("After the write" in text for text in texts) >= 7  # every reader who waited sees the write


async def test_parameters_the_home_page_does_not_read_do_not_render_it_again(client, other_browser, monkeypatch):
    from blog.views import posts as post_views

    await register(client, "alice")
    for number in range(12):  # more than a page, so there is an older page to ask for
        await publish(client, f"Post number {number}")
    renders = 0
    real_list_page = post_views.list_page

    async def counting_list_page(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal renders
        renders += 1
        return await real_list_page(*args, **kwargs)

    monkeypatch.setattr(post_views, "list_page", counting_list_page)
    reader = other_browser()
    first = await (await reader.get("/?utm_source=newsletter")).text()
    second = await (await reader.get("/?fbclid=abc123&utm_source=x")).text()
    assert renders == 1  # a shared link's tracking parameters change nothing on the page
    assert second == first and "Post number 11" in second
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', second).group(1)
    assert "utm_source" not in canonical and "fbclid" not in canonical
    older = re.search(r'href="(/\?before=[^"]+)"', second).group(1).replace("&amp;", "&")
    older_page = await (await reader.get(older + "&utm_source=newsletter")).text()
    assert renders == 2  # a parameter the page reads is another page
    assert "Post number 0" in older_page and "Post number 11" not in older_page
    signed_in = await (await client.get("/?utm_campaign=spring")).text()
    assert renders == 2 and "alice" in signed_in and "Post number 11" in signed_in  # the shared part, alice's nav


async def test_links_with_parameters_the_page_ignores_are_one_kept_page(client, other_browser):
    """A shared link comes back with a new fbclid on each click: one kept page answers them all,
    so a flood of them neither renders the page again nor pushes other pages out of the cache."""
    await register(client, "alice")
    for number in range(12):
        await publish(client, f"Post number {number}")
    pages, reader = client.app[PAGE_CACHE], other_browser()
    first = await reader.get("/?fbclid=click-1")
    etag, text = first.headers["ETag"], await first.text()
    for click in range(2, 6):
        again = await reader.get(f"/?fbclid=click-{click}&utm_source=feed")
        assert again.headers["ETag"] == etag and await again.text() == text
    assert (await reader.get("/?utm_medium=x", headers={"If-None-Match": etag})).status == 304
    assert len(pages) == 1
    older = re.search(r'href="/\?before=([^"]+)"', text).group(1)
    spelled_out = await (await reader.get(f"/?bef%6Fre={older}&fbclid=click-7")).text()  # as the page reads it
    assert "Post number 0" in spelled_out and "Post number 11" not in spelled_out and len(pages) == 2
    first_empty = await (await reader.get(f"/?before=&before={older}&fbclid=click-7")).text()  # the first is read
    assert first_empty == text and len(pages) == 2
    assert (await reader.get("/?before=not-a-cursor&fbclid=click-8")).status == 400
    await publish(client, "Written after the clicks")
    assert "Written after the clicks" in await (await reader.get("/?fbclid=click-9")).text()
    # A tag page answers only for a tag as tags are written: nothing else is kept or learnt.
    assert (await reader.get("/tags/" + "%21" * 3000 + "?fbclid=1")).status == 404
    assert (await reader.get("/tags/" + "A" * 3000 + "?fbclid=2", allow_redirects=False)).status == 301
    assert len(pages) == 1 and all(len(path) < 100 for path in pages._reads)


async def test_a_posts_list_item_is_made_once_and_again_only_when_the_post_reads_differently(client, other_browser):
    import aiohttp_jinja2

    from .test_profiles import save_profile

    await register(client, "alice")
    post = await publish(client, "Listed once")
    kept = aiohttp_jinja2.get_env(client.app).globals["kept_post_item"]
    reader = other_browser()
    first = await (await reader.get("/")).text()
    made = len(kept._kept)
    await comment(client, post, "A write that forgets every remembered page")
    again = await (await reader.get("/")).text()
    tagged = await (await reader.get("/?before=2999-01-01T00:00:00.000000Z%2C1")).text()  # a page never asked for
    assert again == first and "Listed once" in tagged
    assert len(kept._kept) == made  # the page was made again, its item was not
    assert (await save_profile(client, display_name="Alice <Writer>")).status == 303
    renamed = await (await reader.get("/")).text()
    assert "Alice &lt;Writer&gt;" in renamed and "Listed once" in renamed
