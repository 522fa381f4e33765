"""Lists a reader expects: every tag, every author, the archive by year and month, and an
author's page with bio, avatar and follows."""

from __future__ import annotations

import re

import pytest

from blog.keys import STORE

from .conftest import csrf_token, register
from .posts_helpers import create_post, listed_titles, pager_links, people, post_id, trash_post


async def publish_at(client, location: str, moment: str) -> None:  # type: ignore[no-untyped-def]
    """Moves a post's publication back in time (as an import of old posts would)."""
    await client.app[STORE].db.write("UPDATE posts SET published_at = ? WHERE id = ?", (moment, post_id(location)))


async def text(browser, path: str) -> str:  # type: ignore[no-untyped-def]
    response = await browser.get(path)
    assert response.status == 200, path
    return await response.text()


async def test_tags_lists_every_tag_in_use_with_its_count_most_used_first(client, other_browser):
    crowd = await people(client, other_browser)
    await create_post(crowd.alice, title="One", tags="python, web")
    await create_post(crowd.bob, title="Two", tags="python")
    await create_post(crowd.bob, title="Three", tags="python, cooking")
    await create_post(crowd.alice, title="Draft", tags="secret", status="draft")
    trashed = await create_post(crowd.alice, title="Gone", tags="web")
    await trash_post(crowd.alice, trashed)
    page = await text(crowd.anon, "/tags")
    entries = re.findall(r'<a href="/tags/([^"]+)">[^<]+</a> <span class="count">(\d+) posts?</span>', page)
    assert entries == [("python", "3"), ("cooking", "1"), ("web", "1")]
    assert "secret" not in page


async def test_authors_lists_everyone_with_public_posts_with_bio_and_count(client, other_browser):
    crowd = await people(client, other_browser)
    store = client.app[STORE]
    bob = await store.users.by_username("bob")
    await store.users.update_profile(bob.id, {"bio": "Bob writes <b>about</b> bread."})
    await create_post(crowd.alice, title="One")
    await create_post(crowd.bob, title="Two")
    await create_post(crowd.bob, title="Three")
    await create_post(crowd.ed, title="Draft", status="draft")
    page = await text(crowd.anon, "/authors")
    entries = re.findall(r'<a href="/authors/([^"]+)">[^<]+</a>\s*<span class="count">(\d+) posts?</span>', page)
    assert entries == [("bob", "2"), ("alice", "1")]
    assert "Bob writes &lt;b&gt;about&lt;/b&gt; bread." in page


async def test_the_archive_counts_years_and_months_and_pages_each_period(client):
    await register(client, "alice")
    for number in range(12):
        location = await create_post(client, title=f"March {number}")
        await publish_at(client, location, f"2024-03-{number + 1:02d}T10:00:00.000000Z")
    location = await create_post(client, title="December")
    await publish_at(client, location, "2023-12-31T23:59:59.999999Z")
    location = await create_post(client, title="January")
    await publish_at(client, location, "2024-01-01T00:00:00.000000Z")
    page = await text(client, "/archive")
    assert re.search(r'href="/archive/2024">2024</a> <span class="count">13 posts</span>', page)
    assert re.search(r'href="/archive/2024/03">March</a> <span class="count">12</span>', page)
    assert re.search(r'href="/archive/2023/12">December</a> <span class="count">1</span>', page)
    assert page.index("/archive/2024/03") < page.index("/archive/2024/01") < page.index("/archive/2023")
    december = await text(client, "/archive/2023/12")
    assert listed_titles(december) == ["December"]
    assert listed_titles(await text(client, "/archive/2024/01")) == ["January"]
    march = await text(client, "/archive/2024/03")
    assert listed_titles(march) == [f"March {n}" for n in range(11, 1, -1)]
    newer, older = pager_links(march)
    assert newer is None and older is not None and older.startswith("/archive/2024/03?before=")
    assert listed_titles(await text(client, older)) == ["March 1", "March 0"]
    year = await text(client, "/archive/2024")
    titles = listed_titles(year)
    assert titles[:10] == [f"March {n}" for n in range(11, 1, -1)]
    assert listed_titles(await text(client, pager_links(year)[1])) == ["March 1", "March 0", "January"]


