"""Helpers the messaging tests share (no tests here): members in browsers of their own,
conversations through the forms, and the member socket's events."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import ClientSession, ClientWebSocketResponse, WSMsgType
from aiohttp.test_utils import TestClient

from blog.keys import STORE
from blog.store import Store

from .conftest import post_form, register

TIMEOUT = 5
T = TypeVar("T")
MESSAGE_IDS = re.compile(r'data-message-id="(\d+)"')


@dataclass
class Member:
    username: str
    browser: ClientSession | TestClient
    token: str  # an API token


async def member(client: TestClient, browser: Any, username: str, role: str | None = None) -> Member:
    await register(browser, username)
    store = client.app[STORE]
    if role:
        await store.users.set_role(username, role)
    user = await store.users.by_username(username)
    assert user is not None
    return Member(username, browser, await store.tokens.issue(user.id, 3600, "test"))


async def send(browser: Any, to: str, body: str):  # type: ignore[no-untyped-def]
    return await post_form(browser, f"/messages/{to}", {"body": body}, form_page=f"/messages/{to}")


async def page(browser: Any, path: str) -> str:
    response = await browser.get(path)
    assert response.status == 200, (path, response.status)
    return await response.text()


def message_ids(html: str) -> list[int]:
    return [int(found) for found in MESSAGE_IDS.findall(html)]


async def next_event(ws: ClientWebSocketResponse, kind: str, timeout: float = TIMEOUT) -> dict[str, Any]:
    """The next event of this kind, skipping the others."""
    while True:
        message = await asyncio.wait_for(ws.receive(), timeout)
        assert message.type == WSMsgType.TEXT, message
        event = json.loads(message.data)
        if event["kind"] == kind:
            return event


async def events_until(ws: ClientWebSocketResponse, kind: str) -> list[dict[str, Any]]:
    """Every event up to and including the first of this kind."""
    seen = []
    while True:
        message = await asyncio.wait_for(ws.receive(), TIMEOUT)
        assert message.type == WSMsgType.TEXT, message
        event = json.loads(message.data)
        seen.append(event)
        if event["kind"] == kind:
            return seen


async def caught_up(ws: ClientWebSocketResponse, messages_after: int = 0, notifications_after: int = 0
                    ) -> list[dict[str, Any]]:
    await ws.send_json({"kind": "catch_up", "messages_after": messages_after,
                        "notifications_after": notifications_after})
    return await events_until(ws, "caught_up")


def nav_count(html: str, which: str) -> int:
    """The unread count the nav shows beside Messages or Notifications (0: no badge)."""
    found = re.search(rf'id="nav-{which}"[^>]*>[A-Za-z]+(?: <span class="badge count"[^>]*>(\d+)</span>)?</a>', html)
    assert found, f"no {which} link in the nav"
    return int(found.group(1) or 0)


def conversation_line(html: str, username: str) -> str:
    """One line of /messages: the conversation with `username`."""
    found = re.search(rf'<li class="conversation-line[^"]*" data-username="{username}">(.*?)</li>', html, re.S)
    assert found, f"no conversation with {username}"
    return found.group(1)


def right_now_elsewhere(database: str | Path, work: Callable[[Store], Awaitable[T]]) -> T:
    """`work` on the database through a connection of its own, done before this returns: the
    caller's event loop waits meanwhile, so nothing of its own happens in between. What another
    process, or a tab's request, would do at that very moment."""
    async def run() -> T:
        store = Store(database)
        await store.open()
        try:
            return await work(store)
        finally:
            await store.close()

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, run()).result()
