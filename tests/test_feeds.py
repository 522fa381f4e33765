"""Feeds: Atom and RSS of the whole blog, a tag and an author, read by a real feed parser."""

from __future__ import annotations

import re

import feedparser
import pytest

from blog.config import Config
from blog.keys import DOCUMENTS, STORE

from .conftest import register
from .posts_helpers import create_post, make_image, people, post_id, trash_post
from .test_inline_images import upload

ATOM_LINK = re.compile(r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]+)">')


async def read_feed(browser, path: str):  # type: ignore[no-untyped-def]
    response = await browser.get(path)
    assert response.status == 200, (path, await response.text())
    body = await response.read()
    feed = feedparser.parse(body)
    assert not feed.bozo, (path, feed.get("bozo_exception"))
    return response, feed


@pytest.mark.parametrize("path, version", [("/feed.atom", "atom10"), ("/feed.rss", "rss20")])
async def test_the_site_feed_has_the_newest_published_posts_with_everything(client, path, version):
    await register(client, "alice")
    picture = (await (await upload(client, make_image("JPEG"), alt="pic")).json())["url"]
    first = await create_post(client, title="First & <older>", body=f"Body with [a link](/tags/x) and ![pic]({picture}).",
                              tags="python, web", summary="The first one.")
    await create_post(client, title="Second", body="Second body.")
    response, feed = await read_feed(client, path)
    assert feed.version == version
    assert response.content_type == ("application/atom+xml" if version == "atom10" else "application/rss+xml")
    assert feed.feed.title == "blog"
    assert [entry.title for entry in feed.entries] == ["Second", "First & <older>"]
    entry = feed.entries[1]
    base = str(client.make_url("/")).rstrip("/")
    assert entry.link == base + first
    assert entry.author == "alice"
    assert entry.published_parsed is not None
    if version == "atom10":
        assert entry.updated_parsed is not None
    assert [tag.term for tag in entry.tags] == ["python", "web"]
    body = entry.content[0].value
    assert f'<a href="{base}/tags/x">a link</a>' in body  # absolute, so it works in a feed reader
    assert f'src="{base}{picture}"' in body
    assert entry.summary == "The first one." or "The first one." in entry.summary


async def test_only_the_twenty_newest_public_posts_and_never_drafts_scheduled_or_trashed(client):
    await register(client, "alice")
    for number in range(22):
        await create_post(client, title=f"Post {number}")
    await create_post(client, title="A draft", status="draft")
    trashed = await create_post(client, title="Trashed")
    await trash_post(client, trashed)
    scheduled = await create_post(client, title="Scheduled")
    await client.app[STORE].db.write("UPDATE posts SET status = 'scheduled' WHERE id = ?", (post_id(scheduled),))
    for path in ("/feed.atom", "/feed.rss", "/authors/alice/feed.atom"):
        _, feed = await read_feed(client, path)
        assert [entry.title for entry in feed.entries] == [f"Post {n}" for n in range(21, 1, -1)], path


async def test_tag_and_author_feeds(client, other_browser):
    crowd = await people(client, other_browser)
    await create_post(crowd.alice, title="Alice on python", tags="python")
    await create_post(crowd.bob, title="Bob on python", tags="python, web")
    await create_post(crowd.bob, title="Bob on cooking", tags="cooking")
    for fmt in ("atom", "rss"):
        _, feed = await read_feed(crowd.anon, f"/tags/python/feed.{fmt}")
        assert [e.title for e in feed.entries] == ["Bob on python", "Alice on python"]
        assert "python" in feed.feed.title
        _, feed = await read_feed(crowd.anon, f"/authors/bob/feed.{fmt}")
        assert [e.title for e in feed.entries] == ["Bob on cooking", "Bob on python"]
        assert "bob" in feed.feed.title
    assert (await crowd.anon.get("/tags/nosuchtag/feed.atom")).status == 404
    assert (await crowd.anon.get("/authors/nobody/feed.atom")).status == 404
    assert (await crowd.anon.get("/feed.json")).status == 404
    moved = await crowd.anon.get("/authors/BOB/feed.atom", allow_redirects=False)
    assert moved.status == 301 and moved.headers["Location"] == "/authors/bob/feed.atom"


