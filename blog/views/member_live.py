"""/live: the member socket, one per signed-in browser tab. Every message is a JSON object
with a `kind`; anything else, or a bad field, gets an `error` message, never a crash.

Server to client: message, typing, seen, notification, counts, caught_up, pong, error.
Client to server: catch_up {messages_after, notifications_after}, message {to, body},
typing {to}, seen {message_id}, ping."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web
from aiohttp_session import get_session

from blog.accounts.current import SESSION_TOKEN, current_user
from blog.content.messages import MessageRefused, as_event, can_write_to, mark_seen, send_message, typing_to
from blog.content.notifications import as_event as notification_event
from blog.keys import MEMBERS, STORE
from blog.live.broker import decode, encode, send_error
from blog.live.members import MemberSocket
from blog.store.messages import Message
from blog.store.users import User
from blog.views.live import RateLimit
from blog.web.csrf import is_foreign_origin
from blog.web.ids import storable_id
from blog.web.sockets import gone, opened
from blog.web.urls import public_base

MAX_MESSAGE_BYTES = 32 * 1024  # a message of 5,000 characters, each up to 4 bytes, and its JSON
HEARTBEAT_SECONDS = 20.0
SEND_QUEUE_SIZE = 256
RATE_BURST = 20
RATE_PER_SECOND = 2.0
TYPING_INTERVAL = 2.0
# How often an open socket checks that its session still lives: a tab logged out elsewhere (log
# out, "log out everywhere else", a new password, a suspension) stops hearing private messages.
SESSION_CHECK_SECONDS = 15.0
LOGGED_OUT = 4401
# A tab away for long gets at most this many missed messages (its page shows the rest on reload)
# and the last CATCH_UP_PAGE notifications, whose count the nav shows anyway.
CATCH_UP_PAGE = 200
CATCH_UP_PAGES = 5  # a close code of our own: the tab does not reconnect
NOBODY = "There is nobody with that name here."
NO_MESSAGE = "There is no such message."


async def member_live(request: web.Request) -> web.StreamResponse:
    if is_foreign_origin(request):
        raise web.HTTPForbidden(text="Live updates are only for pages of this site.")
    user = current_user(request)
    if user is None:
        raise web.HTTPUnauthorized(text="Log in to get your messages and notifications live.")
    # No compression: messages are small, and a zlib context per socket costs ~150 KiB.
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=MAX_MESSAGE_BYTES, compress=False)
    if not await opened(ws, request):
        return gone()
    socket = MemberSocket(ws, user.id, user.username, SEND_QUEUE_SIZE)
    members = request.config_dict[MEMBERS]
    token = (await get_session(request)).get(SESSION_TOKEN)
    tasks = [asyncio.create_task(socket.send_queued()), asyncio.create_task(_drop_when_overflowed(socket)),
             asyncio.create_task(_close_when_logged_out(request, socket, str(token)))]
    members.join(socket)
    try:
        await _receive(request, socket, user)
    finally:
        for task in tasks:
            task.cancel()
        members.leave(socket)
    return ws


async def _drop_when_overflowed(socket: MemberSocket) -> None:
    await socket.overflowed.wait()
    await socket.ws.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"too far behind; reconnect")


async def _close_when_logged_out(request: web.Request, socket: MemberSocket, token: str) -> None:
    sessions = request.config_dict[STORE].sessions
    while True:
        await asyncio.sleep(SESSION_CHECK_SECONDS)
        resolved = await sessions.resolve(token)
        if resolved is None or resolved[1].id != socket.user_id:
            await socket.ws.close(code=LOGGED_OUT, message=b"logged out")
            return


async def _receive(request: web.Request, socket: MemberSocket, user: User) -> None:
    limit, last_typing = RateLimit(RATE_BURST, RATE_PER_SECOND), 0.0
    async for frame in socket.ws:
        if frame.type != WSMsgType.TEXT:
            await socket.ws.close(code=WSCloseCode.UNSUPPORTED_DATA, message=b"text messages only")
            return
        if not limit.allow():
            send_error(socket, "Too many messages at once: slow down.")
            continue
        event = decode(frame.data) or {}
        kind = event.get("kind")
        if kind == "ping":
            socket.deliver(encode({"kind": "pong"}))
        elif kind == "catch_up":
            await _catch_up(request, socket, user, event)
        elif kind == "message":
            await _send(request, socket, user, event)
        elif kind == "typing":
            if time.monotonic() - last_typing >= TYPING_INTERVAL and await _typing(request, socket, user, event):
                last_typing = time.monotonic()
        elif kind == "seen":
            await _seen(request, socket, user, event)
        else:
            send_error(socket, "Messages are JSON objects with a kind: catch_up, message, typing, seen or ping.")


async def _recipient(request: web.Request, socket: MemberSocket, user: User, name: object) -> User | None:
    if not isinstance(name, str) or not name or len(name) > 100:
        send_error(socket, "`to` must be the username of the member you write to.")
        return None
    recipient = await request.config_dict[STORE].users.by_username(name)
    if recipient is None or not can_write_to(user, recipient):
        send_error(socket, NOBODY)
        return None
    return recipient


async def _send(request: web.Request, socket: MemberSocket, user: User, event: dict[str, Any]) -> None:
    body = event.get("body")
    if not isinstance(body, str):
        send_error(socket, "`body` must be the text of the message.")
        return
    recipient = await _recipient(request, socket, user, event.get("to"))
    if recipient is None:
        return
    try:
        await send_message(request.app, user, recipient, body, base_url=public_base(request))
    except MessageRefused as refused:
        socket.deliver(encode({"kind": "error", "message": refused.message, "status": refused.status}))


async def _typing(request: web.Request, socket: MemberSocket, user: User, event: dict[str, Any]) -> bool:
    recipient = await _recipient(request, socket, user, event.get("to"))
    if recipient is None:
        return False
    await typing_to(request.app, user, recipient)
    return True


async def _seen(request: web.Request, socket: MemberSocket, user: User, event: dict[str, Any]) -> None:
    message_id = storable_id(event.get("message_id"))
    store = request.config_dict[STORE]
    message = await store.messages.visible(user.id, message_id) if message_id is not None else None
    # Only the recipient marks a message seen; to anybody else it does not exist.
    if message is None or message.recipient_id != user.id:
        send_error(socket, NO_MESSAGE)
        return
    sender = await store.users.by_id(message.sender_id)
    if sender is not None:
        await mark_seen(request.app, user, sender, message.id)


def _after(event: dict[str, Any], name: str) -> int | None:
    value = event.get(name, 0)
    return 0 if type(value) is int and value == 0 else storable_id(value)


async def _catch_up(request: web.Request, socket: MemberSocket, user: User, event: dict[str, Any]) -> None:
    """What came after the tab's last message and notification, then `caught_up` with the counts."""
    messages_after, notifications_after = _after(event, "messages_after"), _after(event, "notifications_after")
    if messages_after is None or notifications_after is None:
        send_error(socket, "catch_up needs `messages_after` and `notifications_after`: the last ids you have, or 0.")
        return
    store = request.config_dict[STORE]
    socket.hold()
    caught_up: list[str] = []
    sent: set[tuple[str, int]] = set()
    try:
        for _ in range(CATCH_UP_PAGES):
            messages = await store.messages.after(user.id, messages_after, CATCH_UP_PAGE)
            caught_up += await _message_events(request, messages)
            sent |= {("message", message.id) for message in messages}
            if len(messages) < CATCH_UP_PAGE:
                break
            messages_after = messages[-1].id
        counts = await store.notifications.unread_counts(user.id)
        for notification in await store.notifications.after(user.id, notifications_after, CATCH_UP_PAGE):
            caught_up.append(encode(notification_event(request.app, notification, counts)))
            sent.add(("notification", notification.id))
        caught_up.append(encode({"kind": "caught_up", "unread": counts[0], "unread_messages": counts[1]}))
    finally:
        socket.release(caught_up, sent)


async def _message_events(request: web.Request, messages: list[Message]) -> list[str]:
    ids = sorted({message.sender_id for message in messages} | {message.recipient_id for message in messages})
    users = await request.config_dict[STORE].users.by_ids(ids)
    names = {user_id: user.username for user_id, user in users.items()}
    return [encode(as_event(message, names.get(message.sender_id, ""), names.get(message.recipient_id, "")))
            for message in messages]


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/live", member_live, name="member_live")
