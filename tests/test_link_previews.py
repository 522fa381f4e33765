"""What a shared link shows and search engines read: canonical links, descriptions, Open
Graph, Twitter cards and JSON-LD, with absolute addresses from BLOG_BASE_URL or the request."""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from cryptography.fernet import Fernet

from blog.config import Config

from .conftest import register
from .posts_helpers import create_post, make_image

HOSTILE_TITLE = '"Quotes" & <b>bold</b> </script><script>alert(1)</script>'


class Head(HTMLParser):
    """The <head>'s meta tags, links and JSON-LD, as a crawler reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str | None]] = []
        self.json_ld: list[str] = []
        self._in_json = False
        self._in_head = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if not self._in_head:
            return
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta.setdefault(a.get("property") or a["name"] or "", []).append(a.get("content") or "")
        elif tag == "link":
            self.links.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_json = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json = False
        if tag == "head":
            self._in_head = False

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.json_ld[-1] += data

    def one(self, name: str) -> str:
        values = self.meta.get(name, [])
        assert len(values) == 1, (name, values)
        return values[0]

    def canonical(self) -> str:
        found = [link["href"] for link in self.links if link.get("rel") == "canonical"]
        assert len(found) == 1, found
        return str(found[0])


async def head_of(browser, path: str, **kwargs) -> tuple[Head, str]:  # type: ignore[no-untyped-def]
    response = await browser.get(path, **kwargs)
    assert response.status == 200, path
    page = await response.text()
    parser = Head()
    parser.feed(page)
    return parser, page


async def test_a_post_page_has_canonical_description_open_graph_twitter_and_json_ld(client):
    await register(client, "alice")
    location = await create_post(client, title="Sharing links", summary="What a preview shows.", tags="web, seo",
                                 image=("p.png", make_image("PNG"), "image/png"))
    head, page = await head_of(client, location)
    base = str(client.make_url("/")).rstrip("/")
    assert head.canonical() == base + location
    assert head.one("description") == "What a preview shows."
    assert head.one("og:type") == "article"
    assert head.one("og:title") == "Sharing links"
    assert head.one("og:description") == "What a preview shows."
    assert head.one("og:url") == base + location
    assert head.one("og:site_name") == "blog"
    assert head.one("og:image").startswith(base + "/images/") and head.one("og:image").endswith(".png")
    assert head.one("article:published_time").endswith("Z")
    assert head.one("article:author") == base + "/authors/alice"
    assert head.meta["article:tag"] == ["web", "seo"]
    assert head.one("twitter:card") == "summary_large_image"
    assert "robots" not in head.meta
    [data] = [json.loads(text) for text in head.json_ld]
    assert data["@type"] == "BlogPosting" and data["@context"] == "https://schema.org"
    assert data["headline"] == "Sharing links" and data["url"] == base + location
    assert data["author"] == {"@type": "Person", "name": "alice", "url": base + "/authors/alice"}
    assert data["image"] == head.one("og:image") and data["keywords"] == ["web", "seo"]


async def test_without_a_summary_the_description_is_the_excerpt_and_no_image_means_a_small_card(client):
    await register(client, "alice")
    location = await create_post(client, title="Plain", body="The **first** words of the body.")
    head, _ = await head_of(client, location)
    assert head.one("description") == "The first words of the body."
    assert "og:image" not in head.meta and head.one("twitter:card") == "summary"


async def test_a_title_with_quotes_or_markup_stays_inert_everywhere(client):
    await register(client, "alice")
    location = await create_post(client, title=HOSTILE_TITLE, summary='A "summary" <i>with</i> markup')
    head, page = await head_of(client, location)
    assert "<script>alert(1)" not in page and "<b>bold</b>" not in page
    assert head.one("og:title") == HOSTILE_TITLE and head.one("twitter:title") == HOSTILE_TITLE
    assert head.one("description") == 'A "summary" <i>with</i> markup'
    [text] = head.json_ld
    assert "</script>" not in text and "\\u003c/script\\u003e" in text
    assert json.loads(text)["headline"] == HOSTILE_TITLE


async def test_a_draft_is_not_for_search_engines(client):
    await register(client, "alice")
    location = await create_post(client, title="Not yet", status="draft")
    head, _ = await head_of(client, location)
    assert head.one("robots") == "noindex"


@pytest.mark.parametrize("path, description", [
    ("/", "A small team's blog."),
    ("/tags/python", "Posts tagged “python” on blog."),
    ("/authors/alice", "I write about Python."),
])
async def test_home_tag_and_author_pages_have_a_description_and_a_canonical_link(client, path, description):
    await register(client, "alice")
    await _set_bio(client, "I write about Python.")
    await create_post(client, title="Tagged", tags="python")
    head, _ = await head_of(client, path + "?before=2999-01-01T00:00:00.000000Z,1&utm_source=chat")
    base = str(client.make_url("/")).rstrip("/")
    assert head.one("description") == description
    assert head.canonical() == base + path + "?before=2999-01-01T00:00:00.000000Z,1"  # paging kept, noise dropped
    assert head.one("og:type") == "website" and head.one("og:site_name") == "blog"


async def _set_bio(client, bio: str) -> None:  # type: ignore[no-untyped-def]
    from blog.keys import STORE

    store = client.app[STORE]
    user = await store.users.by_username("alice")
    await store.users.update_profile(user.id, {"bio": bio})


async def test_absolute_addresses_come_from_the_request_when_no_base_url_is_set(client, other_browser):
    await register(client, "alice")
    location = await create_post(client, title="Hosted")
    for host in ("blog.example.org", "other.example.net:8443"):
        head, _ = await head_of(client, location, headers={"Host": host})
        assert head.canonical() == f"http://{host}{location}"
    reader = other_browser()  # anonymous: served from the page cache, which keeps one copy per address
    for browser in (client, reader):
        for host in ("a.example.org", "b.example.org"):
            head, _ = await head_of(browser, "/", headers={"Host": host})
            assert head.canonical() == f"http://{host}/"


async def test_absolute_addresses_come_from_blog_base_url_when_it_is_set(make_client, tmp_path):
    config = Config(data_dir=tmp_path / "data", secret_key=Fernet.generate_key().decode(),
                    base_url="https://Blog.Example.com/")
    client = await make_client(config)
    await register(client, "alice")
    location = await create_post(client, title="Based")
    head, _ = await head_of(client, location, headers={"Host": "evil.example"})
    assert head.canonical() == "https://blog.example.com" + location
    assert head.one("og:url") == "https://blog.example.com" + location
    robots = await (await client.get("/robots.txt", headers={"Host": "evil.example"})).text()
    assert "Sitemap: https://blog.example.com/sitemap.xml" in robots


@pytest.mark.parametrize("value", [
    "blog.example.com", "ftp://blog.example.com", "https://blog.example.com/blog", "https://user:pw@example.com",
    "https://example.com:port", "https://example.com/?a=1", "https://", "https://example.com/#top",
])
def test_an_invalid_blog_base_url_is_refused_at_start_with_one_clear_line(tmp_path, value):
    result = subprocess.run([sys.executable, "-m", "blog", "serve", "--data-dir", str(tmp_path)],
                            capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "BLOG_BASE_URL": value, "PYTHONPATH": ":".join(sys.path)})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: BLOG_BASE_URL"), result.stderr
    assert not (tmp_path / "blog.sqlite3").exists()


@pytest.mark.parametrize("value, kept", [("https://blog.example.com", "https://blog.example.com"),
                                         ("http://Blog.Example.com:8080/", "http://blog.example.com:8080")])
def test_a_valid_blog_base_url_is_kept_without_its_final_slash(value, kept):
    assert Config.from_env({"BLOG_BASE_URL": value}).base_url == kept
