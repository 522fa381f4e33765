"""Pages (About, Contact): read at /pages/<slug>, linked only from the site's navigation,
never listed with posts nor in feeds. Editors and admins keep them at /pages."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.accounts.current import current_user, require_login
from blog.content.permissions import can_edit, can_view, can_write_pages
from blog.keys import STORE


@aiohttp_jinja2.template("pages/page.html")
async def show(request: web.Request) -> dict[str, Any]:
    page = await request.config_dict[STORE].posts.by_slug(request.match_info["slug"])
    user = current_user(request)
    if page is None or page.kind != "page" or not can_view(user, page):
        raise web.HTTPNotFound(text="There is no page at this address.")
    return {"post": page, "can_edit": can_edit(user, page)}


@require_login
@aiohttp_jinja2.template("pages/list.html")
async def pages(request: web.Request) -> dict[str, Any]:
    if not can_write_pages(current_user(request)):
        raise web.HTTPForbidden(text="Only editors and admins write pages.")
    return {"pages": await request.config_dict[STORE].posts.pages()}


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/pages", pages, name="pages")
    app.router.add_get("/pages/{slug}", show, name="page")
