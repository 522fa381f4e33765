"""Conversations through the API: replies, edits, versions and reactions beside RealWorld's comments."""

from __future__ import annotations

from urllib.parse import quote

from blog.keys import STORE

from .test_api_helpers import api_register, auth, create_article, errors_of
from .test_live import next_event

COMMENTS = "/api/articles/talk/comments"


async def setup_talk(client):  # type: ignore[no-untyped-def]
    """root (the admin), alice (writes the article), bob and carol; bob's comment on it."""
    tokens = {name: await api_register(client, name) for name in ("root", "alice", "bob", "carol")}
    await create_article(client, tokens["alice"], "Talk")
    response = await client.post(COMMENTS, headers=auth(tokens["bob"]), json={"comment": {"body": "First"}})
    return tokens, (await response.json())["comment"]["id"]


async def test_a_reply_joins_the_thread_and_reaches_live_readers(client):
    tokens, first = await setup_talk(client)
    async with client.ws_connect("/posts/1/talk/live") as ws:
        await next_event(ws, "presence")
        response = await client.post(f"{COMMENTS}/{first}/replies", headers=auth(tokens["carol"]),
                                     json={"comment": {"body": "Answer, @alice"}})
        assert response.status == 201
        reply = (await response.json())["comment"]
        assert (reply["parentId"], reply["replyToId"], reply["reactions"], reply["edited"]) == (first, first, [], False)
        event = await next_event(ws, "comment_added")
        assert (event["id"], event["parent_id"], event["reply_to_author"]) == (reply["id"], first, "bob")
    second = await client.post(f"{COMMENTS}/{reply['id']}/replies", headers=auth(tokens["bob"]),
                               json={"comment": {"body": "Thanks"}})
    assert (await second.json())["comment"]["parentId"] == first  # one level deep
    listed = (await (await client.get(COMMENTS)).json())["comments"]
    assert [(c["body"], c["parentId"]) for c in listed] == [("First", None), ("Answer, @alice", first),
                                                           ("Thanks", first)]
    response = await client.post(f"{COMMENTS}/999999/replies", headers=auth(tokens["bob"]), json={"comment": {"body": "x"}})
    assert response.status == 404 and await errors_of(response) == {"comment": ["not found"]}
    response = await client.post(f"{COMMENTS}/{first}/replies", json={"comment": {"body": "x"}})
    assert response.status == 401
    response = await client.post(f"{COMMENTS}/{first}/replies", headers=auth(tokens["bob"]), json={"comment": {"body": " "}})
    assert response.status == 422 and await errors_of(response) == {"body": ["can't be blank"]}


async def test_editing_is_for_the_author_and_editors_and_versions_for_moderators(client):
    tokens, first = await setup_talk(client)
    response = await client.put(f"{COMMENTS}/{first}", headers=auth(tokens["bob"]), json={"comment": {"body": "First!"}})
    assert response.status == 200
    edited = (await response.json())["comment"]
    assert edited["body"] == "First!" and edited["edited"] and edited["updatedAt"] > edited["createdAt"]
    response = await client.put(f"{COMMENTS}/{first}", headers=auth(tokens["carol"]), json={"comment": {"body": "Mine"}})
    assert response.status == 403 and await errors_of(response) == {"comment": ["forbidden"]}
    response = await client.put(f"{COMMENTS}/{first}", headers=auth(tokens["root"]), json={"comment": {"body": "Tidied"}})
    assert response.status == 200  # the admin moderates
    response = await client.put(f"{COMMENTS}/{first}", headers=auth(tokens["bob"]), json={"comment": {"body": ""}})
    assert response.status == 422
    for who in ("alice", "root"):  # the article's author and an admin
        response = await client.get(f"{COMMENTS}/{first}/versions", headers=auth(tokens[who]))
        versions = (await response.json())["versions"]
        assert [(v["body"], v["replacedBy"]) for v in versions] == [("First!", "root"), ("First", "bob")]
    for who in ("bob", "carol"):
        response = await client.get(f"{COMMENTS}/{first}/versions", headers=auth(tokens[who]))
        assert response.status == 403
    assert (await client.get(f"{COMMENTS}/{first}/versions")).status == 401


async def test_reactions_are_given_and_taken_back_and_tell_the_author(client):
    tokens, first = await setup_talk(client)
    path = f"{COMMENTS}/{first}/reactions/{quote('🎉')}"
    async with client.ws_connect("/posts/1/talk/live") as ws:
        await next_event(ws, "presence")
        response = await client.put(path, headers=auth(tokens["carol"]))
        assert response.status == 200
        assert (await response.json())["comment"]["reactions"] == [{"emoji": "🎉", "count": 1, "usernames": ["carol"]}]
        event = await next_event(ws, "reactions_changed")
        assert event == {"kind": "reactions_changed", "id": first,
                         "reactions": [{"emoji": "🎉", "count": 1, "usernames": ["carol"]}]}
        assert (await client.put(path, headers=auth(tokens["carol"]))).status == 200  # again: no change
        response = await client.delete(path, headers=auth(tokens["carol"]))
        assert (await response.json())["comment"]["reactions"] == []
        assert (await next_event(ws, "reactions_changed"))["reactions"] == []
    heart = await client.put(f"{COMMENTS}/{first}/reactions/{quote('❤')}", headers=auth(tokens["alice"]))
    assert (await heart.json())["comment"]["reactions"][0]["emoji"] == "❤️"
    response = await client.put(f"{COMMENTS}/{first}/reactions/{quote('💩')}", headers=auth(tokens["alice"]))
    assert response.status == 422 and "must be one of" in (await errors_of(response))["emoji"][0]
    assert (await client.put(path)).status == 401
    store = client.app[STORE]
    bob = await store.users.by_username("bob")
    told = [(n.kind, n.actor_username, n.detail) for n in await store.notifications.recent(bob.id)]
    assert told == [("reaction", "alice", "❤️"), ("reaction", "carol", "🎉")]
    listed = (await (await client.get(COMMENTS)).json())["comments"]
    assert listed[0]["reactions"] == [{"emoji": "❤️", "count": 1, "usernames": ["alice"]}]
