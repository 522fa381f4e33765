"""Conditional GETs: is the copy the client already has still this one (RFC 9110 13.1)?"""

from __future__ import annotations

from datetime import datetime

from aiohttp import web


def not_modified(request: web.BaseRequest, etag: str, last_modified: datetime | None) -> bool:
    """True when the client's copy is current: its ETag is among If-None-Match's, or, without
    that header, its date (If-Modified-Since) is not older than `last_modified` (aware, UTC)."""
    tags = request.headers.get("If-None-Match")
    if tags is not None:  # RFC 9110 13.1.3: the date is then ignored
        listed = {tag.strip().removeprefix("W/") for tag in tags.split(",")}
        return etag in listed or "*" in listed
    if last_modified is None or "If-Modified-Since" not in request.headers:
        return False
    since = request.if_modified_since
    return since is not None and last_modified <= since
