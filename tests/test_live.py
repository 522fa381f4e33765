"""P/live over real WebSockets: pushes, presence, typing, catch-up and the limits."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest
from aiohttp import WSMsgType

from blog.live.broker import LocalBroker
from blog.live.rooms import Reader

from .conftest import register
from .test_comments import comment, comment_ids, publish

TIMEOUT = 5


async def next_event(ws, kind: str) -> dict:  # type: ignore[no-untyped-def]
    """The next message of this kind, skipping others (presence arrives whenever people come and go)."""
    while True:
        message = await asyncio.wait_for(ws.receive(), TIMEOUT)
        assert message.type == WSMsgType.TEXT, message
        event = json.loads(message.data)
        if event["kind"] == kind:
            return event


async def closed(ws) -> aiohttp.WSMessage:  # type: ignore[no-untyped-def]
    """The server's close frame; its data is the close code."""
    while True:
        message = await asyncio.wait_for(ws.receive(), TIMEOUT)
        if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.ERROR):
            return message


@pytest.fixture
async def post(client):  # type: ignore[no-untyped-def]
    await register(client, "alice")
    return await publish(client)


async def test_a_comment_reaches_another_reader(client, other_browser, post):
    reader = other_browser()
    async with reader.ws_connect(post + "/live") as ws:
        await next_event(ws, "presence")
        await comment(client, post, "Hello *live* world")
        event = await next_event(ws, "comment_added")
    assert event["author"] == "alice"
    assert event["body_html"] == "<p>Hello <em>live</em> world</p>\n"
    assert event["created_at"].endswith("Z") and isinstance(event["id"], int)
    assert "body" not in event


async def test_presence_counts_readers_and_names_logged_in_ones(client, other_browser, post):
    anonymous = other_browser()
    async with client.ws_connect(post + "/live") as alice_ws:
        assert (await next_event(alice_ws, "presence"))["count"] == 1
        async with anonymous.ws_connect(post + "/live") as anonymous_ws:
            joined = await next_event(alice_ws, "presence")
            assert joined == {"kind": "presence", "count": 2, "usernames": ["alice"]}
            assert (await next_event(anonymous_ws, "presence"))["count"] == 2
        left = await next_event(alice_ws, "presence")
        assert left["count"] == 1


async def test_catch_up_sends_what_came_after_and_the_ids_still_there(client, other_browser, post):
    for text in ("one", "two", "three"):
        await comment(client, post, text)
    first, second, third = comment_ids(await (await client.get(post)).text())
    reader = other_browser()
    async with reader.ws_connect(post + "/live") as ws:
        await ws.send_json({"kind": "catch_up", "after": first})
        assert (await next_event(ws, "comment_added"))["id"] == second
        assert (await next_event(ws, "comment_added"))["id"] == third
        assert (await next_event(ws, "caught_up"))["ids"] == [first, second, third]
        await ws.send_json({"kind": "catch_up", "after": "nonsense"})
        assert "catch_up needs" in (await next_event(ws, "error"))["message"]


async def test_deleting_a_comment_pushes_comment_deleted(client, other_browser, post):
    await comment(client, post, "soon gone")
    comment_id = comment_ids(await (await client.get(post)).text())[0]
    reader = other_browser()
    async with reader.ws_connect(post + "/live") as ws:
        await next_event(ws, "presence")
        from .conftest import post_form
        await post_form(client, f"{post}/comments/{comment_id}/delete", {}, form_page=post)
        assert await next_event(ws, "comment_deleted") == {"kind": "comment_deleted", "id": comment_id}


async def test_typing_is_relayed_for_users_and_refused_for_anonymous(client, other_browser, post):
    anonymous = other_browser()
    async with client.ws_connect(post + "/live") as alice_ws, anonymous.ws_connect(post + "/live") as anonymous_ws:
        await alice_ws.send_json({"kind": "typing"})
        assert await next_event(anonymous_ws, "typing") == {"kind": "typing"}  # no names for anonymous readers
        await anonymous_ws.send_json({"kind": "typing"})
        assert (await next_event(anonymous_ws, "error"))["message"] == "Log in to comment."


