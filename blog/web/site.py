"""The site's own identity: its name, tagline and footer, wherever the site names itself
(the header, <title>, feeds, mails, link previews).

Today these are the defaults below; the writers' tools issue stores an admin's choices
in the database and returns them from here, so no caller needs to change."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from blog.keys import CONFIG


@dataclass(frozen=True)
class Site:
    title: str
    description: str
    footer: str
    registration_open: bool


DEFAULT_TITLE = "blog"
DEFAULT_DESCRIPTION = "A small team's blog."
DEFAULT_FOOTER = "Served by blog, a small team's blog on aiohttp."


async def current_site(request: web.Request) -> Site:
    config = request.config_dict[CONFIG]
    return Site(DEFAULT_TITLE, DEFAULT_DESCRIPTION, DEFAULT_FOOTER, config.registration_open)
