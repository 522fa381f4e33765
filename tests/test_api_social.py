"""/api/profiles and favorites: following authors and favoriting articles."""

from __future__ import annotations

from blog.keys import STORE

from .test_api_helpers import api_register, auth, create_article, errors_of


async def test_profiles_with_and_without_a_token(client):
    alice = await api_register(client, "alice")
    await api_register(client, "bob")
    await client.put("/api/user", headers=auth(alice), json={"user": {"bio": "Hi", "image": "https://example.com/a.png"}})
    response = await client.get("/api/profiles/ALICE")
    assert await response.json() == {"profile": {
        "username": "alice", "bio": "Hi", "image": "https://example.com/a.png", "following": False}}
    response = await client.get("/api/profiles/nobody")
    assert response.status == 404 and (await errors_of(response)) == {"profile": ["not found"]}


async def test_follow_and_unfollow(client):
    alice = await api_register(client, "alice")
    await api_register(client, "bob")
    response = await client.post("/api/profiles/bob/follow", headers=auth(alice))
    assert response.status == 200 and (await response.json())["profile"]["following"] is True
    assert (await (await client.get("/api/profiles/bob", headers=auth(alice))).json())["profile"]["following"]
    assert not (await (await client.get("/api/profiles/bob")).json())["profile"]["following"]
    bob = await client.app[STORE].users.by_username("bob")
    assert await client.app[STORE].social.follower_count(bob.id) == 1  # the same follows the HTML side shows
    response = await client.delete("/api/profiles/bob/follow", headers=auth(alice))
    assert response.status == 200 and (await response.json())["profile"]["following"] is False
    assert await client.app[STORE].social.follower_count(bob.id) == 0


async def test_follow_errors(client):
    alice = await api_register(client, "alice")
    for method in ("post", "delete"):
        response = await client.request(method, "/api/profiles/bob/follow")
        assert response.status == 401 and (await errors_of(response)) == {"token": ["is missing"]}
        response = await client.request(method, "/api/profiles/bob/follow", headers=auth(alice))
        assert response.status == 404 and (await errors_of(response)) == {"profile": ["not found"]}
    response = await client.post("/api/profiles/alice/follow", headers=auth(alice))
    assert response.status == 403 and (await errors_of(response)) == {"profile": ["can't follow yourself"]}


async def test_favorite_and_unfavorite(client):
    alice = await api_register(client, "alice")
    bob = await api_register(client, "bob")
    await create_article(client, alice, "Liked")
    response = await client.post("/api/articles/liked/favorite", headers=auth(bob))
    article = (await response.json())["article"]
    assert response.status == 200 and (article["favorited"], article["favoritesCount"]) == (True, 1)
    await client.post("/api/articles/liked/favorite", headers=auth(bob))  # twice is still once
    await client.post("/api/articles/liked/favorite", headers=auth(alice))
    seen_by_bob = (await (await client.get("/api/articles/liked", headers=auth(bob))).json())["article"]
    assert (seen_by_bob["favorited"], seen_by_bob["favoritesCount"]) == (True, 2)
    anonymous = (await (await client.get("/api/articles")).json())["articles"][0]
    assert (anonymous["favorited"], anonymous["favoritesCount"]) == (False, 2)
    response = await client.delete("/api/articles/liked/favorite", headers=auth(bob))
    article = (await response.json())["article"]
    assert (article["favorited"], article["favoritesCount"]) == (False, 1)


async def test_favorite_errors(client):
    alice = await api_register(client, "alice")
    for method in ("post", "delete"):
        response = await client.request(method, "/api/articles/nothing/favorite")
        assert response.status == 401
        response = await client.request(method, "/api/articles/nothing/favorite", headers=auth(alice))
        assert response.status == 404 and (await errors_of(response)) == {"article": ["not found"]}
    await create_article(client, alice, "Soon trashed")
    await client.delete("/api/articles/soon-trashed", headers=auth(alice))
    assert (await client.post("/api/articles/soon-trashed/favorite", headers=auth(alice))).status == 404
