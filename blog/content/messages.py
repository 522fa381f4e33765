"""Private messages: the rules (who may write to whom, how long, how often) and the service
that saves a message and tells both members' tabs, wherever they are connected."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from blog import clock
from blog.content.markdown import render_markdown
from blog.content.notifications import member_topic, notify, push_counts
from blog.keys import BROKER, CONFIG, STORE
from blog.store.messages import Message
from blog.store.users import User

MESSAGE_MAX = 5_000
PAGE_SIZE = 50


class MessageRefused(Exception):
    """The message cannot be sent; `status` is 400 (its text) or 429 (too many, too fast)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def message_problem(body: str, *, cut: bool = False) -> str | None:
    """What is wrong with a message's text, or None. `cut`: the form reader kept only its start."""
    if not body.strip():
        return "Write something before sending."
    if len(body) > MESSAGE_MAX:
        length = f"more than {len(body):,}" if cut else f"{len(body):,}"
        return f"Keep messages to {MESSAGE_MAX:,} characters (this one has {length})."
    return None


def can_write_to(sender: User, recipient: User | None) -> bool:
    """Anybody may write to any other member who still has an account."""
    return recipient is not None and recipient.deleted_at is None and recipient.id != sender.id


def as_event(message: Message, sender: str, recipient: str) -> dict[str, Any]:
    """A message as the member socket and the API carry it."""
    return {"kind": "message", "id": message.id, "from": sender, "to": recipient,
            "body_html": message.body_html, "created_at": message.created_at, "seen": message.seen}


async def send_message(app: web.Application, sender: User, recipient: User, body: str, *,
                       base_url: str | None = None) -> Message:
    """Saves and delivers a message. A recipient who blocked the sender never hears of it,
    and the sender is not told (the message shows as sent on their side only)."""
    problem = message_problem(body)
    if problem:
        raise MessageRefused(problem)
    store, limit = app[STORE], app[CONFIG].messages_per_minute
    if await store.messages.sent_since(sender.id, clock.ago(60)) >= limit:
        raise MessageRefused(f"You are sending messages too fast: at most {limit} a minute. "
                             "Wait a moment and send it again.", 429)
    message, delivered = await store.messages.add(sender.id, recipient.id, body, render_markdown(body))
    event = as_event(message, sender.username, recipient.username)
    await app[BROKER].publish_to(member_topic(sender.id), event)  # the sender's other tabs
    if delivered:
        told = False

        async def deliver() -> None:
            nonlocal told
            told = True
            await app[BROKER].publish_to(member_topic(recipient.id), event)

        # The notification is recorded before the recipient hears of the message: a tab that
        # marks it seen at once must find the notification there to mark read too.
        await notify(app, recipient.id, "message", sender.id, base_url=base_url, before_telling=deliver)
        if not told:  # no notification was recorded (or recording it failed): the message still goes
            await deliver()
    return message


async def mark_seen(app: web.Application, reader: User, other: User, up_to: int | None = None) -> int:
    """The reader saw what `other` sent them (up to an id): `other` hears "seen", the reader's
    tabs their new counts. Returns the last id newly seen, 0 when nothing was new."""
    store = app[STORE]
    last = await store.messages.mark_read(reader.id, other.id, up_to)
    if last:
        await store.notifications.mark_read_from(reader.id, "message", other.id)
        await app[BROKER].publish_to(member_topic(other.id), {"kind": "seen", "by": reader.username, "up_to": last})
        await push_counts(app, reader.id)
    return last


async def typing_to(app: web.Application, sender: User, recipient: User) -> None:
    """Tells the recipient's tabs that the sender is writing to them (unless they blocked the sender)."""
    if not await app[STORE].messages.has_blocked(recipient.id, sender.id):
        await app[BROKER].publish_to(member_topic(recipient.id), {"kind": "typing", "from": sender.username})
