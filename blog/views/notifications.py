"""/notifications: what happened that concerns me, newest first, grouped where many people
did the same; "mark all read"; the email choices of the account page; and the unsubscribe
link of every notification mail, which works without logging in (a page, then a POST)."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.accounts.current import current_user, require_login
from blog.content.notifications import KIND_LABELS, grouped, link, push_counts
from blog.keys import STORE, UNSUBSCRIBE_LINKS
from blog.store.notifications import KINDS
from blog.store.users import User
from blog.web.forms import read_form
from blog.web.ids import storable_id

PAGE_SIZE = 50
BAD_LINK = "This unsubscribe link is not one of ours (it may be cut short): open it again from the mail."


def _me(request: web.Request) -> User:
    user = current_user(request)
    assert user is not None  # @require_login ran first
    return user


@require_login
@aiohttp_jinja2.template("notifications/list.html")
async def notifications(request: web.Request) -> dict[str, Any]:
    raw = request.query.get("before", "")
    before = storable_id(int(raw)) if raw.isascii() and raw.isdigit() and len(raw) <= 19 else None
    found = await request.config_dict[STORE].notifications.recent(_me(request).id, before_id=before,
                                                                 limit=PAGE_SIZE + 1)
    shown = found[:PAGE_SIZE]
    older = str(request.app.router["notifications"].url_for().with_query(before=shown[-1].id)) \
        if len(found) > PAGE_SIZE else None
    return {"groups": grouped(shown), "link": lambda n: link(request.app, n), "older_url": older}


@require_login
async def mark_all_read(request: web.Request) -> web.Response:
    me = _me(request)
    await request.config_dict[STORE].notifications.mark_all_read(me.id)
    await push_counts(request.app, me.id)  # the member's other tabs
    raise web.HTTPSeeOther(location=str(request.app.router["notifications"].url_for()))


@require_login
async def choose_mail(request: web.Request) -> web.Response:
    """The account page's "Notifications by email" form: one checkbox per kind."""
    me = _me(request)
    form = await read_form(request)
    chosen = {kind for kind in KINDS if form.fields.get(f"mail_{kind}") == "on"}
    await request.config_dict[STORE].notifications.set_mail_kinds(me.id, chosen)
    raise web.HTTPSeeOther(location=str(request.app.router["account"].url_for().with_query(done="mail"))
                           + "#notification-mail")


def _unsubscribe_target(request: web.Request, token: str) -> tuple[int, str]:
    target = request.config_dict[UNSUBSCRIBE_LINKS].read(token)
    if target is None:
        raise web.HTTPNotFound(text=BAD_LINK)
    return target


async def unsubscribe_page(request: web.Request) -> web.Response:
    token = request.query.get("token", "")
    _, kind = _unsubscribe_target(request, token)
    return aiohttp_jinja2.render_template("notifications/unsubscribe.html", request,
                                          {"token": token, "label": KIND_LABELS[kind], "done": False})


async def unsubscribe(request: web.Request) -> web.Response:
    token = (await read_form(request)).fields.get("token", "")
    user_id, kind = _unsubscribe_target(request, token)
    await request.config_dict[STORE].notifications.stop_mail(user_id, kind)
    return aiohttp_jinja2.render_template("notifications/unsubscribe.html", request,
                                          {"token": token, "label": KIND_LABELS[kind], "done": True})


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/notifications", notifications, name="notifications")
    app.router.add_post("/notifications/read", mark_all_read, name="notifications_read")
    app.router.add_get("/notifications/unsubscribe", unsubscribe_page, name="unsubscribe")
    app.router.add_post("/notifications/unsubscribe", unsubscribe, name="unsubscribe_confirm")
    app.router.add_post("/account/notification-mail", choose_mail, name="notification_mail")
