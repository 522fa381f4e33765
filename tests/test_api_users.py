"""/api/users, /api/users/login and /api/user: registering, logging in, the current user."""

from __future__ import annotations

import dataclasses

from .conftest import login as html_login
from .conftest import post_form
from .test_api_helpers import API_PASSWORD, api_register, auth, errors_of


async def test_register_returns_the_user_with_a_token_and_null_bio_and_image(client):
    response = await client.post("/api/users", json={"user": {
        "username": "Jacob", "email": "jake@jake.jake", "password": API_PASSWORD}})
    assert response.status == 201
    user = (await response.json())["user"]
    assert user["username"] == "Jacob" and user["email"] == "jake@jake.jake"
    assert user["bio"] is None and user["image"] is None
    assert len(user["token"]) >= 43  # 32 random bytes, base64url
    me = await client.get("/api/user", headers=auth(user["token"]))
    assert (await me.json())["user"]["username"] == "Jacob"


async def test_registration_errors_use_the_realworld_messages(client):
    cases = [
        ({"username": "", "email": "a@example.com", "password": API_PASSWORD}, "username", "can't be blank"),
        ({"username": "abc", "email": "", "password": API_PASSWORD}, "email", "can't be blank"),
        ({"username": "abc", "email": "a@example.com", "password": ""}, "password", "can't be blank"),
        ({"username": "abc", "email": "a@example.com", "password": "short"}, "password",
         "is too short (minimum is 8 characters)"),
        ({"username": "no spaces", "email": "a@example.com", "password": API_PASSWORD}, "username",
         "is invalid (use 3 to 30 letters, digits, '-' or '_')"),
        ({"username": "abc", "email": "not-an-email", "password": API_PASSWORD}, "email", "is invalid"),
        ({"username": 12, "email": "a@example.com", "password": API_PASSWORD}, "username", "must be a string"),
        ({"email": "a@example.com", "password": API_PASSWORD}, "username", "can't be blank"),
    ]
    for user, field, message in cases:
        response = await client.post("/api/users", json={"user": user})
        assert response.status == 422, user
        assert (await errors_of(response))[field] == [message], user
    response = await client.post("/api/users", json={"someone": {}})
    assert response.status == 422 and (await errors_of(response)) == {"user": ["can't be blank"]}


async def test_taken_username_and_email_are_409_case_insensitively(client):
    await api_register(client, "alice")
    response = await client.post("/api/users", json={"user": {
        "username": "ALICE", "email": "other@example.com", "password": API_PASSWORD}})
    assert response.status == 409 and (await errors_of(response)) == {"username": ["has already been taken"]}
    response = await client.post("/api/users", json={"user": {
        "username": "alice2", "email": "Alice@Example.com", "password": API_PASSWORD}})
    assert response.status == 409 and (await errors_of(response)) == {"email": ["has already been taken"]}


async def test_common_passwords_are_refused_by_the_html_form_but_not_by_the_api(client, other_browser):
    """A documented decision: RealWorld clients register with passwords like "password123"."""
    browser = other_browser()
    response = await post_form(browser, "/register", {
        "username": "htmluser", "email": "html@example.com", "password": API_PASSWORD}, form_page="/register")
    assert response.status == 400 and "most common" in await response.text()
    await api_register(client, "apiuser", API_PASSWORD)


async def test_registration_closed_is_403(make_client, config):
    client = await make_client(dataclasses.replace(config, registration_open=False))
    response = await client.post("/api/users", json={"user": {
        "username": "alice", "email": "a@example.com", "password": API_PASSWORD}})
    assert response.status == 403 and (await errors_of(response)) == {"registration": ["is closed"]}


async def test_login_by_email_or_username_issues_a_new_token(client):
    first = await api_register(client, "alice")
    for login in ("alice@example.com", "Alice"):
        response = await client.post("/api/users/login", json={"user": {"email": login, "password": API_PASSWORD}})
        assert response.status == 200
        user = (await response.json())["user"]
        assert user["username"] == "alice" and user["token"] != first


async def test_login_errors(client):
    await api_register(client, "alice")
    response = await client.post("/api/users/login", json={"user": {"email": "", "password": API_PASSWORD}})
    assert response.status == 422 and (await errors_of(response)) == {"email": ["can't be blank"]}
    response = await client.post("/api/users/login", json={"user": {"email": "alice@example.com", "password": ""}})
    assert response.status == 422 and (await errors_of(response)) == {"password": ["can't be blank"]}
    for login in ("alice@example.com", "nobody@example.com"):
        response = await client.post("/api/users/login", json={"user": {"email": login, "password": "wrong-one"}})
        assert response.status == 401 and (await errors_of(response)) == {"credentials": ["invalid"]}
        assert response.headers["WWW-Authenticate"].startswith("Token")


