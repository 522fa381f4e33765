"""Jinja2 set-up: the loader, filters, and the context every template receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import get_session
from markupsafe import Markup

from blog import clock
from blog.keys import CURRENT_USER
from blog.web.csrf import ensure_csrf_token
from blog.web.site import current_site

POST_ITEMS_KEPT = 5000  # a few KB each


async def site_context(request: web.Request) -> dict[str, Any]:
    """Puts the user (and the session's username) and a CSRF token maker in every template.

    The token is made only when a template asks for it, so pages without a form
    never start a session for an anonymous reader."""
    user = request.get(CURRENT_USER)
    session = await get_session(request)
    site = await current_site(request)
    return {
        "current_user": user,
        "username": user.username if user else None,
        "csrf_token": lambda: ensure_csrf_token(session),
        "registration_open": site.registration_open,
        "site": site,
    }


def format_time(value: str | datetime | None, style: str = "%d %b %Y, %H:%M UTC") -> str:
    if value is None:
        return ""
    moment = clock.parse(value) if isinstance(value, str) else value
    return moment.strftime(style)


class Urls:
    """`url('name', **parts)` for templates, remembered: the router's url_for is slow, and a
    static file's versioned URL reads and hashes the file on every call. URLs are a pure
    function of the route and its parts, and the router is frozen once the app runs."""

    MAX_REMEMBERED = 20_000

    def __init__(self, router: web.UrlDispatcher) -> None:
        self.router = router
        self._known: dict[tuple[object, ...], str] = {}

    def __call__(self, route: str, /, **parts: str | int) -> str:
        key = (route, *sorted(parts.items()))
        url = self._known.get(key)
        if url is None:
            url = str(self.router[route].url_for(**{part: str(value) for part, value in parts.items()}))
            if len(self._known) < self.MAX_REMEMBERED:
                self._known[key] = url
        return url


class KeptCalls:
    """`name(*args)` for templates: a macro's HTML kept by its arguments, for a macro whose HTML
    depends on nothing else (imported without context, it cannot see the reader). A post's item
    in a list is made again only when the post itself reads differently, not for every new page
    of a list or after every write anywhere (each write forgets the pages of posts)."""

    def __init__(self, env: jinja2.Environment, template: str, macro: str, max_entries: int) -> None:
        self.env, self.template, self.macro, self.max_entries = env, template, macro, max_entries
        self._kept: dict[tuple[Hashable, ...], Markup] = {}

    def __call__(self, *args: Hashable) -> Markup:
        html = self._kept.get(args)
        if html is None:
            html = Markup(getattr(self.env.get_template(self.template).module, self.macro)(*args))
            self._kept[args] = html
            if len(self._kept) > self.max_entries:  # the oldest made leaves first
                del self._kept[next(iter(self._kept))]
        return html


def rendered_on(holder: Any, key: str) -> str | None:
    """HTML kept on a shared object (a Page) by keep_on, or None."""
    html: str | None = holder.rendered.get(key)
    return html


def keep_on(holder: Any, key: str, html: str) -> str:
    """Keeps reader-independent HTML on the object it was made from, and returns it."""
    holder.rendered[key] = html
    return html


def setup_templates(app: web.Application, filters: dict[str, Callable[..., Any]],
                    context_processors: tuple[Callable[[web.Request], Awaitable[dict[str, Any]]], ...] = ()) -> None:
    """Jinja2 for the app; `filters` and `context_processors` are the other packages' own
    (device names, the member's unread counts in the nav, ...)."""
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("blog", "templates"),
        autoescape=True,
        context_processors=[aiohttp_jinja2.request_processor, site_context, *context_processors],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        auto_reload=False,  # templates ship with the code; checking their files on every render is waste
        lstrip_blocks=True,
    )
    env.globals.update(url=Urls(app.router), rendered_on=rendered_on, keep_on=keep_on,
                       kept_post_item=KeptCalls(env, "_posts.html", "post_item", POST_ITEMS_KEPT))
    env.filters["time"] = format_time
    env.filters.update(filters)
