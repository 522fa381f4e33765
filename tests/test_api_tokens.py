"""API authentication: tokens from HTTP Basic, revocation, expiry, hashes only, and no cookies."""

from __future__ import annotations

import dataclasses
import hashlib

from aiohttp import encode_basic_auth

from blog.keys import STORE

from .conftest import STRONG_PASSWORD, post_form, register
from .test_api_helpers import API_PASSWORD, api_register, auth, create_article, errors_of


def basic(login: str, password: str) -> dict[str, str]:
    return {"Authorization": encode_basic_auth(login, password)}


async def test_basic_credentials_issue_a_token_that_works_with_both_schemes(client):
    await api_register(client, "alice")
    for login in ("alice", "alice@example.com"):
        response = await client.post("/api/tokens", headers=basic(login, API_PASSWORD))
        assert response.status == 201
        token = (await response.json())["token"]
        assert len(token) >= 43
        for scheme in ("Token", "Bearer"):
            me = await client.get("/api/user", headers=auth(token, scheme))
            assert (await me.json())["user"]["username"] == "alice"


async def test_tokens_need_right_basic_credentials(client):
    await api_register(client, "alice")
    for headers in ({}, {"Authorization": "Basic !!!not-base64"}, auth("some-token")):
        response = await client.post("/api/tokens", headers=headers)
        assert response.status == 401
        assert (await errors_of(response)) == {"credentials": ["are missing"]}
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    response = await client.post("/api/tokens", headers=basic("alice", "wrong password"))
    assert response.status == 401 and (await errors_of(response)) == {"credentials": ["invalid"]}
    assert response.headers["WWW-Authenticate"].startswith("Basic")


async def test_revoking_a_token_ends_it_and_only_it(client):
    token = await api_register(client, "alice")
    other = (await (await client.post("/api/tokens", headers=basic("alice", API_PASSWORD))).json())["token"]
    response = await client.delete("/api/tokens", headers=auth(other, "Bearer"))
    assert response.status == 204
    response = await client.get("/api/user", headers=auth(other))
    assert response.status == 401 and (await errors_of(response)) == {"token": ["is invalid, revoked or expired"]}
    assert (await client.get("/api/user", headers=auth(token))).status == 200
    assert (await client.delete("/api/tokens")).status == 401


async def test_expired_tokens_are_refused(make_client, config):
    client = await make_client(dataclasses.replace(config, api_token_max_age=0))
    token = await api_register(client, "alice")  # expires the moment it is issued
    response = await client.get("/api/user", headers=auth(token))
    assert response.status == 401 and response.headers["WWW-Authenticate"].startswith("Token")
    assert (await errors_of(response)) == {"token": ["is invalid, revoked or expired"]}


async def test_a_token_from_the_store_with_a_past_expiry_is_refused(client):
    await api_register(client, "alice")
    user = await client.app[STORE].users.by_username("alice")
    token = await client.app[STORE].tokens.issue(user.id, -1)
    assert (await client.get("/api/user", headers=auth(token))).status == 401


async def test_only_a_hash_of_each_token_is_stored(client):
    token = await api_register(client, "alice")
    rows = await client.app[STORE].db.fetchall("SELECT token_hash FROM api_tokens")
    assert [row[0] for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]


async def test_an_invalid_token_is_401_even_where_a_token_is_optional(client):
    for path in ("/api/articles", "/api/profiles/nobody", "/api/articles/some-slug"):
        response = await client.get(path, headers=auth("not-a-token"))
        assert response.status == 401, path
    for header in ("Token", "Token ", "Digest abc", ""):
        assert (await client.get("/api/articles", headers={"Authorization": header})).status == 200, header


async def test_a_stale_token_does_not_stop_logging_in_or_registering(client):
    await api_register(client, "alice")
    stale = auth("expired-long-ago")
    login = await client.post("/api/users/login", headers=stale, json={"user": {
        "email": "alice@example.com", "password": API_PASSWORD}})
    assert login.status == 200
    assert (await client.post("/api/users", headers=stale, json={"user": {
        "username": "bob", "email": "bob@example.com", "password": API_PASSWORD}})).status == 201


async def test_the_browser_session_cookie_does_not_authenticate_the_api(client):
    await register(client, "alice")  # logged in through the HTML form: the client holds the cookie
    assert (await client.get("/account")).status == 200
    response = await client.get("/api/user")
    assert response.status == 401 and (await errors_of(response)) == {"token": ["is missing"]}
    # No CSRF token is needed (or looked at) on /api: the answer is 401, not the CSRF 403.
    response = await client.post("/api/articles", json={"article": {"title": "t", "description": "d", "body": "b"}})
    assert response.status == 401
    response = await client.post("/api/articles", json={"article": {"title": "t", "description": "d", "body": "b"}},
                                 headers={"Origin": "https://evil.example"})
    assert response.status == 401


async def test_html_forms_still_need_their_csrf_token(client):
    await register(client, "alice")
    response = await client.post("/posts/new", data={"title": "t", "body": "b", "summary": "", "tags": "",
                                                     "status": "published"}, allow_redirects=False)
    assert response.status == 403


async def test_html_and_api_accounts_are_the_same_accounts(client, other_browser):
    await register(client, "alice")  # HTML registration, strong password
    response = await client.post("/api/users/login", json={"user": {"email": "alice", "password": STRONG_PASSWORD}})
    token = (await response.json())["user"]["token"]
    await create_article(client, token, "Written by an HTML user")
    browser = other_browser()
    await api_register(client, "bob")
    response = await post_form(browser, "/login", {"username": "bob", "password": API_PASSWORD, "next": ""},
                               form_page="/login")
    assert response.status == 303  # an API account logs in on the site
