"""Conversations arriving live on the post's socket: replies in place, edits, reactions,
and what a reader who was away catches up on."""

from __future__ import annotations

import dataclasses

from blog.app import create_app

from .conftest import csrf_token, register
from .test_comment_talk import edit, react, reply, two_members
from .test_comments import comment, comment_ids, publish
from .test_live import next_event


async def test_replies_edits_and_reactions_reach_every_reader(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    anonymous = other_browser()
    async with bob.ws_connect(post + "/live") as bob_ws, anonymous.ws_connect(post + "/live") as anonymous_ws:
        await reply(client, post, first, "Replying *live*")
        for ws in (bob_ws, anonymous_ws):
            added = await next_event(ws, "comment_added")
            assert (added["parent_id"], added["reply_to_id"], added["body_html"]) == \
                (first, first, "<p>Replying <em>live</em></p>\n")
        await edit(client, post, first, "Edited **live**")
        for ws in (bob_ws, anonymous_ws):
            edited = await next_event(ws, "comment_edited")
            assert edited["id"] == first and edited["body_html"] == "<p>Edited <strong>live</strong></p>\n"
            assert edited["edited_at"] and "body" not in edited
        await react(client, post, first, "👀")
        for ws in (bob_ws, anonymous_ws):
            changed = await next_event(ws, "reactions_changed")
            assert changed == {"kind": "reactions_changed", "id": first,
                               "reactions": [{"emoji": "👀", "count": 1, "usernames": ["alice"]}]}


async def test_deleting_a_thread_takes_its_replies_along(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    await reply(bob, post, first, "A reply")
    async with bob.ws_connect(post + "/live") as ws:
        response = await client.post(f"{post}/comments/{first}/delete", data={
            "csrf_token": await csrf_token(client, post)}, allow_redirects=False)
        assert response.status == 303
        assert (await next_event(ws, "comment_deleted"))["id"] == first
        await ws.send_json({"kind": "catch_up", "after": 0})
        assert (await next_event(ws, "caught_up"))["ids"] == []
    assert comment_ids(await (await client.get(post)).text()) == []


async def test_catching_up_brings_edits_and_reactions_missed_meanwhile(client, other_browser):
    post, first, bob = await two_members(client, other_browser)
    await reply(bob, post, first, "Early reply")
    reader = other_browser()
    async with reader.ws_connect(post + "/live") as ws:
        await ws.send_json({"kind": "catch_up", "after": 0})
        caught = await next_event(ws, "caught_up")
    at = caught["at"]
    await edit(client, post, first, "Changed while you were away")
    await react(bob, post, first, "🎉")
    last = max(caught["ids"])
    async with reader.ws_connect(post + "/live") as ws:
        await ws.send_json({"kind": "catch_up", "after": last, "since": at})
        edited = await next_event(ws, "comment_edited")
        assert edited["id"] == first and "Changed while you were away" in edited["body_html"]
        caught = await next_event(ws, "caught_up")
        assert caught["reactions"] == {str(first): [{"emoji": "🎉", "count": 1, "usernames": ["bob"]}]}
        assert caught["at"] > at


async def test_bad_catch_up_fields_and_unknown_kinds_get_an_error_not_a_crash(client, other_browser):
    post, first, _ = await two_members(client, other_browser)
    async with client.ws_connect(post + "/live") as ws:
        for since in ("yesterday", 5, ["x"], "2026-01-01T00:00:00Z' OR 1=1"):
            await ws.send_json({"kind": "catch_up", "after": 0, "since": since})
            assert "`since`" in (await next_event(ws, "error"))["message"], since
        for event in ({"kind": "react", "id": first, "emoji": "👍"}, {"kind": "comment_edited"}, {"no": "kind"}):
            await ws.send_json(event)
            assert "Messages are JSON objects with a kind" in (await next_event(ws, "error"))["message"]
        await ws.send_json({"kind": "ping"})
        await next_event(ws, "pong")  # still serving


async def test_conversations_cross_workers_and_servers(aiohttp_client, config):
    """Two apps on one database, as two workers of `serve --workers 2` (SQLite) or two servers
    (PostgreSQL): what happens through one reaches the readers of the other."""
    first = await aiohttp_client(create_app(dataclasses.replace(config, workers=2)))
    second = await aiohttp_client(create_app(dataclasses.replace(config, workers=2)))
    await register(first, "root")
    await register(first, "alice")
    post = await publish(first)
    await comment(first, post, "Across")
    comment_id = comment_ids(await (await first.get(post)).text())[0]
    await register(second, "bob")
    async with second.ws_connect(post + "/live") as bob_on_second:
        await reply(first, post, comment_id, "A reply from the first")
        assert (await next_event(bob_on_second, "comment_added"))["parent_id"] == comment_id
        await edit(first, post, comment_id, "Edited on the first")
        assert "Edited on the first" in (await next_event(bob_on_second, "comment_edited"))["body_html"]
        await react(first, post, comment_id, "🤔")
        assert (await next_event(bob_on_second, "reactions_changed"))["reactions"][0]["emoji"] == "🤔"
