"""Cached pages answered before aiohttp routes the request.

A page in the page cache is the same bytes for every reader without cookies or a token.
Profiled under load, routing, the middleware chain and the response signals took about a
third of such a request's time; here the cache is asked first, in aiohttp's low-level
server, and a hit goes straight out. Everything else (a miss, a cookie, a token, the API,
whose CORS headers depend on the request) goes on to the app as usual, where the first
middleware (page_cache.serve_cached_pages) makes and keeps pages.

`python -m blog serve` installs this (ops/server.py); the app alone, as tests build it,
answers the same pages through that middleware."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

from aiohttp import web

from blog.web.page_cache import PageCache, send_cached
from blog.web.paths import API_PREFIX, IMAGES_PREFIX, STATIC_PREFIX

APP_ONLY_PREFIXES = tuple(prefix + "/" for prefix in (API_PREFIX, STATIC_PREFIX, IMAGES_PREFIX))


def answer_cached_pages_first(server: web.Server, cache: PageCache, *, base_url: str,
                              notice_changes: Callable[[], Awaitable[None]], request_ids: Iterator[str],
                              before_sending: Callable[[web.BaseRequest], object] | None) -> None:
    """Puts the cache in front of `server`'s handler (the app). `before_sending` sees each
    request answered here (the access log's client address needs the configuration)."""
    app_handler = server.request_handler

    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        if (request.method == "GET" or request.method == "HEAD") and _for_everybody(request):
            address = cache.address(request, base_url)
            # A page is here: first hear of other processes' writes, which may empty it. (A miss
            # goes on to the app, whose first middleware waits for them: once is enough.)
            if cache.get(address) is not None:
                await notice_changes()
                page = cache.get(address)
                if page is not None:
                    if before_sending is not None:
                        before_sending(request)
                    return send_cached(request, page, next(request_ids))
        return await app_handler(request)

    server.request_handler = handler


def _for_everybody(request: web.BaseRequest) -> bool:
    headers = request.headers
    return ("Cookie" not in headers and "Authorization" not in headers and "Upgrade" not in headers
            and not request.path.startswith(APP_ONLY_PREFIXES))
