"""Pages that are the same for every reader (the home page, tag pages), rendered once per
change of the data; each reader's own nav is then set into them.

The page cache serves readers without a session; this serves everybody else without
rendering the list again, which is what makes a logged-in home page cheap."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.keys import PAGE_READS, SHARED_PAGE
from blog.store.db import Database
from blog.store.remembered import Remembered
from blog.web.urls import public_base

NAV_MARK = "<!--blog:nav-->"


class Part(bytes):
    """Some of a page's bytes, with a digest of them made once (the page's ETag is the
    shared part's and the nav's, so a kept page needs no hash of its whole body)."""

    tag: str

    def __new__(cls, text: str) -> Part:
        part = super().__new__(cls, text.encode())
        part.tag = hashlib.blake2b(part, digest_size=9).hexdigest()
        return part


class SharedPages:
    def __init__(self, db: Database, max_entries: int = 300) -> None:
        self.max_entries = max_entries
        # The shared parts (before and after the nav), until the next change.
        self.pages: Remembered[tuple[Part, Part]] = Remembered(db, max_entries)
        # A reader's nav depends only on who they are and their CSRF token: made once each.
        self._navs: OrderedDict[tuple[object, ...], Part] = OrderedDict()

    def nav(self, request: web.Request, who: tuple[object, ...] | None) -> Part:
        nav = self._navs.get(who) if who is not None else None
        if nav is None:
            nav = Part(aiohttp_jinja2.render_string("nav.html", request, {}))
            if who is None:
                return nav
            self._navs[who] = nav
            if len(self._navs) > self.max_entries:
                self._navs.popitem(last=False)
        return nav


async def render_shared(
    request: web.Request, pages: SharedPages, template: str, make_context: Callable[[], Awaitable[dict[str, Any]]],
    who: tuple[object, ...] | None, reads: Collection[str],
) -> web.Response:
    """The page for this reader: the shared part (rendered now if needed) around their nav.

    `who` is everything the reader's nav shows (None: make it afresh, keep nothing). `reads`
    names the query parameters the page depends on: the shared part is kept under those only,
    so a link with parameters the page ignores (utm_source, fbclid, a cache buster: each
    click on a shared link brings its own) is not rendered again for each of them."""

    async def render() -> tuple[Part, Part]:
        context = {**await make_context(), "shared_page": True}
        before, _, after = aiohttp_jinja2.render_string(template, request, context).partition(NAV_MARK)
        return Part(before), Part(after)

    # By public address too: the shared part holds absolute links (canonical, feeds).
    chosen = tuple(request.query.get(name) or None for name in reads)
    parts = await pages.pages.get((public_base(request), request.path, chosen), render)
    assert parts is not None
    nav = pages.nav(request, who)
    request[SHARED_PAGE] = True  # the page cache may keep it for this session (web/page_cache.py)
    request[PAGE_READS] = tuple(reads)  # and keep it under those parameters alone
    return web.Response(body=b"".join((parts[0], nav, parts[1])), content_type="text/html", charset="utf-8",
                        headers={"ETag": f'"{parts[0].tag}{nav.tag}{parts[1].tag}"'})
