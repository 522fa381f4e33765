"""Private messages through plain HTML forms: the list of conversations, one conversation
(the last 50 messages, older ones paged), writing, blocking. Only the two members of a
conversation ever see it: every page here is the signed-in member's own."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.accounts.current import current_user, require_login
from blog.content.messages import (
    MESSAGE_MAX,
    PAGE_SIZE,
    MessageRefused,
    can_write_to,
    mark_seen,
    message_problem,
    send_message,
)
from blog.keys import STORE
from blog.store.users import User
from blog.web.forms import read_form
from blog.web.ids import storable_id
from blog.web.urls import public_base

NOBODY = "There is nobody with that name here."


def _me(request: web.Request) -> User:
    user = current_user(request)
    assert user is not None  # @require_login ran first
    return user


async def _other(request: web.Request, me: User) -> User:
    other = await request.config_dict[STORE].users.by_username(request.match_info["username"])
    if other is None or not can_write_to(me, other):
        raise web.HTTPNotFound(text=NOBODY)
    return other


def _conversation_url(request: web.Request, other: User, suffix: str = "") -> str:
    return str(request.app.router["conversation"].url_for(username=other.username)) + suffix


@require_login
@aiohttp_jinja2.template("messages/list.html")
async def conversations(request: web.Request) -> dict[str, Any]:
    return {"conversations": await request.config_dict[STORE].messages.conversations(_me(request).id)}


def _before(request: web.Request) -> int | None:
    raw = request.query.get("before", "")
    return storable_id(int(raw)) if raw.isascii() and raw.isdigit() and len(raw) <= 19 else None


async def _conversation_page(request: web.Request, me: User, other: User, *, body: str = "", error: str = "",
                             status: int = 200) -> web.Response:
    store = request.config_dict[STORE]
    before = _before(request)
    messages = await store.messages.between(me.id, other.id, before_id=before, limit=PAGE_SIZE + 1)
    older = len(messages) > PAGE_SIZE
    messages = messages[-PAGE_SIZE:]
    if before is None and status == 200:
        await mark_seen(request.app, me, other)
    context = {
        "other": other,
        "messages": messages,
        "older_url": _conversation_url(request, other, f"?before={messages[0].id}") if older else None,
        "newer_url": _conversation_url(request, other) if before is not None else None,
        "blocked": await store.messages.has_blocked(me.id, other.id),
        "body": body,
        "error": error,
        "message_max": MESSAGE_MAX,
        "last_seen_id": max((m.id for m in messages if m.sender_id == me.id and m.seen), default=0),
    }
    return aiohttp_jinja2.render_template("messages/conversation.html", request, context, status=status)


@require_login
async def conversation(request: web.Request) -> web.Response:
    me = _me(request)
    return await _conversation_page(request, me, await _other(request, me))


@require_login
async def send(request: web.Request) -> web.Response:
    me = _me(request)
    other = await _other(request, me)
    form = await read_form(request)
    body = form.text("body")["body"]
    problem = message_problem(body, cut="body" in form.cut)
    if problem:
        return await _conversation_page(request, me, other, body=body, error=problem, status=400)
    try:
        message = await send_message(request.app, me, other, body, base_url=public_base(request))
    except MessageRefused as refused:
        return await _conversation_page(request, me, other, body=body, error=refused.message, status=refused.status)
    raise web.HTTPSeeOther(location=_conversation_url(request, other, f"#message-{message.id}"))


@require_login
async def block(request: web.Request) -> web.Response:
    me = _me(request)
    other = await _other(request, me)
    await request.config_dict[STORE].messages.block(me.id, other.id)
    raise web.HTTPSeeOther(location=_conversation_url(request, other))


@require_login
async def unblock(request: web.Request) -> web.Response:
    me = _me(request)
    other = await _other(request, me)
    await request.config_dict[STORE].messages.unblock(me.id, other.id)
    raise web.HTTPSeeOther(location=_conversation_url(request, other))


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/messages", conversations, name="messages")
    app.router.add_get("/messages/{username}", conversation, name="conversation")
    app.router.add_post("/messages/{username}", send, name="send_message")
    app.router.add_post("/messages/{username}/block", block, name="block")
    app.router.add_post("/messages/{username}/unblock", unblock, name="unblock")
