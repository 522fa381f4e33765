"""What every /api request can rely on: JSON errors (never HTML, never a redirect, never a 5xx
for bad input), CORS for configured origins, the OpenAPI document, and one set of data
shared with the HTML site."""

from __future__ import annotations

import dataclasses
import io
import json
import re

from aiohttp.test_utils import make_mocked_request

from blog.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from blog.api.users import BIO_MAX, IMAGE_MAX, IMAGE_PATTERN, USERNAME_PATTERN
from blog.api.validation import NOT_BLANK_PATTERN
from blog.content.comments import COMMENT_MAX
from blog.content.post_form import BODY_MAX, SUMMARY_MAX, TAGS_MAX, TITLE_MAX
from blog.keys import STORE
from blog.web.errors import error_response

from .conftest import register
from .test_api_helpers import api_register, auth, create_article, errors_of
from .test_comments import publish

ARTICLE = {"article": {"title": "T", "description": "D", "body": "B"}}


async def test_a_body_that_is_not_json_is_415(client):
    token = await api_register(client, "alice")
    response = await client.post("/api/articles", headers=auth(token), data={"title": "a form"})
    assert response.status == 415 and (await errors_of(response)) == {"body": ["must be sent as application/json"]}
    response = await client.post("/api/articles", headers={**auth(token), "Content-Type": "text/plain"},
                                 data=json.dumps(ARTICLE))
    assert response.status == 415


async def test_malformed_json_is_400_and_the_wrong_shape_422(client):
    token = await api_register(client, "alice")
    json_headers = {**auth(token), "Content-Type": "application/json"}
    for raw in ('{"article": ', "[" * 100_000, '{"article": {"title": "\\ud800"}}', "9" * 5000):
        response = await client.post("/api/articles", headers=json_headers, data=raw)
        assert response.status == 400, raw[:20]
        assert (await errors_of(response)) == {"body": ["is not valid JSON"]}
    for raw, errors in (("", {"article": ["can't be blank"]}), ("[]", {"article": ["can't be blank"]}),
                        ('{"article": null}', {"article": ["can't be blank"]}),
                        ('{"article": "text"}', {"article": ["must be an object"]})):
        response = await client.post("/api/articles", headers=json_headers, data=raw)
        assert response.status == 422 and (await errors_of(response)) == errors, raw


async def test_a_ten_megabyte_body_is_413(client):
    token = await api_register(client, "alice")
    huge = b'{"article": {"body": "' + b"x" * (10 * 1024 * 1024) + b'"}}'
    headers = {**auth(token), "Content-Type": "application/json"}
    response = await client.post("/api/articles", headers=headers, data=io.BytesIO(huge))
    assert response.status == 413 and "is too large" in (await errors_of(response))["body"][0]

    async def chunks():  # type: ignore[no-untyped-def]
        for start in range(0, len(huge), 1024 * 1024):
            yield huge[start:start + 1024 * 1024]

    response = await client.post("/api/articles", headers=headers, data=chunks())  # no Content-Length
    assert response.status == 413


async def test_unknown_paths_and_methods_answer_json(client):
    for path in ("/api", "/api/", "/api/nothing", "/api/articles/x/y/z"):
        response = await client.get(path, headers={"Accept": "text/html"})
        assert response.status == 404, path
        assert (await errors_of(response)) == {"path": ["not found"]}
    response = await client.patch("/api/articles", headers={"Accept": "text/html"})
    assert response.status == 405 and (await errors_of(response)) == {"method": ["is not allowed here"]}
    assert set(response.headers["Allow"].split(",")) == {"GET", "HEAD", "POST"}
    response = await client.put("/api/articles/feed")  # "feed" is never taken for a slug
    assert response.status == 405 and set(response.headers["Allow"].split(",")) == {"GET", "HEAD"}


async def test_an_unexpected_failure_is_a_json_500_with_the_request_id(client, monkeypatch, caplog):
    async def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(client.app[STORE].articles, "tags", broken)
    response = await client.get("/api/tags")
    assert response.status == 500
    message = (await errors_of(response))["server"][0]
    assert response.headers["X-Request-Id"] in message and "fire" not in message
    assert "the disk is on fire" in caplog.text


async def test_errors_from_the_blogs_own_middlewares_take_the_api_shape_under_api():
    """blog/errors.py answers for failures outside the API's sub-application (its middlewares, the session)."""
    response = await error_response(make_mocked_request("POST", "/api/articles"), 403, "Refused.")
    assert response.status == 403 and json.loads(response.text) == {"errors": {"request": ["is not allowed"]}}
    response = await error_response(make_mocked_request("GET", "/api/user"), 401, "Log in.")
    assert response.headers["WWW-Authenticate"].startswith("Token")


