r"""Ids in URLs: the one place a path's number becomes an id, or a 404.

Routes match any run of digits (`{id:\d+}`); a number SQLite cannot hold (above 2**63-1)
names nothing, and binding it would raise OverflowError deep in the store. Every handler
reads its ids through path_id, so no such number ever reaches a query."""

from __future__ import annotations

from aiohttp import web

from blog.store.db import SQLITE_INTEGER_MAX


def storable_id(value: object) -> int | None:
    """The value as an id (an int from 1 to SQLite's maximum), or None."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= SQLITE_INTEGER_MAX:
        return None
    return value


def path_id(request: web.Request, name: str = "id", missing: str = "There is no page at this address.") -> int:
    """The id in the URL's `name` part; 404 with `missing` when it is not one that can exist."""
    raw = request.match_info.get(name, "")
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 19 else None
    found = storable_id(number)
    if found is None:
        raise web.HTTPNotFound(text=missing)
    return found
