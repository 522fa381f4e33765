"""Notifications in the JSON API: /api/notifications (newest first), /api/notifications/read
(mark all read), /api/notifications/mail (which kinds also come by email)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from blog.api.auth import require_caller
from blog.api.errors import invalid
from blog.api.validation import BIG_DIGITS, INTEGER, read_object
from blog.content.notifications import link, push_counts, sentence
from blog.keys import STORE
from blog.store.notifications import KINDS, Notification
from blog.web.json_errors import json_response

PAGE_SIZE = 50


def notification_json(app: web.Application, notification: Notification) -> dict[str, Any]:
    return {"id": notification.id, "kind": notification.kind, "actor": notification.actor_username,
            "text": sentence(notification.kind, notification.actor_username or "Somebody", notification.detail),
            "url": link(app, notification), "postId": notification.post_id, "commentId": notification.comment_id,
            "detail": notification.detail, "createdAt": notification.created_at, "unread": notification.unread}


async def notifications(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    raw, before = request.query.get("before"), None
    if raw is not None:
        match = INTEGER.fullmatch(raw)
        if match is None or match.group(1) == "-" or len(match.group(2)) > BIG_DIGITS:
            raise invalid({"before": ["must be a positive integer"]})
        before = int(match.group(2))
    store = request.config_dict[STORE]
    found = await store.notifications.recent(caller.user.id, before_id=before, limit=PAGE_SIZE)
    root = request.match_info.apps[0]
    return json_response({"notifications": [notification_json(root, n) for n in found],
                          "unread": await store.notifications.unread_count(caller.user.id)})


async def mark_all_read(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    await request.config_dict[STORE].notifications.mark_all_read(caller.user.id)
    await push_counts(request.match_info.apps[0], caller.user.id)
    return web.Response(status=204)


async def mail_choices(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    kinds = await request.config_dict[STORE].notifications.mail_kinds(caller.user.id)
    return json_response({"mail": {"kinds": sorted(kinds)}})


async def choose_mail(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    kinds = (await read_object(request, "mail")).get("kinds")
    if not isinstance(kinds, list) or not all(isinstance(kind, str) and kind in KINDS for kind in kinds):
        raise invalid({"kinds": [f"must be a list of: {', '.join(KINDS)}"]})
    await request.config_dict[STORE].notifications.set_mail_kinds(caller.user.id, set(kinds))
    return json_response({"mail": {"kinds": sorted(set(kinds))}})


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/notifications", notifications, name="notifications")
    app.router.add_post("/notifications/read", mark_all_read, name="notifications_read")
    app.router.add_get("/notifications/mail", mail_choices, name="notification_mail")
    app.router.add_put("/notifications/mail", choose_mail)
