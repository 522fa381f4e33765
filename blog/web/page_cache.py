"""Rendered pages for anonymous readers, kept until the next write anyone can see.

A reader without a session cookie gets exactly what every other such reader
gets, so the page is rendered once and served from memory until a write
(a post, a comment, a favorite...) empties the cache. Anything that sets a
cookie is never kept, so nobody receives a page made for somebody else.

A signed-in reader's page is kept apart, under the exact Cookie header it was made
for, and only when its handler says it is made of shared parts and the reader's nav
(SHARED_PAGE): then it is the same for that session until the next write. It is kept
at most SESSION_PAGE_SECONDS and never past the session's own end; ending a session
is a write, so a logged-out cookie finds nothing here.

The middleware runs first of all, so that a page found here costs no more than its bytes:
no session, no other middleware, headers built once with the page. It also notices other
processes' writes first thing in every request, before this or any other cache is read."""

from __future__ import annotations

import asyncio
import enum
import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from multidict import CIMultiDict

from blog.keys import PAGE_READS, REQUEST_ID, SESSION_EXPIRES, SHARED_PAGE
from blog.web.conditional import not_modified
from blog.web.headers import ReadyResponse
from blog.web.paths import IMAGES_PREFIX, STATIC_PREFIX

UNCACHED_PREFIXES = tuple(prefix + "/" for prefix in (STATIC_PREFIX, IMAGES_PREFIX))


# Pages, the documents made for machines (feeds, sitemaps, robots.txt) and the API's answers
# to callers without a token, which are the same for every such reader too.
CACHED_TYPES = frozenset(("text/html", "application/atom+xml", "application/rss+xml", "application/xml",
                          "text/xml", "text/plain", "application/json"))
# The handler's headers that belong to one request, not to the page. Headers that depend on
# the request (CORS) are added as each response is prepared, after the cache.
PER_REQUEST_HEADERS = frozenset(("x-request-id", "set-cookie", "date", "content-length"))
# A session's page is made again at least this often, so its session's "last seen" (written
# when a request resolves the session, every few minutes) stays about right.
SESSION_PAGE_SECONDS = 60.0
# Paths whose parameters are known (the home page, each tag's page); past this many, start over.
# Their paths are short: a tag page answers only for a tag as tags are written (40 characters
# at most), and redirects or refuses any other text.
MAX_PATHS_LEARNT = 10_000


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    etag: str
    last_modified: datetime | None
    headers: CIMultiDict[str]  # of the 200: everything but the request id
    not_modified_headers: CIMultiDict[str]  # of a 304
    until: float = math.inf  # seconds since the epoch: served no later than this


class PageCache:
    def __init__(self, max_bytes: int = 16 * 1024 * 1024, *, headers: dict[str, str] | None = None) -> None:
        self.max_bytes = max_bytes
        self.headers = headers or {}  # the security headers every page carries
        self.generation = 0
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._size = 0
        # Pages being made: after a write, the readers who arrive together wait for one
        # render instead of each making the same page.
        self.rendering: dict[str, asyncio.Future[CachedPage | Outcome]] = {}
        # The query parameters each path's page reads, as its handler declared them (PAGE_READS):
        # a shared link comes back with a new utm_source or fbclid on each click, and those are
        # all one page. A property of the handler, not of the data: kept across writes.
        self._reads: dict[str, tuple[str, ...]] = {}

    def address(self, request: web.BaseRequest, base_url: str) -> str:
        """A page's key: its public address (pages hold absolute links: canonical, Open Graph).
        The path and query are taken as the client sent them, which costs nothing, where the
        parsed URL costs a deep page's long query string a tenth of its time (two spellings of
        one address are two entries, each made for its own spelling). A path whose page said
        which parameters it reads keeps those alone (_read_as_sent)."""
        raw = request.raw_path
        path, question_mark, query = raw.partition("?")
        if question_mark and (reads := self._reads.get(path)) is not None:
            chosen = _read_as_sent(query, reads)
            if chosen is None:  # a name spelled with escapes: as the handler decodes it
                decoded = request.query
                chosen = urlencode([(name, decoded[name]) for name in reads if decoded.get(name)])
            raw = f"{path}?{chosen}" if chosen else path
        return (base_url or f"{request.scheme}://{request.host}") + raw

    def learn(self, request: web.BaseRequest, reads: tuple[str, ...]) -> None:
        """Notes what the page at this request's path reads of its query string."""
        path = request.raw_path.partition("?")[0]
        if self._reads.get(path) != reads:
            if len(self._reads) >= MAX_PATHS_LEARNT:
                self._reads.clear()
            self._reads[path] = reads

    def __len__(self) -> int:
        """How many pages are kept."""
        return len(self._pages)

    def invalidate(self) -> None:
        self.generation += 1
        self._pages.clear()
        self._size = 0

    def get(self, key: str) -> CachedPage | None:
        page = self._pages.get(key)
        if page is not None:
            if page.until <= time.time():
                self._size -= len(self._pages.pop(key).body)
                return None
            self._pages.move_to_end(key)
        return page

    def put(self, key: str, generation: int, response: web.Response, until: float = math.inf) -> CachedPage | None:
        """Keeps the page unless a write happened while it was being rendered."""
        body = response.body
        if generation != self.generation or not isinstance(body, bytes) or len(body) > self.max_bytes // 16:
            return None
        headers = CIMultiDict((name, value) for name, value in response.headers.items()
                              if name.lower() not in PER_REQUEST_HEADERS)
        etag = headers.get("ETag") or headers.setdefault(
            "ETag", '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')
        headers.update(self.headers)
        not_modified_headers = headers.copy()
        not_modified_headers.popall("Content-Type", None)
        page = CachedPage(body, etag, response.last_modified, headers, not_modified_headers, until)
        self._pages[key] = page
        self._size += len(body)
        while self._size > self.max_bytes:
            _, oldest = self._pages.popitem(last=False)
            self._size -= len(oldest.body)
        return page


