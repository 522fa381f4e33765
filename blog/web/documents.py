"""Documents made from the data for machines (feeds, sitemaps, robots.txt): made once per
change of the data and per public address, kept in memory, and answered with 304 when the
client already has them (ETag first, Last-Modified for clients that only send a date)."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from blog.keys import DOCUMENTS
from blog.web.conditional import not_modified
from blog.web.urls import public_base

KEPT_MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Document:
    body: bytes
    content_type: str  # with its charset
    etag: str
    last_modified: datetime | None  # aware, UTC; None when nothing in it has a time


def make_document(body: bytes, content_type: str, last_modified: datetime | None = None) -> Document:
    """The ETag is the body's own hash: every process makes the same one for the same data."""
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    return Document(body, content_type, etag, last_modified.replace(microsecond=0) if last_modified else None)


async def remembered(request: web.Request, name: str, make: Callable[[], Awaitable[Document]]) -> Document:
    """The document `name` for this request's public address, made by `make` if not in memory.

    Documents larger than KEPT_MAX_BYTES (a sitemap file of 50,000 posts is 6.5 MB) are
    made again for each request rather than held: crawlers ask for them rarely."""
    large: list[Document] = []

    async def make_if_small() -> Document | None:
        document = await make()
        if len(document.body) <= KEPT_MAX_BYTES:
            return document
        large.append(document)
        return None  # not kept

    document = await request.config_dict[DOCUMENTS].get((public_base(request), name), make_if_small)
    return document if document is not None else large[0]


def send(request: web.Request, document: Document) -> web.Response:
    headers = {"ETag": document.etag}
    if document.last_modified is not None:
        headers["Last-Modified"] = document.last_modified.strftime("%a, %d %b %Y %H:%M:%S GMT")
    if not_modified(request, document.etag, document.last_modified):
        return web.Response(status=304, headers=headers)
    return web.Response(body=document.body, headers={**headers, "Content-Type": document.content_type})
