"""/api/articles: create, read, list with filters and paging, the feed, update and delete."""

from __future__ import annotations

import re

from blog.api.validation import is_blank
from blog.content.post_form import validate_post
from blog.keys import STORE

from .test_api_helpers import api_register, auth, create_article, errors_of

ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


async def test_create_and_read_an_article(client):
    token = await api_register(client, "alice")
    article = await create_article(client, token, "How to train your dragon", tagList=["dragons", "training"])
    assert article["slug"] == "how-to-train-your-dragon"
    assert (article["title"], article["description"], article["body"]) == (
        "How to train your dragon", "Ever wonder how?", "You have to *believe*.")
    assert article["tagList"] == ["dragons", "training"]
    assert ISO_8601.match(article["createdAt"]) and ISO_8601.match(article["updatedAt"])
    assert (article["favorited"], article["favoritesCount"]) == (False, 0)
    assert article["author"] == {"username": "alice", "bio": None, "image": None, "following": False}
    response = await client.get("/api/articles/how-to-train-your-dragon")
    assert response.status == 200 and (await response.json())["article"] == article


async def test_created_article_has_a_location(client):
    token = await api_register(client, "alice")
    response = await client.post("/api/articles", headers=auth(token), json={"article": {
        "title": "Here", "description": "d", "body": "b"}})
    assert response.status == 201 and response.headers["Location"] == "/api/articles/here"


async def test_tags_are_normalised_like_the_forms_and_listed_alphabetically(client):
    """RealWorld's Postman collection expects tagList in alphabetical order; the site's own
    pages keep the writer's order."""
    token = await api_register(client, "alice")
    article = await create_article(client, token, tagList=["zeta", "d_123", "Alpha Beta", "zeta", "  ", "a,b"])
    assert article["tagList"] == ["a-b", "alpha-beta", "d_123", "zeta"]
    for listed in (await (await client.get("/api/articles")).json())["articles"]:
        assert listed["tagList"] == ["a-b", "alpha-beta", "d_123", "zeta"]
    post = await client.app[STORE].posts.by_slug(article["slug"])
    page = await (await client.get(f"/posts/{post.id}/{post.slug}")).text()
    order = [page.index(f"/tags/{tag}") for tag in ("zeta", "d_123", "alpha-beta", "a-b")]
    assert order == sorted(order)  # the writer's order on the page


async def test_article_validation_errors(client):
    token = await api_register(client, "alice")
    good = {"title": "A title", "description": "A description", "body": "A body"}
    cases = [
        ({**good, "title": ""}, "title", "can't be blank"),
        ({**good, "description": "   "}, "description", "can't be blank"),
        ({**good, "body": ""}, "body", "can't be blank"),
        ({"title": "t", "description": "d"}, "body", "can't be blank"),
        ({**good, "title": "x" * 201}, "title", "is too long (maximum is 200 characters)"),
        ({**good, "tagList": "not-a-list"}, "tagList", "must be a list of strings"),
        ({**good, "tagList": [1, 2]}, "tagList", "must be a list of strings"),
        ({**good, "tagList": [f"t{n}" for n in range(11)]}, "tagList", "is too long (maximum is 10 tags)"),
        ({**good, "title": None}, "title", "must be a string"),
    ]
    for article, field, message in cases:
        response = await client.post("/api/articles", json={"article": article}, headers=auth(token))
        assert response.status == 422, article
        assert (await errors_of(response))[field] == [message], article


async def test_duplicate_titles_get_distinct_slugs(client):
    token = await api_register(client, "alice")
    first = await create_article(client, token, "Same title")
    second = await create_article(client, token, "Same title")
    assert first["slug"] == "same-title" and second["slug"] != first["slug"]


async def test_update_merges_fields_changes_updated_at_and_regenerates_the_slug(client):
    token = await api_register(client, "alice")
    article = await create_article(client, token, "Old title", tagList=["one", "two"])
    response = await client.put(f"/api/articles/{article['slug']}", headers=auth(token),
                                json={"article": {"body": "New body"}})
    updated = (await response.json())["article"]
    assert response.status == 200
    assert (updated["slug"], updated["body"], updated["tagList"]) == ("old-title", "New body", ["one", "two"])
    assert updated["createdAt"] == article["createdAt"] and updated["updatedAt"] > article["updatedAt"]
    response = await client.put("/api/articles/old-title", headers=auth(token),
                                json={"article": {"title": "New title", "tagList": []}})
    renamed = (await response.json())["article"]
    assert (renamed["slug"], renamed["tagList"], renamed["body"]) == ("new-title", [], "New body")
    assert (await client.get("/api/articles/new-title")).status == 200
    response = await client.put("/api/articles/new-title", headers=auth(token), json={"article": {"tagList": None}})
    assert response.status == 422 and (await errors_of(response)) == {"tagList": ["must be a list of strings"]}
    response = await client.put("/api/articles/new-title", headers=auth(token), json={"article": {"title": ""}})
    assert response.status == 422 and (await errors_of(response)) == {"title": ["can't be blank"]}


