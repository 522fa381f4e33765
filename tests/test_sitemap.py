"""robots.txt and the sitemap, read the way a crawler reads them."""

from __future__ import annotations

from urllib.parse import urlsplit

from defusedxml import ElementTree

from blog.app import create_app
from blog.keys import SITEMAP_URLS_PER_FILE, STORE

from .conftest import register
from .posts_helpers import create_post, post_id, trash_post

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


async def read_xml(browser, path: str):  # type: ignore[no-untyped-def]
    response = await browser.get(path)
    assert response.status == 200, (path, await response.text())
    assert response.content_type == "application/xml"
    return ElementTree.fromstring(await response.read())


def locations(root) -> list[str]:  # type: ignore[no-untyped-def]
    return [urlsplit(loc.text).path for loc in root.iterfind(".//sm:loc", NS)]


async def test_robots_allows_the_public_pages_and_names_the_sitemap(client):
    response = await client.get("/robots.txt")
    assert response.status == 200 and response.content_type == "text/plain"
    lines = (await response.text()).splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.split(": ", 1)[1] for line in lines if line.startswith("Disallow: ")}
    assert {"/login", "/register", "/account", "/posts/new", "/posts/*/edit", "/trash", "/api/"} <= disallowed
    assert "Allow: /" in lines
    assert not any(path in disallowed for path in ("/", "/posts/", "/tags", "/search", "/feed.atom"))
    base = str(client.make_url("/")).rstrip("/")
    assert f"Sitemap: {base}/sitemap.xml" in lines


async def test_the_sitemap_lists_every_public_post_tag_and_author_with_lastmod(client, other_browser):
    await register(client, "alice")
    first = await create_post(client, title="First", tags="python, web")
    second = await create_post(client, title="Second")
    await create_post(client, title="A draft", status="draft", tags="secret")
    trashed = await create_post(client, title="Trashed", tags="gone")
    await trash_post(client, trashed)
    scheduled = await create_post(client, title="Scheduled")
    await client.app[STORE].db.write("UPDATE posts SET status = 'scheduled' WHERE id = ?", (post_id(scheduled),))
    root = await read_xml(other_browser(), "/sitemap.xml")
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    paths = locations(root)
    assert {first, second, "/", "/tags", "/authors", "/archive", "/tags/python", "/tags/web", "/authors/alice"} \
        == set(paths)
    for url in root.iterfind("sm:url", NS):
        if urlsplit(url.find("sm:loc", NS).text).path == first:
            assert url.find("sm:lastmod", NS).text.endswith("Z")
    for path in paths:  # every address answers
        assert (await client.get(path)).status == 200, path


async def test_past_the_limit_the_sitemap_becomes_an_index_of_numbered_files(aiohttp_client, config):
    app = create_app(config)
    app[SITEMAP_URLS_PER_FILE] = 4  # instead of 50,000 real posts
    client = await aiohttp_client(app)
    await register(client, "alice")
    posts = [await create_post(client, title=f"Post {n}") for n in range(9)]
    await trash_post(client, posts[5])
    root = await read_xml(client, "/sitemap.xml")
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    files = locations(root)
    assert files == ["/sitemaps/pages.xml", "/sitemaps/posts-1.xml", "/sitemaps/posts-2.xml", "/sitemaps/posts-3.xml"]
    listed: list[str] = []
    for path in files[1:]:
        file = await read_xml(client, path)
        assert len(locations(file)) <= 4
        listed += locations(file)
    assert listed == [location for n, location in enumerate(posts) if n != 5]  # ids 1-4, 5-8, 9
    pages = locations(await read_xml(client, "/sitemaps/pages.xml"))
    assert pages == ["/", "/tags", "/authors", "/archive"]  # capped at the limit too
    assert (await client.get("/sitemaps/posts-4.xml")).status == 404
    assert (await client.get("/sitemaps/posts-0.xml")).status == 404


async def test_a_sitemap_file_with_no_public_post_is_not_listed(aiohttp_client, config):
    app = create_app(config)
    app[SITEMAP_URLS_PER_FILE] = 2
    client = await aiohttp_client(app)
    await register(client, "alice")
    posts = [await create_post(client, title=f"Post {n}") for n in range(5)]
    for location in posts[2:4]:  # ids 3 and 4: all of file 2
        await trash_post(client, location)
    files = locations(await read_xml(client, "/sitemap.xml"))
    assert files == ["/sitemaps/pages.xml", "/sitemaps/posts-1.xml", "/sitemaps/posts-3.xml"]
    assert (await client.get("/sitemaps/posts-2.xml")).status == 404


async def test_sitemap_and_robots_answer_conditional_requests(client):
    for path in ("/sitemap.xml", "/robots.txt"):
        first = await client.get(path)
        again = await client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status == 304, path
