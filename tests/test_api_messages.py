"""Private messages through the JSON API: send, read, page, mark seen, block; errors in
RealWorld's shape with the right status."""

from __future__ import annotations

import dataclasses

from .conftest import login
from .messaging_helpers import caught_up, next_event
from .test_api_helpers import api_register, auth, errors_of


async def test_send_read_and_mark_seen(client):
    ana, ben = await api_register(client, "ana"), await api_register(client, "ben")
    sent = await client.post("/api/conversations/ben", json={"message": {"body": "Hi *Ben*"}}, headers=auth(ana))
    assert sent.status == 201
    message = (await sent.json())["message"]
    assert (message["from"], message["to"], message["body"], message["seen"]) == ("ana", "ben", "Hi *Ben*", False)
    assert message["bodyHtml"].strip() == "<p>Hi <em>Ben</em></p>"

    listed = await (await client.get("/api/conversations", headers=auth(ben))).json()
    assert [(c["with"], c["unread"], c["lastMessage"]["id"]) for c in listed["conversations"]] == [
        ("ana", 1, message["id"])]
    conversation = await (await client.get("/api/conversations/ana", headers=auth(ben))).json()
    assert [m["id"] for m in conversation["messages"]] == [message["id"]] and conversation["blocked"] is False
    assert (await client.post(f"/api/messages/{message['id']}/seen", headers=auth(ana))).status == 404  # the sender
    assert (await client.post(f"/api/messages/{message['id']}/seen", headers=auth(ben))).status == 204
    shown = await (await client.get(f"/api/messages/{message['id']}", headers=auth(ana))).json()
    assert shown["message"]["seen"] is True
    assert (await (await client.get("/api/conversations", headers=auth(ben))).json())["conversations"][0]["unread"] == 0


async def test_bad_requests_get_clear_errors(client):
    ana = await api_register(client, "ana")
    await api_register(client, "ben")
    for body, status, field in (({"message": {"body": ""}}, 422, "body"), ({"message": {"body": 5}}, 422, "body"),
                                ({"message": {"body": "x" * 5001}}, 422, "body"), ({"nothing": 1}, 422, "message")):
        response = await client.post("/api/conversations/ben", json=body, headers=auth(ana))
        assert response.status == status and field in await errors_of(response), body
    assert (await client.post("/api/conversations/ben", data="{", headers={
        **auth(ana), "Content-Type": "application/json"})).status == 400
    assert (await client.post("/api/conversations/nobody", json={"message": {"body": "hi"}},
                              headers=auth(ana))).status == 404
    assert (await client.post("/api/conversations/ana", json={"message": {"body": "hi"}},
                              headers=auth(ana))).status == 404
    assert (await client.get("/api/messages/abc", headers=auth(ana))).status == 422
    assert (await client.get("/api/messages/99999999999999999999999", headers=auth(ana))).status == 404
    assert (await client.get("/api/conversations/ben?before=x", headers=auth(ana))).status == 422
    assert (await client.post("/api/conversations/ben", json={"message": {"body": "hi"}})).status == 401


async def test_a_flood_gets_429_with_retry_after(make_client, config):
    client = await make_client(dataclasses.replace(config, messages_per_minute=2))
    ana = await api_register(client, "ana")
    await api_register(client, "ben")
    for _ in range(2):
        assert (await client.post("/api/conversations/ben", json={"message": {"body": "hi"}},
                                  headers=auth(ana))).status == 201
    flood = await client.post("/api/conversations/ben", json={"message": {"body": "hi"}}, headers=auth(ana))
    assert flood.status == 429 and flood.headers["Retry-After"] == "60"
    assert "at most 2 a minute" in (await errors_of(flood))["message"][0]


async def test_a_blocked_member_is_not_told_and_a_message_through_the_api_arrives_live(client, other_browser):
    ana, ben = await api_register(client, "ana"), await api_register(client, "ben")
    assert (await client.put("/api/blocks/ana", headers=auth(ben))).status == 204
    withheld = await client.post("/api/conversations/ben", json={"message": {"body": "Blocked"}}, headers=auth(ana))
    assert withheld.status == 201  # silently
    withheld_id = (await withheld.json())["message"]["id"]
    assert (await client.get(f"/api/messages/{withheld_id}", headers=auth(ben))).status == 404
    assert (await (await client.get("/api/conversations/ana", headers=auth(ben))).json())["messages"] == []
    assert (await (await client.get("/api/conversations/ana", headers=auth(ben))).json())["blocked"] is True
    assert (await client.delete("/api/blocks/ana", headers=auth(ben))).status == 204

    browser = other_browser()  # ben's browser, logged in through the form
    assert (await login(browser, "ben", "password123")).status == 303
    async with browser.ws_connect("/live") as ben_live:
        await caught_up(ben_live)
        await client.post("/api/conversations/ben", json={"message": {"body": "Live from the API"}},
                          headers=auth(ana))
        assert (await next_event(ben_live, "message"))["body_html"].strip() == "<p>Live from the API</p>"
