"""Telling members what happened: the one way any feature notifies somebody.

A notification is saved, pushed at once on the member's own live topic (every tab they
have open, on any server, hears it and updates the nav's count), and mailed when the
member chose that kind for email, with an unsubscribe link that works without logging in."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from blog.keys import BROKER, CONFIG, MAILER, STORE, UNSUBSCRIBE_LINKS
from blog.store.notifications import KINDS, Notification
from blog.web.site import site_from

log = logging.getLogger(__name__)

# What each kind is called on the account page, where members choose what comes by email.
KIND_LABELS = {
    "reply": "Replies to my comments",
    "comment": "Comments on my posts",
    "mention": "Mentions of me",
    "follow": "New followers",
    "reaction": "Reactions to my comments",
    "message": "Private messages",
}
assert set(KIND_LABELS) == set(KINDS)


def member_topic(user_id: int) -> tuple[str, int]:
    """The member's own live topic (blog/live/broker.py's ("member", id))."""
    return ("member", user_id)


def sentence(kind: str, actor: str, detail: str = "", others: int = 0) -> str:
    """What a notification says: "ana replied to your comment", "ana and 3 others reacted 👍"."""
    who = actor if not others else f"{actor} and {others} other{'s' if others > 1 else ''}"
    return {
        "reply": f"{who} replied to your comment",
        "comment": f"{who} commented on your post",
        "mention": f"{who} mentioned you",
        "follow": f"{who} followed you",
        "reaction": f"{who} reacted {detail} to your comment".replace("  ", " "),
        "message": f"{who} sent you a message" if not others else f"{who} sent you messages",
    }.get(kind, f"{who}: {kind}")


def link(app: web.Application, notification: Notification) -> str:
    """Where a notification leads: the comment, the post, the follower, the conversation."""
    router = app.router
    actor = notification.actor_username
    if notification.kind == "message" and actor:
        return str(router["conversation"].url_for(username=actor))
    if notification.kind == "follow" and actor:
        return str(router["author"].url_for(username=actor))
    if notification.post_id is not None and notification.post_slug:
        path = str(router["post"].url_for(id=str(notification.post_id), slug=notification.post_slug))
        return path + (f"#comment-{notification.comment_id}" if notification.comment_id else "")
    return str(router["notifications"].url_for())


def as_event(app: web.Application, notification: Notification, counts: tuple[int, int]) -> dict[str, Any]:
    """The live message of a notification, with the member's unread counts for the nav."""
    return {"kind": "notification", "id": notification.id, "type": notification.kind,
            "actor": notification.actor_username, "text": sentence(notification.kind,
                                                                  notification.actor_username or "Somebody",
                                                                  notification.detail),
            "url": link(app, notification), "created_at": notification.created_at,
            "unread": counts[0], "unread_messages": counts[1]}


async def push_counts(app: web.Application, user_id: int) -> None:
    """Tells the member's tabs their unread counts (after reading, in this tab or another)."""
    unread, messages = await app[STORE].notifications.unread_counts(user_id)
    await app[BROKER].publish_to(member_topic(user_id),
                                 {"kind": "counts", "unread": unread, "unread_messages": messages})


async def notify(app: web.Application, user_id: int, kind: str, actor_id: int | None, *,
                 post_id: int | None = None, comment_id: int | None = None, detail: str = "",
                 base_url: str | None = None,
                 before_telling: Callable[[], Awaitable[None]] | None = None) -> int | None:
    """Records a notification for `user_id` (none for one's own doing), pushes it live and
    mails it if they asked; returns its id. `base_url` (the request's public address) makes
    the mail's links when BLOG_BASE_URL is unset. `before_telling` runs once it is recorded,
    before it is pushed (a message's own event, which its notification must not precede)."""
    try:
        return await _record_and_tell(app, user_id, kind, actor_id, post_id, comment_id, detail, base_url,
                                      before_telling)
    except Exception:  # the reply, follow or message that caused it is saved already: never fail it
        log.exception("telling user %d about a %s failed", user_id, kind)
        return None


async def _record_and_tell(app: web.Application, user_id: int, kind: str, actor_id: int | None,
                           post_id: int | None, comment_id: int | None, detail: str, base_url: str | None,
                           before_telling: Callable[[], Awaitable[None]] | None) -> int | None:
    store = app[STORE]
    notification_id = await store.notifications.add(
        user_id, kind, actor_id, post_id=post_id, comment_id=comment_id, detail=detail)
    if notification_id is None:
        return None
    if before_telling is not None:
        await before_telling()
    notification = await store.notifications.get(notification_id)
    assert notification is not None
    counts = await store.notifications.unread_counts(user_id)
    await app[BROKER].publish_to(member_topic(user_id), as_event(app, notification, counts))
    if kind in await store.notifications.mail_kinds(user_id) and not await _mailed_already(app, notification):
        await _mail(app, notification, base_url)
    return notification_id


async def _mailed_already(app: web.Application, notification: Notification) -> bool:
    """A conversation mails its first unread message only: ten messages in a row make one mail,
    and none once an open tab has shown it (its notification is read by the time we get here)."""
    if notification.kind != "message" or notification.actor_id is None:
        return False
    return await app[STORE].notifications.unread_from(notification.user_id, "message", notification.actor_id) != 1


@dataclass
class Group:
    """Notifications shown as one line: reactions to one comment, messages from one member."""

    first: Notification
    actors: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    unread: bool = False

    def text(self) -> str:
        detail = "".join(dict.fromkeys(self.details))  # each emoji once, in order
        return sentence(self.first.kind, self.actors[0] if self.actors else "Somebody", detail,
                        len(self.actors) - 1 if self.actors else 0)


def grouped(notifications: list[Notification]) -> list[Group]:
    """Newest first, reactions grouped by comment and messages by sender ("ana and 3 others reacted")."""
    groups: list[Group] = []
    by_key: dict[tuple[str, int | None], Group] = {}
    for notification in notifications:
        key: tuple[str, int | None] | None = None
        if notification.kind == "reaction":
            key = ("reaction", notification.comment_id)
        elif notification.kind == "message":
            key = ("message", notification.actor_id)
        group = by_key.get(key) if key else None
        if group is None:
            group = Group(notification)
            groups.append(group)
            if key:
                by_key[key] = group
        name = notification.actor_username or "Somebody"
        if name not in group.actors:
            group.actors.append(name)
        group.details.append(notification.detail)
        group.unread = group.unread or notification.unread
    return groups


async def _mail(app: web.Application, notification: Notification, base_url: str | None) -> None:
    store, config = app[STORE], app[CONFIG]
    member = await store.users.by_id(notification.user_id)
    if member is None or member.deleted_at is not None or not member.email:
        return
    base = config.base_url or base_url or f"http://{config.host}:{config.port}"
    site = site_from(await store.settings.stored(), config.registration_open)
    token = app[UNSUBSCRIBE_LINKS].token(member.id, notification.kind)
    stop = base + str(app.router["unsubscribe"].url_for().with_query(token=token))
    what = sentence(notification.kind, notification.actor_username or "Somebody", notification.detail)
    title = f" on “{notification.post_title}”" if notification.post_title else ""
    text = (f"Hello {member.name},\n\n{what}{title}:\n{base}{link(app, notification)}\n\n"
            f"You get this mail because you chose “{KIND_LABELS[notification.kind]}” for email on your"
            f" account page. To stop these mails, open:\n{stop}\n")
    mailer = app[MAILER]
    mail = mailer.compose(member.email, f"{what}{title}", text, site.title)
    mail["List-Unsubscribe"] = f"<{stop}>"
    mailer.send(mail)
