"""Lists a reader browses by: every tag, every author, and the people an author follows
or is followed by."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.keys import STORE
from blog.store.catalog import MAX_SHOWN
from blog.store.users import User
from blog.views.link_previews import list_preview
from blog.web.site import current_site


async def _author(request: web.Request) -> User:
    author = await request.config_dict[STORE].users.by_username(request.match_info["username"])
    if author is None:
        raise web.HTTPNotFound(text="There is nobody with that name here.")
    return author


@aiohttp_jinja2.template("browse/tags.html")
async def tags(request: web.Request) -> dict[str, Any]:
    site = await current_site(request)
    found = await request.config_dict[STORE].catalog.tags()
    return {"tags": found, "limited": len(found) >= MAX_SHOWN,
            "preview": list_preview(request, site, "Tags", f"Every tag of {site.title}, the most used first.")}


@aiohttp_jinja2.template("browse/authors.html")
async def authors(request: web.Request) -> dict[str, Any]:
    site = await current_site(request)
    found = await request.config_dict[STORE].catalog.authors()
    return {"authors": found, "limited": len(found) >= MAX_SHOWN,
            "preview": list_preview(request, site, "Authors", f"Everybody who writes for {site.title}.")}


async def _people(request: web.Request, which: str) -> dict[str, Any]:
    author, catalog = await _author(request), request.config_dict[STORE].catalog
    after = request.query.get("after") or None
    found = await (catalog.followers if which == "followers" else catalog.following)(author.id, after)
    heading = (f"People who follow {author.username}" if which == "followers"
               else f"People {author.username} follows")
    return {"author": author, "people": found.people, "heading": heading, "which": which,
            "next_url": str(request.rel_url.with_query(after=found.next_after)) if found.next_after else None}


@aiohttp_jinja2.template("browse/people.html")
async def followers(request: web.Request) -> dict[str, Any]:
    return await _people(request, "followers")


@aiohttp_jinja2.template("browse/people.html")
async def following(request: web.Request) -> dict[str, Any]:
    return await _people(request, "following")


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/tags", tags, name="tags")
    app.router.add_get("/authors", authors, name="authors")
    app.router.add_get("/authors/{username}/followers", followers, name="followers")
    app.router.add_get("/authors/{username}/following", following, name="following")