async def test_only_the_author_and_editors_may_change_or_delete(client):
    alice = await api_register(client, "alice")  # the first account: an admin
    bob = await api_register(client, "bob")
    carol = await api_register(client, "carol")
    article = await create_article(client, bob, "Bob's article")
    path = f"/api/articles/{article['slug']}"
    response = await client.put(path, headers=auth(carol), json={"article": {"body": "hijacked"}})
    assert response.status == 403 and (await errors_of(response)) == {"article": ["forbidden"]}
    response = await client.delete(path, headers=auth(carol))
    assert response.status == 403 and (await errors_of(response)) == {"article": ["forbidden"]}
    response = await client.put(path, headers=auth(alice), json={"article": {"body": "edited by the admin"}})
    assert response.status == 200


async def test_delete_moves_the_post_to_the_trash(client):
    token = await api_register(client, "alice")
    article = await create_article(client, token, "Short lived")
    assert (await client.delete("/api/articles/short-lived", headers=auth(token))).status == 204
    response = await client.get("/api/articles/short-lived")
    assert response.status == 404 and (await errors_of(response)) == {"article": ["not found"]}
    assert (await client.get("/api/articles")).status == 200
    assert (await (await client.get("/api/articles")).json())["articlesCount"] == 0
    trashed = await client.app[STORE].posts.trashed(None)
    assert [post.slug for post in trashed] == [article["slug"]]


async def test_unknown_slugs_are_404_and_writes_need_a_token(client):
    token = await api_register(client, "alice")
    for method in ("get", "put", "delete"):
        response = await client.request(method, "/api/articles/nothing-here", headers=auth(token),
                                        json={"article": {"body": "x"}})
        assert response.status == 404 and (await errors_of(response)) == {"article": ["not found"]}, method
    for method, path in (("post", "/api/articles"), ("put", "/api/articles/x"), ("delete", "/api/articles/x"),
                         ("get", "/api/articles/feed")):
        response = await client.request(method, path, json={"article": {"body": "x"}})
        assert response.status == 401 and (await errors_of(response)) == {"token": ["is missing"]}, path


async def test_lists_leave_out_the_body_and_count_everything(client):
    token = await api_register(client, "alice")
    for number in range(3):
        await create_article(client, token, f"Article {number}")
    body = await (await client.get("/api/articles")).json()
    assert body["articlesCount"] == 3
    assert [article["title"] for article in body["articles"]] == ["Article 2", "Article 1", "Article 0"]
    assert all("body" not in article for article in body["articles"])


async def test_filters_by_tag_author_and_favorited(client):
    alice = await api_register(client, "alice")
    bob = await api_register(client, "bob")
    await create_article(client, alice, "Alice on dragons", tagList=["dragons"])
    await create_article(client, bob, "Bob on dragons", tagList=["dragons", "bob"])
    await create_article(client, bob, "Bob on cats", tagList=["cats"])
    await client.post("/api/articles/alice-on-dragons/favorite", headers=auth(bob))

    async def titles(query: str) -> list[str]:
        body = await (await client.get(f"/api/articles?{query}")).json()
        assert body["articlesCount"] == len(body["articles"])
        return [article["title"] for article in body["articles"]]

    assert await titles("tag=dragons") == ["Bob on dragons", "Alice on dragons"]
    assert await titles("author=BOB") == ["Bob on cats", "Bob on dragons"]
    assert await titles("favorited=bob") == ["Alice on dragons"]
    assert await titles("tag=dragons&author=bob") == ["Bob on dragons"]
    assert await titles("author=nobody") == []
    assert await titles("tag=") == ["Bob on cats", "Bob on dragons", "Alice on dragons"]


