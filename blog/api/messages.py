"""Private messages in the JSON API: /api/conversations[/{username}], /api/messages/{id}[/seen],
/api/blocks/{username}. Every answer is about the caller's own conversations: a message
of anybody else's is "not found", whoever asks (editors and admins too)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from blog.api.auth import require_caller
from blog.api.errors import ApiError, Errors, invalid, not_found
from blog.api.validation import BIG_DIGITS, BLANK, INTEGER, is_blank, optional_text, read_object, too_long
from blog.content.messages import MESSAGE_MAX, PAGE_SIZE, MessageRefused, can_write_to, mark_seen, send_message
from blog.keys import STORE
from blog.store.messages import Message
from blog.store.db import SQLITE_INTEGER_MAX
from blog.store.users import User
from blog.web.json_errors import json_response
from blog.web.urls import public_base


def message_json(message: Message, names: dict[int, str]) -> dict[str, Any]:
    return {"id": message.id, "from": names.get(message.sender_id, ""), "to": names.get(message.recipient_id, ""),
            "body": message.body, "bodyHtml": message.body_html, "createdAt": message.created_at,
            "seen": message.seen}


def _root(request: web.Request) -> web.Application:
    return request.match_info.apps[0]


def _number(raw: str, name: str) -> int | None:
    match = INTEGER.fullmatch(raw)
    if match is None:
        raise invalid({name: ["must be an integer"]})
    sign, digits = match.groups()
    if sign == "-" or not 0 < len(digits) <= BIG_DIGITS or not 0 < int(digits) <= SQLITE_INTEGER_MAX:
        return None
    return int(digits)


async def _other(request: web.Request, me: User) -> User:
    other = await request.config_dict[STORE].users.by_username(request.match_info["username"])
    if other is None or not can_write_to(me, other):
        raise not_found("profile")
    return other


async def conversations(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    found = await request.config_dict[STORE].messages.conversations(caller.user.id)
    return json_response({"conversations": [
        {"with": talk.other_username, "name": talk.other_name, "unread": talk.unread,
         "lastMessage": message_json(talk.last, {caller.user.id: caller.user.username,
                                                 talk.other_id: talk.other_username})}
        for talk in found]})


async def conversation(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    me, store = caller.user, request.config_dict[STORE]
    other = await _other(request, me)
    raw = request.query.get("before")
    before = _number(raw, "before") if raw is not None else None
    messages = await store.messages.between(me.id, other.id, before_id=before, limit=PAGE_SIZE)
    names = {me.id: me.username, other.id: other.username}
    return json_response({"messages": [message_json(message, names) for message in messages],
                          "blocked": await store.messages.has_blocked(me.id, other.id)})


async def send(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    me = caller.user
    other = await _other(request, me)
    data = await read_object(request, "message")
    errors: Errors = {}
    body = optional_text(data, "body", errors)
    if "body" not in errors and (body is None or is_blank(body)):
        errors["body"] = [BLANK]
    elif body is not None and len(body) > MESSAGE_MAX:
        errors["body"] = [too_long(MESSAGE_MAX)]
    if errors or body is None:
        raise invalid(errors)
    try:
        message = await send_message(_root(request), me, other, body, base_url=public_base(request))
    except MessageRefused as refused:
        raise ApiError(refused.status, {"message": [refused.message]},
                       {"Retry-After": "60"} if refused.status == 429 else None) from None
    return json_response({"message": message_json(message, {me.id: me.username, other.id: other.username})},
                         status=201)


async def _visible(request: web.Request, me: User) -> Message:
    message_id = _number(request.match_info["id"], "id")
    message = await request.config_dict[STORE].messages.visible(me.id, message_id) if message_id else None
    if message is None:
        raise not_found("message")
    return message


async def show(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    message = await _visible(request, caller.user)
    users = await request.config_dict[STORE].users.by_ids([message.sender_id, message.recipient_id])
    return json_response({"message": message_json(message, {i: u.username for i, u in users.items()})})


async def seen(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    message = await _visible(request, caller.user)
    if message.recipient_id != caller.user.id:
        raise not_found("message")  # only its recipient sees a message arrive
    sender = await request.config_dict[STORE].users.by_id(message.sender_id)
    if sender is not None:
        await mark_seen(_root(request), caller.user, sender, message.id)
    return web.Response(status=204)


async def block(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    other = await _other(request, caller.user)
    await request.config_dict[STORE].messages.block(caller.user.id, other.id)
    return web.Response(status=204)


async def unblock(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    other = await _other(request, caller.user)
    await request.config_dict[STORE].messages.unblock(caller.user.id, other.id)
    return web.Response(status=204)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/conversations", conversations, name="conversations")
    app.router.add_get("/conversations/{username}", conversation, name="conversation")
    app.router.add_post("/conversations/{username}", send)
    app.router.add_get("/messages/{id}", show, name="message")
    app.router.add_post("/messages/{id}/seen", seen, name="message_seen")
    app.router.add_put("/blocks/{username}", block, name="block")
    app.router.add_delete("/blocks/{username}", unblock)
