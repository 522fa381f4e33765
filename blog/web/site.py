"""The site's own identity: its name, tagline and footer, wherever the site names itself
(the header, <title>, feeds, mails, link previews), and the other settings an admin
chooses on /admin/settings: icon, navigation links, open registration, comments.

The stored settings are read through the store's remembered copy (no query until the
next change, in any process); what was never set takes the defaults of a fresh install,
the BLOG_* variables included (BLOG_REGISTRATION_OPEN)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from blog.keys import CONFIG, STORE


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str


@dataclass(frozen=True)
class Site:
    title: str
    description: str
    footer: str
    registration_open: bool
    icon: str | None = None  # the uploaded icon/logo: a stored image's file name
    nav_links: tuple[NavLink, ...] = ()
    comments_default: bool = True  # whether new posts take comments unless their author says otherwise


DEFAULT_TITLE = "blog"
DEFAULT_DESCRIPTION = "A small team's blog."
DEFAULT_FOOTER = "Served by blog, a small team's blog on aiohttp."


# The Site made from the last settings read: they are one dict until the next change, and a
# page asks for the Site two or three times (its context, its nav, its preview).
_last_made: tuple[dict[str, Any], bool, Site] | None = None


async def current_site(request: web.Request) -> Site:
    global _last_made
    registration_open = request.config_dict[CONFIG].registration_open
    stored = await request.config_dict[STORE].settings.stored()
    last = _last_made
    if last is not None and last[0] is stored and last[1] == registration_open:
        return last[2]
    site = site_from(stored, registration_open)
    _last_made = (stored, registration_open, site)
    return site


def site_from(stored: dict[str, Any], registration_open: bool) -> Site:
    """The Site for stored settings, each missing or malformed one taking its default."""
    def text(name: str, default: str) -> str:
        value = stored.get(name)
        return value if isinstance(value, str) else default

    def flag(name: str, default: bool) -> bool:
        value = stored.get(name)
        return value if isinstance(value, bool) else default

    links = stored.get("nav_links")
    nav_links = tuple(NavLink(str(link[0]), str(link[1])) for link in links
                      if isinstance(link, list) and len(link) == 2) if isinstance(links, list) else ()
    icon = stored.get("icon")
    return Site(
        title=text("title", DEFAULT_TITLE),
        description=text("description", DEFAULT_DESCRIPTION),
        footer=text("footer", DEFAULT_FOOTER),
        registration_open=flag("registration_open", registration_open),
        icon=icon if isinstance(icon, str) else None,
        nav_links=nav_links,
        comments_default=flag("comments_default", True),
    )
