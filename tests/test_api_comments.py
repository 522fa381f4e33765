"""/api/articles/{slug}/comments: listing, adding (live readers get it), deleting."""

from __future__ import annotations

from blog.keys import STORE

from .test_api_helpers import api_register, auth, create_article, errors_of
from .test_live import next_event


async def test_add_list_and_delete_comments(client):
    alice = await api_register(client, "alice")
    bob = await api_register(client, "bob")
    await create_article(client, alice, "Talk")
    await client.post("/api/profiles/alice/follow", headers=auth(bob))
    response = await client.post("/api/articles/talk/comments", headers=auth(bob), json={"comment": {"body": "Hi *there*"}})
    assert response.status == 201
    comment = (await response.json())["comment"]
    assert comment["body"] == "Hi *there*" and comment["createdAt"] == comment["updatedAt"]
    assert comment["author"] == {"username": "bob", "bio": None, "image": None, "following": False}
    await client.post("/api/articles/talk/comments", headers=auth(alice), json={"comment": {"body": "Hello bob"}})
    listed = (await (await client.get("/api/articles/talk/comments", headers=auth(bob))).json())["comments"]
    assert [c["body"] for c in listed] == ["Hi *there*", "Hello bob"]
    assert [c["author"]["following"] for c in listed] == [False, True]
    response = await client.delete(f"/api/articles/talk/comments/{comment['id']}", headers=auth(bob))
    assert response.status == 204
    listed = (await (await client.get("/api/articles/talk/comments")).json())["comments"]
    assert [c["body"] for c in listed] == ["Hello bob"]


async def test_comment_errors(client):
    alice = await api_register(client, "alice")
    bob = await api_register(client, "bob")
    carol = await api_register(client, "carol")
    await create_article(client, bob, "Talk")
    for body, message in (("", "can't be blank"), ("  \n ", "can't be blank"), (None, "must be a string"),
                          (5, "must be a string"), ("x" * 5001, "is too long (maximum is 5000 characters)")):
        response = await client.post("/api/articles/talk/comments", headers=auth(bob), json={"comment": {"body": body}})
        assert response.status == 422 and (await errors_of(response)) == {"body": [message]}, body
    response = await client.post("/api/articles/nothing/comments", headers=auth(bob), json={"comment": {"body": "x"}})
    assert response.status == 404 and (await errors_of(response)) == {"article": ["not found"]}
    assert (await client.get("/api/articles/nothing/comments")).status == 404
    assert (await client.post("/api/articles/talk/comments", json={"comment": {"body": "x"}})).status == 401
    created = await client.post("/api/articles/talk/comments", headers=auth(bob), json={"comment": {"body": "mine"}})
    comment_id = (await created.json())["comment"]["id"]
    response = await client.delete(f"/api/articles/talk/comments/{comment_id}", headers=auth(carol))
    assert response.status == 403 and (await errors_of(response)) == {"comment": ["forbidden"]}
    assert (await client.delete(f"/api/articles/talk/comments/{comment_id}")).status == 401
    for missing in ("99999", "0", "-3", str(10**30)):
        response = await client.delete(f"/api/articles/talk/comments/{missing}", headers=auth(bob))
        assert response.status == 404 and (await errors_of(response)) == {"comment": ["not found"]}, missing
    response = await client.delete("/api/articles/talk/comments/abc", headers=auth(bob))
    assert response.status == 422 and (await errors_of(response)) == {"id": ["must be an integer"]}
    response = await client.delete(f"/api/articles/nothing/comments/{comment_id}", headers=auth(bob))
    assert response.status == 404 and (await errors_of(response)) == {"article": ["not found"]}
    # The admin (alice registered first) moderates, like on the site.
    assert (await client.delete(f"/api/articles/talk/comments/{comment_id}", headers=auth(alice))).status == 204


async def test_an_api_comment_reaches_a_live_reader_and_the_html_page(client, other_browser):
    token = await api_register(client, "alice")
    article = await create_article(client, token, "Live talk")
    post = await client.app[STORE].posts.by_slug(article["slug"])
    page_path = f"/posts/{post.id}/{post.slug}"
    reader = other_browser()
    async with reader.ws_connect(page_path + "/live") as ws:
        await next_event(ws, "presence")
        response = await client.post(f"/api/articles/{post.slug}/comments", headers=auth(token),
                                     json={"comment": {"body": "Hello *live* world"}})
        comment_id = (await response.json())["comment"]["id"]
        event = await next_event(ws, "comment_added")
        assert (event["id"], event["author"]) == (comment_id, "alice")
        assert event["body_html"] == "<p>Hello <em>live</em> world</p>\n"
        await client.delete(f"/api/articles/{post.slug}/comments/{comment_id}", headers=auth(token))
        assert await next_event(ws, "comment_deleted") == {"kind": "comment_deleted", "id": comment_id}
    await client.post(f"/api/articles/{post.slug}/comments", headers=auth(token), json={"comment": {"body": "Stays"}})
    page = await (await reader.get(page_path)).text()
    assert "Stays" in page
