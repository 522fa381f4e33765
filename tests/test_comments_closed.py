"""A post whose comments are closed: no form, and the HTML form, the API and live readers refused."""

from __future__ import annotations

import json
import re

from blog.keys import STORE

from .conftest import STRONG_PASSWORD, post_form, register
from .posts_helpers import create_post, edit_post


async def closed_post(client) -> str:  # type: ignore[no-untyped-def]
    location = await create_post(client, title="Quiet", body="No comments here.")
    await post_form(client, location + "/comments", {"body": "An early comment"}, form_page=location)
    response = await edit_post(client, location, comments_shown="1", comments="")
    assert response.status == 303
    return location


async def test_closed_comments_show_no_form_but_keep_the_old_ones(client, other_browser):
    await register(client, "alice")
    location = await closed_post(client)
    form = await (await client.get(location + "/edit")).text()
    assert re.search(r'name="comments" value="on"\s*>', form)  # the box is not ticked any more
    for browser in (client, other_browser()):
        page = await (await browser.get(location)).text()
        assert "Comments are closed on this post." in page
        assert 'id="comment-form"' not in page and "Log in to comment" not in page
        assert "An early comment" in page


async def test_the_form_the_api_and_live_readers_are_refused(client):
    await register(client, "alice")
    location = await closed_post(client)
    refused = await post_form(client, location + "/comments", {"body": "Sneaking in"}, form_page="/account")
    assert refused.status == 403
    assert "Comments are closed on this post." in await refused.text()

    token = (await (await client.post("/api/users/login", json={
        "user": {"email": "alice", "password": STRONG_PASSWORD}})).json())["user"]["token"]
    slug = location.rsplit("/", 1)[1]
    api = await client.post(f"/api/articles/{slug}/comments", json={"comment": {"body": "Via the API"}},
                            headers={"Authorization": f"Token {token}"})
    assert api.status == 403
    assert await api.json() == {"errors": {"comment": ["comments are closed on this article"]}}
    post = await client.app[STORE].posts.by_slug(slug)
    assert post is not None
    assert [c.body for c in await client.app[STORE].comments.of_post(post.id)] == ["An early comment"]

    async with client.ws_connect(location + "/live", headers={"Origin": str(client.make_url("/"))[:-1]}) as ws:
        await ws.send_str(json.dumps({"kind": "typing"}))
        while True:
            message = json.loads((await ws.receive()).data)
            if message["kind"] == "error":
                break
        assert message["message"] == "Comments are closed on this post."


async def test_reopening_comments_brings_the_form_back(client):
    await register(client, "alice")
    location = await closed_post(client)
    assert (await edit_post(client, location, comments_shown="1", comments="on")).status == 303
    assert 'id="comment-form"' in await (await client.get(location)).text()
    assert (await post_form(client, location + "/comments", {"body": "Back again"}, form_page=location)).status == 303
