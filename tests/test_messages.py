"""Private messages through the plain forms (no JavaScript): the list, a conversation, paging,
Markdown, limits, blocking, the author page's link, the nav's count, and who may see what."""

from __future__ import annotations

import dataclasses
import re

import pytest

from blog.keys import STORE

from .conftest import post_form, register
from .messaging_helpers import (
    Member,
    caught_up,
    conversation_line,
    member,
    message_ids,
    nav_count,
    next_event,
    page,
    send,
)
from .test_api_helpers import auth


async def test_a_conversation_through_the_forms_newest_first_with_unread_counts(client, other_browser):
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    cat = other_browser()
    await register(cat, "cat")

    sent = await send(client, "ben", "Hello **Ben** <script>alert(1)</script>")
    assert sent.status == 303 and re.search(r"/messages/ben#message-\d+$", sent.headers["Location"])
    await send(cat, "ben", "Cat here")
    listed = await page(ben, "/messages")
    assert listed.index("cat") < listed.index("ana")  # newest conversation first
    assert "Cat here" in conversation_line(listed, "cat") and "1 unread" in conversation_line(listed, "cat")
    assert "Hello **Ben**" in conversation_line(listed, "ana")  # the last message's text
    assert nav_count(listed, "messages") == 2

    conversation = await page(ben, "/messages/ana")
    assert "<strong>Ben</strong>" in conversation and "<script>alert" not in conversation  # Markdown, sanitized
    assert "unread" not in conversation_line(await page(ben, "/messages"), "ana")  # reading it marked it read
    assert nav_count(await page(ben, "/messages"), "messages") == 1  # cat's is still unread
    assert "Seen" in await page(client, "/messages/ben")  # ana sees that ben read it


async def test_mistakes_come_back_with_the_text_and_a_clear_message(client, other_browser):
    await register(client, "ana")
    await register(other_browser(), "ben")
    empty = await send(client, "ben", "   ")
    assert empty.status == 400 and "Write something before sending." in await empty.text()
    long = "x" * 5001
    too_long = await send(client, "ben", long)
    body = await too_long.text()
    assert too_long.status == 400 and "Keep messages to 5,000 characters (this one has 5,001)." in body
    assert long in body  # nothing typed is lost
    assert (await send(client, "ben", "y" * 5000)).status == 303
    assert (await client.get("/messages/nobody")).status == 404
    assert (await client.get("/messages/ana")).status == 404  # nobody writes to themselves
    anonymous = await (other_browser()).get("/messages/ben", allow_redirects=False)
    assert anonymous.status == 303 and "/login" in anonymous.headers["Location"]


async def test_the_last_50_messages_show_and_older_ones_page_back(client, other_browser):
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    store = client.app[STORE]
    ana, bob = await store.users.by_username("ana"), await store.users.by_username("ben")
    for number in range(60):
        await store.messages.add(ana.id, bob.id, f"number {number}", f"<p>number {number}</p>")
    newest = await page(ben, "/messages/ana")
    assert len(message_ids(newest)) == 50 and "number 59" in newest and "number 9<" not in newest
    older = re.search(r'href="(/messages/ana\?before=\d+)"', newest)
    assert older
    earlier = await page(ben, older.group(1))
    assert len(message_ids(earlier)) == 10 and "number 0<" in earlier and "number 10<" not in earlier
    assert 'href="/messages/ana">Newest messages' in earlier


async def test_a_flood_is_refused_with_429_and_the_message_kept(make_client, config):
    client = await make_client(dataclasses.replace(config, messages_per_minute=3))
    await register(client, "ana")
    ben = await make_client(dataclasses.replace(config, messages_per_minute=3))  # the same database
    await register(ben, "ben")
    for number in range(3):
        assert (await send(client, "ben", f"message {number}")).status == 303
    flood = await send(client, "ben", "one too many")
    text = await flood.text()
    assert flood.status == 429 and "at most 3 a minute" in text and "one too many" in text


