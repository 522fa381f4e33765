"""What search engines and link previews read in a page's <head>: the canonical address, a
description, Open Graph and Twitter tags, JSON-LD, and the page's feeds.

Values are plain text here; the template escapes them (and `tojson` escapes the JSON-LD
for a <script> element), so a title with quotes or markup stays inert."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from blog.store.posts import Post
from blog.views.feeds import FeedLink, site_feed_link
from blog.web.site import Site
from blog.web.urls import absolute_url

DESCRIPTION_MAX = 300
PAGING_PARAMETERS = ("before", "after", "page")


@dataclass(frozen=True)
class LinkPreview:
    canonical: str
    description: str
    open_graph: list[tuple[str, str]]
    twitter: list[tuple[str, str]]
    feeds: list[FeedLink]
    json_ld: dict[str, Any] | None = None
    noindex: bool = False


def _url(request: web.Request, route: str, **parts: str) -> str:
    return absolute_url(request, str(request.app.router[route].url_for(**parts)))


def canonical_of(request: web.Request) -> str:
    """This page's absolute address, keeping only the parameters that choose a page of a list."""
    kept = {name: request.query[name] for name in PAGING_PARAMETERS if request.query.get(name)}
    return absolute_url(request, str(request.rel_url.with_query(kept)))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1].rsplit(" ", 1)[0] + "…"


def list_preview(request: web.Request, site: Site, title: str, description: str,
                 feeds: list[FeedLink] | None = None) -> LinkPreview:
    """The home page and the lists by tag, author or period."""
    canonical, description = canonical_of(request), _short(description)
    return LinkPreview(
        canonical, description,
        [("og:type", "website"), ("og:title", title), ("og:description", description), ("og:url", canonical),
         ("og:site_name", site.title)],
        [("twitter:card", "summary"), ("twitter:title", title), ("twitter:description", description)],
        [site_feed_link(request, site), *(feeds or [])],
    )


def post_preview(request: web.Request, site: Site, post: Post) -> LinkPreview:
    canonical = _url(request, "post", id=str(post.id), slug=post.slug)
    description = _short(post.summary or post.excerpt)
    author_url = _url(request, "author", username=post.author)
    image = _url(request, "image", name=post.image) if post.image else None
    graph = [("og:type", "article"), ("og:title", post.title), ("og:description", description),
             ("og:url", canonical), ("og:site_name", site.title)]
    if image:
        graph += [("og:image", image), ("og:image:alt", post.image_alt or post.title)]
    if post.published_at:
        graph.append(("article:published_time", post.published_at))
    graph += [("article:modified_time", post.updated_at), ("article:author", author_url)]
    graph += [("article:tag", tag) for tag in post.tags]
    twitter = [("twitter:card", "summary_large_image" if image else "summary"), ("twitter:title", post.title),
               ("twitter:description", description)]
    json_ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": description,
        "url": canonical,
        "mainEntityOfPage": canonical,
        "datePublished": post.published_at,
        "dateModified": post.updated_at,
        "author": {"@type": "Person", "name": post.author, "url": author_url},
        "publisher": {"@type": "Organization", "name": site.title, "url": _url(request, "index")},
        "keywords": list(post.tags),
    }
    if image:
        json_ld["image"] = image
    return LinkPreview(canonical, description, graph, twitter, [site_feed_link(request, site)], json_ld,
                       noindex=not post.is_public)  # a draft, shown only to its writers
