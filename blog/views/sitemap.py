"""For search engines: /robots.txt and the sitemap.

A small blog's /sitemap.xml lists everything. Past the protocol's limit of URLs per file
it becomes a sitemap index: one file of the site's own pages, tags and authors, and
numbered files of posts by ranges of ids, each read along the primary key (the same cost
for every file, however many posts come before it)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote
from xml.sax.saxutils import escape

from aiohttp import web

from blog.keys import SITEMAP_URLS_PER_FILE, STORE
from blog.store.catalog import AuthorCount, TagCount
from blog.store.sitemap import SitemapPost
from blog.web.documents import Document, make_document, remembered, send
from blog.web.paths import API_PREFIX
from blog.web.urls import absolute_url

SITEMAP_TYPE = "application/xml; charset=utf-8"
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
# The protocol allows 50,000 per file; 5,000 keeps a file under about a megabyte, so each is
# made once per change and answered from memory (a 50,000-post file is 6.5 MB, made again
# for every request), and a crawler fetches what changed in smaller pieces.
URLS_PER_FILE = 5_000
# Paths no crawler has any business in: accounts, writing, the trash, the API.
PRIVATE_PATHS = ("/login", "/register", "/logout", "/account", "/posts/new", "/posts/*/edit", "/posts/*/history",
                 "/posts/*/live", "/trash", "/preview", API_PREFIX + "/")
Url = tuple[str, str | None]  # an absolute address, and when it last changed (ISO 8601) if known


def _url(request: web.Request, route: str, **parts: str) -> str:
    return absolute_url(request, str(request.app.router[route].url_for(**parts)))


def _post_urls(request: web.Request, posts: list[SitemapPost]) -> list[Url]:
    """The posts' addresses, put together here rather than by the router: 50,000 calls of
    url_for take most of a second. The shape is the "post" route's (tests follow them)."""
    base = absolute_url(request, "/posts/")
    return [(f"{base}{post.id}/{quote(post.slug, safe='')}", _w3c(post.updated_at)) for post in posts]


def _w3c(moment: str | None) -> str | None:
    return None if moment is None else moment[:19] + "Z"


def _xml(root: str, child: str, urls: Iterable[Url]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<{root} xmlns="{NAMESPACE}">']
    for loc, lastmod in urls:
        modified = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<{child}><loc>{escape(loc)}</loc>{modified}</{child}>")
    lines.append(f"</{root}>")
    return "\n".join(lines).encode()


def _urlset(urls: Iterable[Url]) -> Document:
    return make_document(_xml("urlset", "url", urls), SITEMAP_TYPE)


def _site_pages(request: web.Request, tags: list[TagCount], authors: list[AuthorCount]) -> list[Url]:
    newest = max([tag.last_published_at for tag in tags] + [a.last_published_at for a in authors], default=None)
    urls: list[Url] = [(_url(request, "index"), _w3c(newest))]
    urls += [(_url(request, name), None) for name in ("tags", "authors", "archive")]
    urls += [(_url(request, "author", username=a.author.username), _w3c(a.last_published_at)) for a in authors]
    urls += [(_url(request, "tag", tag=tag.tag), _w3c(tag.last_published_at)) for tag in tags]
    return urls


async def sitemap(request: web.Request) -> web.Response:
    store, per_file = request.config_dict[STORE], request.config_dict[SITEMAP_URLS_PER_FILE]

    async def make() -> Document:
        tags, authors = await store.catalog.tags(per_file), await store.catalog.authors(per_file)
        pages = _site_pages(request, tags, authors)
        if await store.sitemap.highest_post_id() + len(pages) <= per_file:
            posts = await store.sitemap.posts_in_file(1, per_file)
            return _urlset([*pages, *_post_urls(request, posts)])
        files = [_url(request, "sitemap_pages")]
        files += [_url(request, "sitemap_posts", number=str(n)) for n in await store.sitemap.files_with_posts(per_file)]
        return make_document(_xml("sitemapindex", "sitemap", ((file, None) for file in files)), SITEMAP_TYPE)

    return send(request, await remembered(request, "sitemap", make))


async def sitemap_pages(request: web.Request) -> web.Response:
    store, per_file = request.config_dict[STORE], request.config_dict[SITEMAP_URLS_PER_FILE]

    async def make() -> Document:
        urls = _site_pages(request, await store.catalog.tags(per_file), await store.catalog.authors(per_file))
        return _urlset(urls[:per_file])

    return send(request, await remembered(request, "sitemap-pages", make))


async def sitemap_posts(request: web.Request) -> web.Response:
    store, per_file = request.config_dict[STORE], request.config_dict[SITEMAP_URLS_PER_FILE]
    number = int(request.match_info["number"])

    async def make() -> Document:
        return _urlset(_post_urls(request, await store.sitemap.posts_in_file(number, per_file)))

    if not 1 <= number <= await store.sitemap.highest_post_id() // per_file + 1:
        raise web.HTTPNotFound(text="There is no sitemap file with this number.")
    document = await remembered(request, f"sitemap-posts-{number}", make)
    if document.body.count(b"<url>") == 0:
        raise web.HTTPNotFound(text="No published post falls in this sitemap file.")
    return send(request, document)


async def robots(request: web.Request) -> web.Response:
    async def make() -> Document:
        # The exceptions first: some crawlers take the first rule that matches.
        lines = ["User-agent: *", *(f"Disallow: {path}" for path in PRIVATE_PATHS), "Allow: /",
                 "", f"Sitemap: {_url(request, 'sitemap')}", ""]
        return make_document("\n".join(lines).encode(), "text/plain; charset=utf-8")

    return send(request, await remembered(request, "robots", make))


def setup_routes(app: web.Application) -> None:
    app[SITEMAP_URLS_PER_FILE] = URLS_PER_FILE  # tests lower it to see the index without 5,000 posts
    app.router.add_get("/robots.txt", robots, name="robots")
    app.router.add_get("/sitemap.xml", sitemap, name="sitemap")
    app.router.add_get("/sitemaps/pages.xml", sitemap_pages, name="sitemap_pages")
    app.router.add_get(r"/sitemaps/posts-{number:[1-9]\d{0,8}}.xml", sitemap_posts, name="sitemap_posts")
