"""Absolute addresses, for wherever a link leaves the site: feeds, the sitemap, link
previews, mails. BLOG_BASE_URL when it is set; the request's own scheme and Host otherwise."""

from __future__ import annotations

from aiohttp import web

from blog.keys import CONFIG


def public_base(request: web.Request) -> str:
    """https://blog.example.com, without a final slash."""
    return request.config_dict[CONFIG].base_url or f"{request.scheme}://{request.host}"


def absolute_url(request: web.Request, path: str) -> str:
    """The absolute form of a path of this site ("/posts/1/x" -> "https://host/posts/1/x")."""
    return public_base(request) + (path if path.startswith("/") else "/" + path)
