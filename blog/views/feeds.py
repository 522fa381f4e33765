"""Atom and RSS feeds of the newest public posts: the whole blog, a tag, an author.

feedgen writes the XML (escaping included); each feed is made once per change of the
data and answers conditional requests (see web/documents.py)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler
from feedgen.feed import FeedGenerator

from blog import clock
from blog.content.absolute_links import absolute_links
from blog.content.post_form import normalise_tag
from blog.keys import STORE
from blog.store.posts import Post
from blog.store.users import User
from blog.web.documents import Document, make_document, remembered, send
from blog.web.site import Site, current_site
from blog.web.urls import absolute_url

FORMATS = {"atom": "application/atom+xml; charset=utf-8", "rss": "application/rss+xml; charset=utf-8"}
FEED_LANGUAGE = "en"


@dataclass(frozen=True)
class FeedLink:
    """A feed as the <head> of a page announces it."""

    title: str
    href: str
    type: str = "application/atom+xml"


def site_feed_link(request: web.Request, site: Site) -> FeedLink:
    return FeedLink(site.title, str(request.app.router["site_feed"].url_for(format="atom")))


def tag_feed_link(request: web.Request, site: Site, tag: str) -> FeedLink:
    return FeedLink(f"{site.title}: posts tagged {tag}",
                    str(request.app.router["tag_feed"].url_for(tag=tag, format="atom")))


def author_feed_link(request: web.Request, site: Site, username: str) -> FeedLink:
    return FeedLink(f"{site.title}: posts by {username}",
                    str(request.app.router["author_feed"].url_for(username=username, format="atom")))


def _url(request: web.Request, route: str, **parts: str) -> str:
    return absolute_url(request, str(request.app.router[route].url_for(**parts)))


def _add_entry(request: web.Request, feed: FeedGenerator, post: Post) -> None:
    link = _url(request, "post", id=str(post.id), slug=post.slug)
    entry = feed.add_entry(order="append")
    entry.id(link)
    entry.title(post.title)
    entry.link(href=link, rel="alternate")
    entry.author(name=post.author, uri=_url(request, "author", username=post.author))
    entry.dc.dc_creator(post.author)  # RSS's own <author> must be an email address, which we never publish
    assert post.published_at is not None  # public posts have one
    entry.published(clock.parse(post.published_at))
    entry.updated(clock.parse(max(post.updated_at, post.published_at)))
    entry.summary(post.summary or post.excerpt)
    entry.content(absolute_links(post.body_html, link), type="html")
    for tag in post.tags:
        entry.category(term=tag, label=tag, scheme=_url(request, "tag", tag=tag))


def _render(request: web.Request, fmt: str, title: str, description: str, page_url: str,
            posts: list[Post]) -> Document:
    """The feed's XML; `page_url` is the HTML page it follows (its id and alternate link)."""
    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)
    feed.id(page_url)
    feed.title(title)
    feed.subtitle(description)  # RSS's required <description>
    feed.link(href=page_url, rel="alternate")
    feed.link(href=absolute_url(request, request.path), rel="self")
    feed.language(FEED_LANGUAGE)
    feed.generator("blog")
    # The feed's time is its newest entry's, so the same posts always make the same bytes (and ETag).
    newest = max((clock.parse(max(p.updated_at, p.published_at or "")) for p in posts), default=None)
    feed.updated(newest or clock.parse("1970-01-01T00:00:00Z"))
    for post in posts:
        _add_entry(request, feed, post)
    body: bytes = feed.atom_str(pretty=False) if fmt == "atom" else feed.rss_str(pretty=False)
    return make_document(body, FORMATS[fmt], newest)


def _format(request: web.Request) -> str:
    return request.match_info["format"]  # the route admits only the FORMATS


async def site_feed(request: web.Request) -> web.Response:
    fmt, site = _format(request), await current_site(request)

    async def make() -> Document:
        posts = await request.config_dict[STORE].feeds.newest()
        return _render(request, fmt, site.title, site.description, _url(request, "index"), posts)

    return send(request, await remembered(request, request.path, make))


async def tag_feed(request: web.Request) -> web.Response:
    fmt, site, tag = _format(request), await current_site(request), request.match_info["tag"]
    store = request.config_dict[STORE]
    if normalise_tag(tag) != tag or not await store.catalog.tag_exists(tag):
        raise web.HTTPNotFound(text="No published post has this tag.")

    async def make() -> Document:
        posts = await store.feeds.newest(tag=tag)
        return _render(request, fmt, f"{site.title}: posts tagged {tag}", f"Posts tagged “{tag}” on {site.title}.",
                       _url(request, "tag", tag=tag), posts)

    return send(request, await remembered(request, request.path, make))


async def author_feed(request: web.Request) -> web.Response:
    fmt, site = _format(request), await current_site(request)
    store = request.config_dict[STORE]
    author: User | None = await store.users.by_username(request.match_info["username"])
    if author is None:
        raise web.HTTPNotFound(text="There is nobody with that name here.")
    if author.username != request.match_info["username"]:  # one address per feed: the name as written
        raise web.HTTPMovedPermanently(location=str(request.app.router["author_feed"].url_for(
            username=author.username, format=fmt)))

    async def make() -> Document:
        assert author is not None
        posts = await store.feeds.newest(author_id=author.id)
        return _render(request, fmt, f"{site.title}: posts by {author.username}",
                       author.bio or f"Posts by {author.username} on {site.title}.",
                       _url(request, "author", username=author.username), posts)

    return send(request, await remembered(request, request.path, make))


def _redirect_to(route: str, fmt: str) -> Handler:
    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently(location=str(request.app.router[route].url_for(format=fmt)))

    return redirect


def setup_routes(app: web.Application) -> None:
    format_pattern = "{format:" + "|".join(FORMATS) + "}"
    app.router.add_get(f"/feed.{format_pattern}", site_feed, name="site_feed")
    app.router.add_get(f"/tags/{{tag}}/feed.{format_pattern}", tag_feed, name="tag_feed")
    app.router.add_get(f"/authors/{{username}}/feed.{format_pattern}", author_feed, name="author_feed")
    # Where people and feed readers look for a feed first.
    for path, fmt in (("/feed.xml", "atom"), ("/atom.xml", "atom"), ("/rss", "rss"), ("/rss.xml", "rss")):
        app.router.add_get(path, _redirect_to("site_feed", fmt))