async def test_an_empty_blog_has_a_valid_empty_feed(client):
    for path in ("/feed.atom", "/feed.rss"):
        _, feed = await read_feed(client, path)
        assert feed.entries == []


async def test_the_usual_feed_addresses_lead_to_the_feeds(client):
    for path, target in (("/feed.xml", "/feed.atom"), ("/atom.xml", "/feed.atom"), ("/rss", "/feed.rss"),
                         ("/rss.xml", "/feed.rss")):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 301 and response.headers["Location"] == target, path


async def test_feeds_answer_conditional_requests_and_come_from_memory_until_a_change(client):
    await register(client, "alice")
    await create_post(client, title="Cached")
    first = await client.get("/feed.atom")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{24}"', etag)
    assert (await client.get("/feed.atom", headers={"If-None-Match": etag})).status == 304
    assert (await client.get("/feed.atom", headers={"If-Modified-Since": modified})).status == 304
    assert (await client.get("/feed.atom", headers={"If-None-Match": '"other"'})).status == 200
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert (await client.get("/feed.atom", headers={"If-Modified-Since": old})).status == 200
    # From memory: the same document object until the data changes, then a fresh one.
    documents = client.app[DOCUMENTS]
    base = str(client.make_url("/")).rstrip("/")
    kept = await documents.get((base, "/feed.atom"), _never)
    assert kept is not None and kept.etag == etag
    await create_post(client, title="Newer")
    assert await documents.get((base, "/feed.atom"), _none) is None
    again = await client.get("/feed.atom", headers={"If-None-Match": etag})
    assert again.status == 200 and again.headers["ETag"] != etag
    assert "Newer" in await again.text()


async def _never():  # type: ignore[no-untyped-def]
    raise AssertionError("the feed should have been in memory")


async def _none():  # type: ignore[no-untyped-def]
    return None


async def test_every_page_links_the_site_feed_and_tag_and_author_pages_their_own(client):
    await register(client, "alice")
    location = await create_post(client, title="Linked", tags="python")
    for path in ("/", location, "/login", "/archive", "/tags", "/search?q=x"):
        head = (await (await client.get(path)).text()).split("</head>")[0]
        assert ("blog", "/feed.atom") in ATOM_LINK.findall(head), path
    head = (await (await client.get("/tags/python")).text()).split("</head>")[0]
    assert ("blog: posts tagged python", "/tags/python/feed.atom") in ATOM_LINK.findall(head)
    head = (await (await client.get("/authors/alice")).text()).split("</head>")[0]
    assert ("blog: posts by alice", "/authors/alice/feed.atom") in ATOM_LINK.findall(head)


async def test_feeds_use_the_configured_public_address(make_client, tmp_path):
    from cryptography.fernet import Fernet

    config = Config(data_dir=tmp_path / "data", secret_key=Fernet.generate_key().decode(),
                    base_url="https://blog.example.com/")
    client = await make_client(config)
    await register(client, "alice")
    location = await create_post(client, title="Addressed", image=("p.png", make_image("PNG"), "image/png"))
    _, feed = await read_feed(client, "/feed.atom")
    assert feed.entries[0].link == "https://blog.example.com" + location
    assert feed.feed.link == "https://blog.example.com/"


async def test_a_feed_too_large_to_keep_is_made_again_with_the_same_etag(client):
    await register(client, "alice")
    for number in range(12):  # 12 bodies of 99,000 characters: a feed of more than 1 MiB
        await create_post(client, title=f"Long {number}", body=("word " * 19_800).strip())
    first = await client.get("/feed.atom")
    assert first.status == 200 and len(await first.read()) > 1024 * 1024
    base = str(client.make_url("/")).rstrip("/")
    assert await client.app[DOCUMENTS].get((base, "/feed.atom"), _none) is None  # not held in memory
    again = await client.get("/feed.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304  # made again, byte for byte
