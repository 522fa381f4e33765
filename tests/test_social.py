"""Following authors, favoriting posts and the feed, in the HTML site."""

from __future__ import annotations

from .conftest import post_form, register
from .test_comments import publish


async def test_follow_an_author_and_read_the_feed(client, other_browser):
    await register(client, "alice")
    first = await publish(client, "Alice writes")
    bob = other_browser()
    await register(bob, "bob")
    feed = await (await bob.get("/feed")).text()
    assert "Nobody you follow has published anything yet." in feed and "Alice writes" not in feed
    author_page = await (await bob.get("/authors/alice")).text()
    assert "0 followers" in author_page and "Follow alice" in author_page
    response = await post_form(bob, "/authors/alice/follow", {}, form_page="/authors/alice")
    assert response.status == 303 and response.headers["Location"] == "/authors/alice"
    author_page = await (await bob.get("/authors/alice")).text()
    assert "1 follower" in author_page and "Unfollow alice" in author_page
    feed = await (await bob.get("/feed")).text()
    assert "Alice writes" in feed and first in feed
    await post_form(bob, "/authors/alice/unfollow", {}, form_page="/authors/alice")
    assert "Alice writes" not in await (await bob.get("/feed")).text()


async def test_nobody_follows_themselves_and_anonymous_visitors_are_asked_to_log_in(client, other_browser):
    await register(client, "alice")
    response = await post_form(client, "/authors/alice/follow", {}, form_page="/authors/alice")
    assert response.status == 400 and "cannot follow yourself" in await response.text()
    anonymous = other_browser()
    assert "Log in to follow alice" in await (await anonymous.get("/authors/alice")).text()
    assert (await anonymous.get("/feed", allow_redirects=False)).headers["Location"] == "/login?next=/feed"
    response = await post_form(client, "/authors/nobody/follow", {}, form_page="/authors/alice")
    assert response.status == 404


async def test_favorite_and_unfavorite_a_post_with_its_count(client, other_browser):
    await register(client, "alice")
    post = await publish(client)
    bob = other_browser()
    await register(bob, "bob")
    page = await (await bob.get(post)).text()
    assert "0 favorites" in page and "☆ Favorite" in page
    for browser in (bob, client):
        response = await post_form(browser, post + "/favorite", {}, form_page=post)
        assert response.status == 303 and response.headers["Location"].endswith("#favorite")
    page = await (await bob.get(post)).text()
    assert "2 favorites" in page and "★ Favorited" in page and 'aria-pressed="true"' in page
    await post_form(bob, post + "/unfavorite", {}, form_page=post)
    assert "1 favorite<" in (await (await bob.get(post)).text()).replace("\n", "")
    anonymous = other_browser()
    anonymous_page = await (await anonymous.get(post)).text()
    assert "1 favorite" in anonymous_page and "☆ Favorite" not in anonymous_page


async def test_drafts_cannot_be_favorited(client):
    await register(client, "alice")
    draft = await publish(client, "Secret", status="draft")
    response = await post_form(client, draft + "/favorite", {}, form_page=draft + "/edit")
    assert response.status == 404


async def test_tag_addresses_are_normalised_and_trashed_posts_say_where_they_went(client, other_browser):
    await register(client, "alice")
    post = await publish(client)
    response = await client.get("/tags/Python", allow_redirects=False)
    assert response.status == 301 and response.headers["Location"] == "/tags/python"
    await post_form(client, post + "/delete", {}, form_page=post + "/edit")
    response = await client.get(post)
    assert response.status == 404 and "This post is in the trash" in await response.text()
    stranger = other_browser()
    response = await stranger.get(post)
    assert response.status == 404 and "in the trash" not in await response.text()
