"""Noticing what other processes wrote, before anything reads a cache.

Every process keeps caches (pages, lists, live sessions) that a write empties. A
write made by another process (a worker, seed-demo, ending a session) is noticed
through the store's change check, which must run before any of those caches is
read: first thing in every request, whatever the order of the other middlewares."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from blog.store.db import Database


def notice_changes(db: Database) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        db.notice_changes()
        return await handler(request)

    return middleware