async def test_anonymous_readers_never_receive_usernames(client, other_browser, post):
    anonymous, bob = other_browser(), other_browser()
    await register(bob, "bob")
    heard: list[str] = []
    async with anonymous.ws_connect(post + "/live") as anonymous_ws:
        async with client.ws_connect(post + "/live") as alice_ws, bob.ws_connect(post + "/live") as bob_ws:
            while (presence := await next_event(bob_ws, "presence"))["count"] != 3:
                pass
            assert presence["usernames"] == ["alice", "bob"]  # logged-in readers are told who reads
            await alice_ws.send_json({"kind": "typing"})
            assert (await next_event(bob_ws, "typing"))["username"] == "alice"
            while '"typing"' not in (raw := (await asyncio.wait_for(anonymous_ws.receive(), TIMEOUT)).data):
                heard.append(raw)
            heard.append(raw)
        while json.loads(raw := (await asyncio.wait_for(anonymous_ws.receive(), TIMEOUT)).data).get("count") != 1:
            heard.append(raw)
        heard.append(raw)
    events = [json.loads(raw) for raw in heard]
    assert {"kind": "typing"} in events
    assert all(set(event) == {"kind", "count"} for event in events if event["kind"] == "presence")
    assert not any("alice" in raw or "bob" in raw for raw in heard), heard


async def test_ping_gets_pong_and_nonsense_gets_an_error(client, post):
    async with client.ws_connect(post + "/live") as ws:
        await ws.send_json({"kind": "ping"})
        await next_event(ws, "pong")
        await ws.send_str("not json")
        assert "kind" in (await next_event(ws, "error"))["message"]


async def test_foreign_origin_is_refused(client, post):
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect(post + "/live", headers={"Origin": "https://evil.example"})
    assert refused.value.status == 403


async def test_drafts_and_missing_posts_have_no_live_channel(client):
    await register(client, "alice")
    draft = await publish(client, "Draft", status="draft")
    for path in (draft + "/live", "/posts/999/nothing/live"):
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(path)
        assert refused.value.status == 404


async def test_an_oversized_message_closes_that_connection(client, other_browser, post):
    reader = other_browser()
    async with client.ws_connect(post + "/live") as big, reader.ws_connect(post + "/live") as other:
        await big.send_str(json.dumps({"kind": "ping", "padding": "x" * 10_000}))
        assert (await closed(big)).data == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
        await other.send_json({"kind": "ping"})
        await next_event(other, "pong")  # the other reader is unaffected


async def test_a_flood_of_messages_closes_the_connection(client, post):
    async with client.ws_connect(post + "/live") as ws:
        for _ in range(100):
            await ws.send_json({"kind": "ping"})
        assert (await closed(ws)).data == aiohttp.WSCloseCode.POLICY_VIOLATION


async def test_shutdown_closes_sockets_with_1001(client, post):
    ws = await client.ws_connect(post + "/live")
    await next_event(ws, "presence")
    await client.server.close()
    assert (await closed(ws)).data == aiohttp.WSCloseCode.GOING_AWAY


async def test_a_slow_reader_is_dropped_and_the_others_still_receive():
    broker = LocalBroker()
    slow = Reader(ws=None, post_id=1, username=None, queue_size=3)  # type: ignore[arg-type]
    fast = Reader(ws=None, post_id=1, username=None, queue_size=100)  # type: ignore[arg-type]
    broker.subscribe(1, slow)
    broker.subscribe(1, fast)
    for number in range(10):
        await broker.publish(1, {"kind": "typing", "username": f"u{number}"})
    assert slow.overflowed.is_set() and slow.queue.qsize() == 3
    assert not fast.overflowed.is_set() and fast.queue.qsize() == 10
