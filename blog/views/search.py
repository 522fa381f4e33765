"""/search: full-text search of public posts from a plain GET form (the header's box)."""

from __future__ import annotations

import re
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.keys import STORE
from blog.store.search import MARK_END, MARK_START, MAX_PAGE

SUGGESTED_TAGS = 8
QUERY_SHOWN_MAX = 200
# Markdown's own punctuation, which would read as noise in a snippet of a post's source.
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)?")
_MARKUP = re.compile(r"[*`#|~\[\]]+|(?m:^\s*>+)|(?:^|(?<=\s))[-+>]\s+")


def readable(segments: tuple[tuple[str, bool], ...]) -> list[tuple[str, bool]]:
    """A snippet's segments without Markdown punctuation and link targets, whitespace collapsed.

    The cleaning runs over the whole snippet with the marks in place (private-use
    characters), so a link target with a matched word inside goes as a whole."""
    text = "".join(f"{MARK_START}{part}{MARK_END}" if marked else part for part, marked in segments)
    text = re.sub(r"\s+", " ", _MARKUP.sub(" ", _LINK_TARGET.sub("", text)))
    cleaned: list[tuple[str, bool]] = []
    for part in re.split(f"({MARK_START}[^{MARK_END}]*{MARK_END})", text):
        marked = part.startswith(MARK_START)
        part = part.strip(MARK_START + MARK_END)
        if part:
            cleaned.append((part, marked))
    return cleaned


def _page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4 and 1 <= int(raw) <= MAX_PAGE):
        raise web.HTTPBadRequest(text=f"Results go from page 1 to page {MAX_PAGE}. Start again from the first page.")
    return int(raw)


async def search(request: web.Request) -> web.Response:
    store = request.config_dict[STORE]
    text = request.query.get("q", "").strip()
    context: dict[str, Any] = {"query_text": text, "shown_query": _shorten(text), "results": None,
                               "more_url": None, "suggested_tags": []}
    if text:
        results = await store.search.posts(text, _page_number(request))
        context["results"] = results
        if results.more:
            context["more_url"] = str(request.rel_url.with_query(q=text, page=results.page + 1))
        if not results.hits:
            context["suggested_tags"] = [tag.tag for tag in (await store.catalog.tags())[:SUGGESTED_TAGS]]
    return aiohttp_jinja2.render_template("search/results.html", request, context)


def _shorten(text: str) -> str:
    return text if len(text) <= QUERY_SHOWN_MAX else text[:QUERY_SHOWN_MAX] + "…"


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/search", search, name="search")