async def test_ten_failed_logins_lock_the_account_with_429(client):
    await api_register(client, "alice")
    wrong = {"user": {"email": "alice@example.com", "password": "wrong-password"}}
    for _ in range(10):
        assert (await client.post("/api/users/login", json=wrong)).status == 401
    right = {"user": {"email": "alice@example.com", "password": API_PASSWORD}}
    response = await client.post("/api/users/login", json=right)
    assert response.status == 429 and int(response.headers["Retry-After"]) > 0
    assert "try again" in (await errors_of(response))["credentials"][0]
    # The failures count with the HTML login's: a browser that never logged in to alice is refused too.
    assert (await html_login(client, "alice", API_PASSWORD)).status == 429


async def test_current_user_needs_a_token(client):
    response = await client.get("/api/user")
    assert response.status == 401 and (await errors_of(response)) == {"token": ["is missing"]}
    assert response.headers["WWW-Authenticate"].startswith("Token")
    response = await client.put("/api/user", json={"user": {"bio": "x"}})
    assert response.status == 401 and (await errors_of(response)) == {"token": ["is missing"]}


async def test_current_user_returns_the_presented_token_with_either_scheme(client):
    token = await api_register(client, "alice")
    for scheme in ("Token", "Bearer", "bearer"):
        response = await client.get("/api/user", headers=auth(token, scheme))
        assert response.status == 200, scheme
        assert (await response.json())["user"]["token"] == token


async def test_update_bio_and_image_with_empty_and_null_meaning_none(client):
    token = await api_register(client, "alice")

    async def put(**changes):  # type: ignore[no-untyped-def]
        response = await client.put("/api/user", json={"user": changes}, headers=auth(token))
        assert response.status == 200, await response.text()
        return (await response.json())["user"]

    assert (await put(bio="I like to skateboard"))["bio"] == "I like to skateboard"
    assert (await put(bio=""))["bio"] is None
    await put(bio="again")
    assert (await put(bio=None))["bio"] is None
    assert (await put(image="https://example.com/me.jpg"))["image"] == "https://example.com/me.jpg"
    assert (await put(image=""))["image"] is None
    await put(image="https://example.com/me.jpg")
    assert (await put(image=None))["image"] is None
    assert (await put())["username"] == "alice"  # nothing to change is fine
    me = await (await client.get("/api/user", headers=auth(token))).json()
    assert me["user"]["bio"] is None and me["user"]["image"] is None


async def test_update_refuses_bad_values(client):
    token = await api_register(client, "alice")
    await api_register(client, "bob")
    cases = [
        ({"email": ""}, "email", "can't be blank"),
        ({"email": None}, "email", "must be a string"),
        ({"username": ""}, "username", "can't be blank"),
        ({"username": None}, "username", "must be a string"),
        ({"password": "short"}, "password", "is too short (minimum is 8 characters)"),
        ({"image": "javascript:alert(1)"}, "image", "must be an http:// or https:// URL"),
        ({"bio": "x" * 1001}, "bio", "is too long (maximum is 1000 characters)"),
    ]
    for changes, field, message in cases:
        response = await client.put("/api/user", json={"user": changes}, headers=auth(token))
        assert response.status == 422, changes
        assert (await errors_of(response))[field] == [message], changes
    response = await client.put("/api/user", json={"user": {"username": "BOB"}}, headers=auth(token))
    assert response.status == 409 and (await errors_of(response)) == {"username": ["has already been taken"]}


async def test_update_username_and_email_keeps_the_token_working(client):
    token = await api_register(client, "alice")
    response = await client.put("/api/user", headers=auth(token), json={"user": {
        "username": "alice_2", "email": "alice2@example.com"}})
    user = (await response.json())["user"]
    assert (user["username"], user["email"], user["token"]) == ("alice_2", "alice2@example.com", token)
    login = await client.post("/api/users/login", json={"user": {
        "email": "alice2@example.com", "password": API_PASSWORD}})
    assert login.status == 200


async def test_password_change_keeps_only_the_presented_token(client):
    token = await api_register(client, "alice")
    login = await client.post("/api/users/login", json={"user": {"email": "alice", "password": API_PASSWORD}})
    other = (await login.json())["user"]["token"]
    response = await client.put("/api/user", json={"user": {"password": "a new secret"}}, headers=auth(token))
    assert response.status == 200
    assert (await client.get("/api/user", headers=auth(token))).status == 200
    assert (await client.get("/api/user", headers=auth(other))).status == 401
    old = await client.post("/api/users/login", json={"user": {"email": "alice", "password": API_PASSWORD}})
    assert old.status == 401
    new = await client.post("/api/users/login", json={"user": {"email": "alice", "password": "a new secret"}})
    assert new.status == 200
