"""/live, the member socket, over real WebSockets: messages delivered at once, typing, "seen",
notifications with the nav's counts, catching up after a reconnect (nothing missed, nothing
twice), sending through the socket, and every bad message answered, never a crash."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import aiohttp

from blog.keys import BROKER, MEMBERS, STORE
from blog.live.broker import member_topic

from .conftest import post_form, register
from .messaging_helpers import caught_up, next_event, right_now_elsewhere, send


async def test_a_message_arrives_at_once_with_the_recipients_counts(client, other_browser):
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    async with ben.ws_connect("/live") as ben_live, client.ws_connect("/live") as ana_live:
        await caught_up(ben_live)
        await caught_up(ana_live)
        await send(client, "ben", "Are you *there*?")
        message = await next_event(ben_live, "message")
        assert (message["from"], message["to"]) == ("ana", "ben")
        assert message["body_html"] == "<p>Are you <em>there</em>?</p>\n" and message["seen"] is False
        notification = await next_event(ben_live, "notification")
        assert notification["type"] == "message" and notification["text"] == "ana sent you a message"
        assert (notification["unread"], notification["unread_messages"]) == (1, 1)
        assert (await next_event(ana_live, "message"))["id"] == message["id"]  # the sender's other tabs too


async def test_typing_and_seen_reach_the_other_member(client, other_browser):
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    async with ben.ws_connect("/live") as ben_live, client.ws_connect("/live") as ana_live:
        await caught_up(ben_live)
        await caught_up(ana_live)
        await ana_live.send_json({"kind": "typing", "to": "ben"})
        assert await next_event(ben_live, "typing") == {"kind": "typing", "from": "ana"}
        await ana_live.send_json({"kind": "message", "to": "ben", "body": "Through the socket"})
        message = await next_event(ben_live, "message")
        assert message["body_html"] .strip() == "<p>Through the socket</p>"
        await ben_live.send_json({"kind": "seen", "message_id": message["id"]})
        assert await next_event(ana_live, "seen") == {"kind": "seen", "by": "ben", "up_to": message["id"]}
        counts = await next_event(ben_live, "counts")
        assert (counts["unread"], counts["unread_messages"]) == (0, 0)


async def test_reconnecting_brings_what_was_missed_and_nothing_twice(client, other_browser):
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    async with ben.ws_connect("/live") as ben_live:
        await caught_up(ben_live)
        await send(client, "ben", "First")
        first = await next_event(ben_live, "message")
        last_notification = (await next_event(ben_live, "notification"))["id"]
    await send(client, "ben", "Second, while away")
    await send(client, "ben", "Third, while away")
    async with ben.ws_connect("/live") as ben_live:
        events = await caught_up(ben_live, messages_after=first["id"], notifications_after=last_notification)
        missed = [event["body_html"].strip() for event in events if event["kind"] == "message"]
        assert missed == ["<p>Second, while away</p>", "<p>Third, while away</p>"]
        assert len([event for event in events if event["kind"] == "notification"]) == 2
        assert (events[-1]["unread"], events[-1]["unread_messages"]) == (3, 3)
        # A message sent while the catch-up is being read is delivered once, either way.
        await asyncio.gather(send(client, "ben", "Fourth"),
                             ben_live.send_json({"kind": "catch_up", "messages_after": first["id"],
                                                 "notifications_after": last_notification}))
        ids: list[int] = []
        while True:
            message = await next_event(ben_live, "message")
            ids.append(message["id"])
            if message["body_html"].strip() == "<p>Fourth</p>":
                break
        fourth = ids[-1]
        await ben_live.send_json({"kind": "ping"})
        await next_event(ben_live, "pong")
        assert ids.count(fourth) == 1


async def test_every_bad_message_gets_an_error_never_a_crash(client, other_browser):
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    await send(client, "ben", "Hello")
    cat = other_browser()
    await register(cat, "cat")
    message_id = (await client.app[STORE].messages.after((await client.app[STORE].users.by_username("ana")).id,
                                                         0))[0].id
    async with cat.ws_connect("/live") as cat_live:
        for bad, says in (
            ("not json", "Messages are JSON objects with a kind"),
            ({"kind": "shout"}, "Messages are JSON objects with a kind"),
            ([1, 2], "Messages are JSON objects with a kind"),
            ({"kind": "catch_up", "messages_after": "x"}, "catch_up needs"),
            ({"kind": "message", "to": "ben"}, "`body` must be the text"),
            ({"kind": "message", "to": "nobody", "body": "hi"}, "There is nobody with that name here."),
            ({"kind": "message", "to": "cat", "body": "hi"}, "There is nobody with that name here."),
            ({"kind": "message", "to": "ben", "body": " "}, "Write something before sending."),
            ({"kind": "typing", "to": 5}, "`to` must be the username"),
            # Somebody else's message does not exist, for a socket as for a page.
            ({"kind": "seen", "message_id": message_id}, "There is no such message."),
            ({"kind": "seen", "message_id": True}, "There is no such message."),
        ):
            if isinstance(bad, str):
                await cat_live.send_str(bad)
            else:
                await cat_live.send_json(bad)
            error = await next_event(cat_live, "error")
            assert says in error["message"], (bad, error)
        assert not (await client.app[STORE].messages.visible(
            (await client.app[STORE].users.by_username("ben")).id, message_id)).seen
    visitor = other_browser()
    async with visitor.get("/live", headers={"Upgrade": "websocket", "Connection": "Upgrade",
                                             "Sec-WebSocket-Version": "13",
                                             "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}) as refused:
        assert refused.status == 401  # anonymous visitors have no member socket


async def test_a_flood_through_the_socket_gets_an_error_message(make_client, config):
    client = await make_client(dataclasses.replace(config, messages_per_minute=2))
    await register(client, "ana")
    ben = await make_client(dataclasses.replace(config, messages_per_minute=2))
    await register(ben, "ben")
    async with client.ws_connect("/live") as ana_live:
        for number in range(2):
            await ana_live.send_json({"kind": "message", "to": "ben", "body": f"number {number}"})
            await next_event(ana_live, "message")
        await ana_live.send_json({"kind": "message", "to": "ben", "body": "one too many"})
        error = await next_event(ana_live, "error")
        assert error["status"] == 429 and "at most 2 a minute" in error["message"]


async def test_member_sockets_close_with_going_away_at_shutdown(client):
    await register(client, "ana")
    ws = await client.ws_connect("/live")
    await caught_up(ws)
    assert len(client.app[MEMBERS]) == 1
    await client.app[MEMBERS].close_all()
    message = await ws.receive()
    assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert ws.close_code == aiohttp.WSCloseCode.GOING_AWAY


async def test_a_foreign_page_cannot_open_the_socket(client):
    await register(client, "ana")
    response = await client.get("/live", headers={"Origin": "https://evil.example", "Upgrade": "websocket",
                                                  "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                                                  "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert response.status == 403


async def test_following_is_a_live_notification(client, other_browser):
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    async with client.ws_connect("/live") as ana_live:
        await caught_up(ana_live)
        await post_form(ben, "/authors/ana/follow", {}, form_page="/authors/ana")
        event = await next_event(ana_live, "notification")
        assert (event["type"], event["text"], event["url"], event["unread"]) == (
            "follow", "ben followed you", "/authors/ben", 1)


async def test_a_tab_logged_out_elsewhere_stops_hearing_private_messages(client, other_browser, monkeypatch):
    from blog.views import member_live

    monkeypatch.setattr(member_live, "SESSION_CHECK_SECONDS", 0.05)  # checked every 15 s for real
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    async with ben.ws_connect("/live") as ben_live:
        await caught_up(ben_live)
        await post_form(ben, "/logout", {}, form_page="/logout")
        message = await asyncio.wait_for(ben_live.receive(), 5)
        assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        assert ben_live.close_code == member_live.LOGGED_OUT



async def test_the_recipient_hears_of_a_message_only_once_its_notification_is_recorded(client, config, other_browser):
    """A tab that marks a message seen the moment it arrives marks its notification read too,
    so that notification must already be in the database when the tab is told: else it is
    recorded unread just after, and the badge stays on for a message already read."""
    await register(client, "ana")
    await register(other_browser(), "ben")
    ben = await client.app[STORE].users.by_username("ben")
    unread_when_told: list[int] = []

    class Tab:  # told the way the member socket is, the moment the message is published
        def deliver(self, message: str) -> None:
            if json.loads(message)["kind"] == "message":
                unread_when_told.append(right_now_elsewhere(
                    config.database, lambda store: store.notifications.unread_counts(ben.id))[0])

    client.app[BROKER].subscribe_to(member_topic(ben.id), Tab())
    await send(client, "ben", "Are you there?")
    assert unread_when_told == [1]