async def test_blocking_is_silent_and_stops_messages(client, other_browser):
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    await send(client, "ben", "Before the block")
    blocked = await post_form(ben, "/messages/ana/block", {}, form_page="/messages/ana")
    assert blocked.status == 303
    assert "You blocked ana" in await page(ben, "/messages/ana")
    after = await send(client, "ben", "After the block")
    assert after.status == 303  # ana is not told
    assert "After the block" in await page(client, "/messages/ben")  # her side shows it as sent
    bens_view = await page(ben, "/messages/ana")
    assert "Before the block" in bens_view and "After the block" not in bens_view
    assert nav_count(await page(ben, "/messages"), "messages") == 0
    ben_id = (await client.app[STORE].users.by_username("ben")).id
    assert len(await client.app[STORE].notifications.recent(ben_id)) == 1  # none for the withheld one
    await post_form(ben, "/messages/ana/unblock", {}, form_page="/messages/ana")
    await send(client, "ben", "After the unblock")
    assert "After the unblock" in await page(ben, "/messages/ana")


async def test_the_author_page_links_to_a_conversation(client, other_browser):
    await register(client, "ana")
    ben = other_browser()
    await register(ben, "ben")
    assert 'href="/messages/ana">Message ana</a>' in await page(ben, "/authors/ana")
    assert "Message ana" not in await page(client, "/authors/ana")  # not on one's own page
    assert "Message ana" not in await page(other_browser(), "/authors/ana")  # nor for visitors


@pytest.fixture
async def five(client, other_browser) -> dict[str, Member]:  # type: ignore[no-untyped-def]
    """An admin (the first account), an editor, and three authors: ana and ben talk, cat does not."""
    people = {"root": await member(client, client, "root")}
    for name, role in (("ana", None), ("ben", None), ("cat", None), ("eddie", "editor")):
        people[name] = await member(client, other_browser(), name, role)
    return people


async def test_only_the_two_members_ever_see_their_conversation(client, other_browser, five):
    ana, ben = five["ana"], five["ben"]
    assert (await send(ana.browser, "ben", "Our secret")).status == 303
    store = client.app[STORE]
    ana_id, ben_id = (await store.users.by_username("ana")).id, (await store.users.by_username("ben")).id
    message_id = (await store.messages.between(ana_id, ben_id))[0].id

    for who in (ana, ben):  # the two members: the page, the list, the API, the socket
        assert "Our secret" in await page(who.browser, "/messages/" + ("ben" if who is ana else "ana"))
        assert "Our secret" in await page(who.browser, "/messages")
        assert (await client.get(f"/api/messages/{message_id}", headers=auth(who.token))).status == 200
        async with who.browser.ws_connect("/live") as live:
            events = await caught_up(live)
            assert [event["id"] for event in events if event["kind"] == "message"] == [message_id]
    for name in ("cat", "eddie", "root"):  # a third member, an editor, the admin
        other = five[name]
        for path in ("/messages", "/messages/ana", "/messages/ben"):
            assert "Our secret" not in await page(other.browser, path)
        assert (await client.get(f"/api/messages/{message_id}", headers=auth(other.token))).status == 404
        assert (await client.post(f"/api/messages/{message_id}/seen", headers=auth(other.token))).status == 404
        for conversation in ("ana", "ben"):
            listed = await client.get(f"/api/conversations/{conversation}", headers=auth(other.token))
            assert listed.status == 200 and "Our secret" not in await listed.text()
        assert "Our secret" not in await (await client.get("/api/conversations", headers=auth(other.token))).text()
        async with other.browser.ws_connect("/live") as live:  # the socket: catching up, marking it seen
            events = await caught_up(live)
            assert not [event for event in events if event["kind"] == "message"]
            await live.send_json({"kind": "seen", "message_id": message_id})
            assert (await next_event(live, "error"))["message"] == "There is no such message."
    visitor = other_browser()  # anonymous
    for path in ("/messages", "/messages/ana"):
        response = await visitor.get(path, allow_redirects=False)
        assert response.status == 303 and "/login" in response.headers["Location"]
    assert (await visitor.get(f"/api/messages/{message_id}")).status == 401
    assert (await visitor.get("/api/conversations/ana")).status == 401