async def test_feed_holds_the_followed_authors_articles(client):
    alice = await api_register(client, "alice")
    bob = await api_register(client, "bob")
    await api_register(client, "carol")
    feed = await (await client.get("/api/articles/feed", headers=auth(alice))).json()
    assert feed == {"articles": [], "articlesCount": 0}
    await client.post("/api/profiles/bob/follow", headers=auth(alice))
    await create_article(client, bob, "Bob writes")
    await create_article(client, bob, "Bob writes again")
    await create_article(client, alice, "Alice writes")
    feed = await (await client.get("/api/articles/feed?limit=1", headers=auth(alice))).json()
    assert feed["articlesCount"] == 2 and [a["title"] for a in feed["articles"]] == ["Bob writes again"]
    assert feed["articles"][0]["author"]["following"] is True


async def test_paging_with_limit_offset_and_link_headers(client):
    token = await api_register(client, "alice")
    for number in range(5):
        await create_article(client, token, f"Article {number}", tagList=["paged"])
    response = await client.get("/api/articles?tag=paged&limit=2")
    body = await response.json()
    assert [a["title"] for a in body["articles"]] == ["Article 4", "Article 3"] and body["articlesCount"] == 5
    assert response.headers["Link"] == '</api/articles?tag=paged&limit=2&offset=2>; rel="next"'
    response = await client.get("/api/articles?tag=paged&limit=2&offset=2")
    assert [a["title"] for a in (await response.json())["articles"]] == ["Article 2", "Article 1"]
    links = response.headers["Link"]
    assert '</api/articles?tag=paged&limit=2&offset=4>; rel="next"' in links
    assert '</api/articles?tag=paged&limit=2&offset=0>; rel="prev"' in links
    response = await client.get("/api/articles?tag=paged&limit=2&offset=4")
    assert response.headers["Link"] == '</api/articles?tag=paged&limit=2&offset=2>; rel="prev"'
    response = await client.get("/api/articles?tag=paged&limit=20")
    assert "Link" not in response.headers
    response = await client.get("/api/articles?tag=paged&offset=100")
    body = await response.json()
    assert body == {"articles": [], "articlesCount": 5}
    assert response.headers["Link"] == '</api/articles?tag=paged&offset=0&limit=20>; rel="prev"'


async def test_absurd_paging_values_are_422_never_5xx(client):
    cases = {
        "limit=-1": {"limit": ["must be greater than or equal to 1"]},
        "limit=0": {"limit": ["must be greater than or equal to 1"]},
        "limit=101": {"limit": ["must be less than or equal to 100"]},
        f"limit={10**30}": {"limit": ["must be less than or equal to 100"]},
        f"limit=-{10**300}": {"limit": ["must be greater than or equal to 1"]},
        "limit=abc": {"limit": ["must be an integer"]},
        "limit=1.5": {"limit": ["must be an integer"]},
        "limit=": {"limit": ["must be an integer"]},
        "offset=abc": {"offset": ["must be an integer"]},
        "offset=-1": {"offset": ["must be greater than or equal to 0"]},
        f"offset={2**64}": {"offset": ["must be less than or equal to 1000000000"]},
    }
    for query, errors in cases.items():
        response = await client.get(f"/api/articles?{query}")
        assert response.status == 422, query
        assert (await errors_of(response)) == errors, query


async def test_drafts_written_in_the_browser_are_not_listed(client):
    token = await api_register(client, "alice")
    user = await client.app[STORE].users.by_username("alice")
    fields, _ = validate_post({"title": "A draft", "body": "b", "summary": "", "tags": "", "status": "draft"})
    assert fields is not None
    await client.app[STORE].posts.create(user.id, fields, None)
    assert (await (await client.get("/api/articles")).json())["articlesCount"] == 0
    assert (await client.get("/api/articles/a-draft")).status == 404
    assert (await client.get("/api/articles/a-draft", headers=auth(token))).status == 200  # its author sees it


async def test_tags_lists_the_tags_of_public_articles(client):
    token = await api_register(client, "alice")
    await create_article(client, token, "One", tagList=["common", "rare"])
    await create_article(client, token, "Two", tagList=["common"])
    await create_article(client, token, "Three", tagList=["gone"])
    await client.delete("/api/articles/three", headers=auth(token))
    assert await (await client.get("/api/tags")).json() == {"tags": ["common", "rare"]}


def test_blank_means_what_str_strip_means_in_every_unicode_character():
    """The document's "not blank" pattern must agree with the post form's .strip() everywhere."""
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        character = chr(code)
        assert is_blank(character) == (not character.strip()), hex(code)
        assert is_blank(f" {character} ") == (not character.strip()), hex(code)