@pytest.mark.parametrize("path", ["/archive/2024/13", "/archive/2024/00", "/archive/0000", "/archive/24",
                                  "/archive/2024/3"])
async def test_a_month_that_does_not_exist_is_404(client, path):
    assert (await client.get(path)).status == 404


async def test_an_empty_period_says_so(client):
    page = await text(client, "/archive/1999/05")
    assert "Nothing was published then." in page


async def test_the_home_page_footer_links_the_archive_tags_authors_and_the_feed(client):
    page = await text(client, "/")
    footer = page[page.index('<footer class="site-footer">'):]
    for href in ('href="/archive"', 'href="/tags"', 'href="/authors"', 'href="/feed.atom"'):
        assert href in footer


async def test_the_author_page_shows_bio_avatar_follow_counts_and_links_to_the_lists(client, other_browser):
    crowd = await people(client, other_browser)
    store = client.app[STORE]
    alice = await store.users.by_username("alice")
    await store.users.update_profile(alice.id, {"bio": "Alice's bio", "image": "https://img.example.com/a.png"})
    for follower in (crowd.bob, crowd.ed):
        token = await csrf_token(follower, "/authors/alice")
        await follower.post("/authors/alice/follow", data={"csrf_token": token}, allow_redirects=False)
    token = await csrf_token(crowd.alice, "/authors/bob")
    await crowd.alice.post("/authors/bob/follow", data={"csrf_token": token}, allow_redirects=False)
    page = await text(crowd.anon, "/authors/alice")
    assert "Alice&#39;s bio" in page
    assert '<img class="avatar" src="https://img.example.com/a.png"' in page
    assert '<a href="/authors/alice/followers">2 followers</a>' in page
    assert '<a href="/authors/alice/following">1 following</a>' in page
    assert 'href="/authors/alice/feed.atom"' in page
    followers = await text(crowd.anon, "/authors/alice/followers")
    assert re.findall(r'<li><a href="/authors/([^"]+)">', followers) == ["bob", "eddie"]
    following = await text(crowd.anon, "/authors/alice/following")
    assert re.findall(r'<li><a href="/authors/([^"]+)">', following) == ["bob"]
    assert "root follows nobody yet." in await text(crowd.anon, "/authors/root/following")
    assert "Nobody follows root yet." in await text(crowd.anon, "/authors/root/followers")
    assert (await crowd.anon.get("/authors/nobody/followers")).status == 404


async def test_an_avatar_that_is_not_https_is_not_shown(client):
    await register(client, "alice")
    store = client.app[STORE]
    alice = await store.users.by_username("alice")
    await store.users.update_profile(alice.id, {"image": "http://img.example.com/a.png"})
    assert 'class="avatar"' not in await text(client, "/authors/alice")


async def test_followers_are_paged_by_name(client, other_browser):
    from blog.store.catalog import FOLLOWS_PAGE_SIZE

    await register(client, "alice")
    store = client.app[STORE]
    alice = await store.users.by_username("alice")
    for number in range(FOLLOWS_PAGE_SIZE + 3):
        user = await store.users.create(f"fan{number:03d}", f"fan{number}@example.com", "x")
        await store.social.follow(user.id, alice.id)
    first = await text(client, "/authors/alice/followers")
    names = re.findall(r'<li><a href="/authors/([^"]+)">', first)
    assert names == [f"fan{n:03d}" for n in range(FOLLOWS_PAGE_SIZE)]
    more = re.search(r'<a rel="next" href="([^"]+)">More', first)
    assert more is not None
    rest = await text(client, more.group(1).replace("&amp;", "&"))
    assert re.findall(r'<li><a href="/authors/([^"]+)">', rest) == [f"fan{n:03d}" for n in range(50, 53)]