def _read_as_sent(query: str, reads: tuple[str, ...]) -> str | None:
    """The pairs of a raw query string that the page reads, as sent: the first of each name,
    none if that one is empty (`request.query.get(name) or None`, as the handlers read). None
    when a name is spelled with escapes, which only decoding can compare. Parsing the query
    instead cost a cached deep page a third of its speed."""
    chosen: list[str] = []
    seen: set[str] = set()
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if "%" in name or "+" in name or ";" in pair:
            return None
        if name in reads and name not in seen:
            seen.add(name)
            if value:
                chosen.append(pair)
    return "&".join(chosen)


def _cacheable(response: web.StreamResponse) -> bool:
    return (
        type(response) is web.Response
        and response.status == 200
        # Cookies live in response.cookies until prepare(); one means a session was started.
        and not response.cookies
        and "Set-Cookie" not in response.headers
        and response.content_type in CACHED_TYPES
    )


def send_cached(request: web.BaseRequest, page: CachedPage, request_id: str) -> web.Response:
    request[REQUEST_ID] = request_id
    if not_modified(request, page.etag, page.last_modified):
        response = ReadyResponse(status=304, headers=page.not_modified_headers)
    else:
        response = ReadyResponse(body=page.body, headers=page.headers)
    response.headers["X-Request-Id"] = request_id
    return response


def serve_cached_pages(cache: PageCache, session_pages: PageCache, *, session_cookie: str, base_url: str,
                       notice_changes: Callable[[], Awaitable[None]], request_ids: Iterator[str]) -> Middleware:
    """The first middleware: `cache` for readers without `session_cookie`, `session_pages`
    for signed-in readers' shared pages. `notice_changes` runs before anything else in every
    request (other processes' writes)."""
    marker = session_cookie + "="

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        await notice_changes()
        if request.method not in ("GET", "HEAD") or "Upgrade" in request.headers \
                or "Authorization" in request.headers or request.path.startswith(UNCACHED_PREFIXES):
            return await handler(request)
        cookie = request.headers.get("Cookie")
        if cookie is not None and (marker in cookie or session_cookie in request.cookies):
            return await _for_session(session_pages, cookie + "\n", base_url, request, handler, request_ids)
        address = cache.address(request, base_url)
        page = cache.get(address)
        if page is not None:
            return send_cached(request, page, next(request_ids))
        return await _through_cache(cache, address, base_url, request, handler, request_ids)

    return middleware


async def _for_session(pages: PageCache, cookies: str, base_url: str, request: web.Request, handler: Handler,
                       request_ids: Iterator[str]) -> web.StreamResponse:
    """A signed-in reader's page, under the exact cookies it was made for."""
    page = pages.get(cookies + pages.address(request, base_url))
    if page is not None:
        return send_cached(request, page, next(request_ids))
    generation = pages.generation
    response = await handler(request)
    if _cacheable(response) and request.get(SHARED_PAGE):
        expires = request.get(SESSION_EXPIRES)
        assert isinstance(response, web.Response)
        if expires is not None:
            key = cookies + _learnt_address(pages, request, base_url)
            kept = pages.put(key, generation, response, until=min(time.time() + SESSION_PAGE_SECONDS, expires))
            if kept is not None:
                return send_cached(request, kept, request.get(REQUEST_ID) or next(request_ids))
    return response


class Outcome(enum.Enum):
    """What readers waiting for another reader's render get when it made no page to share."""

    STALE = "a write came while it was made: make it again, one reader for all"
    PERSONAL = "not a page for everybody (an error, a cookie): each makes their own"


async def _through_cache(cache: PageCache, key: str, base_url: str, request: web.Request, handler: Handler,
                         request_ids: Iterator[str]) -> web.StreamResponse:
    while (rendering := cache.rendering.get(key)) is not None:  # someone is making it: wait for theirs
        theirs = await asyncio.shield(rendering)
        if isinstance(theirs, CachedPage):
            return send_cached(request, theirs, next(request_ids))
        if theirs is Outcome.PERSONAL:
            return await handler(request)
        # STALE: the first waiter to get here makes the page again; the others wait for it. (When
        # each made their own, every write during a render cost a render per waiting reader.)
    page = cache.get(key)
    if page is not None:
        return send_cached(request, page, next(request_ids))
    cache.rendering[key] = asyncio.get_running_loop().create_future()
    outcome: CachedPage | Outcome = Outcome.PERSONAL
    try:
        response, outcome = await _render(cache, base_url, request, handler)
        if isinstance(outcome, CachedPage):
            return send_cached(request, outcome, request.get(REQUEST_ID) or next(request_ids))
        return response
    finally:
        cache.rendering.pop(key).set_result(outcome)


async def _render(cache: PageCache, base_url: str, request: web.Request,
                  handler: Handler) -> tuple[web.StreamResponse, CachedPage | Outcome]:
    """The handler's response, and the page kept from it when anybody may have it."""
    generation = cache.generation
    response = await handler(request)
    if not _cacheable(response):
        return response, Outcome.PERSONAL
    assert isinstance(response, web.Response)
    if generation != cache.generation:
        return response, Outcome.STALE
    page = cache.put(_learnt_address(cache, request, base_url), generation, response)
    return response, page if page is not None else Outcome.PERSONAL


def _learnt_address(cache: PageCache, request: web.Request, base_url: str) -> str:
    """Where the page just made is kept: under the parameters it said it reads, if it did."""
    reads = request.get(PAGE_READS)
    if reads is not None:
        cache.learn(request, reads)
    return cache.address(request, base_url)