async def test_no_cors_headers_unless_configured(client):
    response = await client.get("/api/tags", headers={"Origin": "https://app.example"})
    assert "Access-Control-Allow-Origin" not in response.headers
    response = await client.options("/api/articles", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
    assert response.status == 403 and "Access-Control-Allow-Origin" not in response.headers


async def test_cors_for_a_configured_origin(make_client, config):
    client = await make_client(dataclasses.replace(config, cors_origins="https://app.example, http://localhost:3000/"))
    preflight = await client.options("/api/articles", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    allowed_headers = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed_headers and "content-type" in allowed_headers
    assert int(preflight.headers["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    response = await client.get("/api/articles?limit=1", headers={"Origin": "https://app.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "Origin" in response.headers["Vary"] and "Link" in response.headers["Access-Control-Expose-Headers"]
    error = await client.get("/api/user", headers={"Origin": "https://app.example"})
    assert error.status == 401 and error.headers["Access-Control-Allow-Origin"] == "https://app.example"
    denied = await client.get("/api/articles", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in denied.headers and "Origin" in denied.headers["Vary"]
    denied_preflight = await client.options("/api/articles", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert denied_preflight.status == 403 and "Access-Control-Allow-Origin" not in denied_preflight.headers


async def test_openapi_document_describes_every_route_we_serve(client):
    response = await client.get("/api/openapi.json")
    assert response.status == 200 and response.content_type == "application/json"
    document = json.loads(await response.text())
    assert document["openapi"].startswith("3.1") and document["servers"] == [{"url": "/api"}]
    schemes = document["components"]["securitySchemes"]
    assert schemes["Bearer"] == {**schemes["Bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["Basic"]["scheme"] == "basic" and schemes["Token"]["in"] == "header"
    served = set()
    for resource in _api_app(client).router.resources():
        path = re.sub(r"\{(\w+)(:[^}]*)?\}", r"{\1}", resource.canonical).removeprefix("/api")
        for route in resource:
            if route.method != "HEAD":
                served.add((path, route.method.lower()))
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert served == documented
    assert "201" in document["paths"]["/articles/{slug}/comments"]["post"]["responses"]
    assert "201" in document["paths"]["/tokens"]["post"]["responses"]


async def test_openapi_document_states_the_rules_the_code_applies(client):
    """Kept by hand, so this keeps it honest: a request the document calls valid is never a 422."""
    schemas = json.loads(await (await client.get("/api/openapi.json")).text())["components"]["schemas"]
    new_user, update_user = schemas["NewUser"]["properties"], schemas["UpdateUser"]["properties"]
    assert new_user["username"]["pattern"] == update_user["username"]["pattern"] == f"^{USERNAME_PATTERN}$"
    assert (new_user["password"]["minLength"], new_user["password"]["maxLength"]) == (MIN_LENGTH, MAX_LENGTH)
    assert new_user["password"]["pattern"] == update_user["password"]["pattern"] == NOT_BLANK_PATTERN
    assert update_user["image"]["pattern"] == f"^(?:{IMAGE_PATTERN})?$"
    assert (update_user["bio"]["maxLength"], update_user["image"]["maxLength"]) == (BIO_MAX, IMAGE_MAX)
    for name in ("NewArticle", "UpdateArticle"):
        article = schemas[name]["properties"]
        assert [article[field]["maxLength"] for field in ("title", "description", "body")] == \
            [TITLE_MAX, SUMMARY_MAX, BODY_MAX]
        assert all(article[field]["pattern"] == NOT_BLANK_PATTERN for field in ("title", "description", "body"))
        assert article["tagList"]["maxItems"] == TAGS_MAX
    assert schemas["NewComment"]["properties"]["body"]["maxLength"] == COMMENT_MAX


def _api_app(client):  # type: ignore[no-untyped-def]
    (api,) = [resource.get_info()["app"] for resource in client.app.router.resources()
              if resource.get_info().get("prefix") == "/api"]
    return api


async def test_a_post_written_in_the_browser_is_an_article(client):
    await register(client, "alice")
    await publish(client, "Written in the browser")
    body = await (await client.get("/api/articles?author=alice")).json()
    assert body["articlesCount"] == 1
    article = body["articles"][0]
    assert article["title"] == "Written in the browser" and article["description"] == "Some words."
    full = await (await client.get(f"/api/articles/{article['slug']}")).json()
    assert full["article"]["body"] == "Some words."


async def test_an_article_written_through_the_api_is_a_post_on_the_site(client):
    token = await api_register(client, "alice")
    article = await create_article(client, token, "Straight from the API", body="Some **bold** words")
    home = await (await client.get("/")).text()
    assert "Straight from the API" in home
    post = await client.app[STORE].posts.by_slug(article["slug"])
    page = await (await client.get(f"/posts/{post.id}/{post.slug}")).text()
    assert "<strong>bold</strong>" in page
