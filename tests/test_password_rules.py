"""Passwords that are not really passwords: only spaces, or the current one again."""

from __future__ import annotations

from .conftest import STRONG_PASSWORD, login, post_form, register
from .test_api_helpers import api_register, auth, errors_of

SPACES = " " * 12


async def test_a_password_of_only_spaces_is_refused_at_registration(client):
    response = await post_form(client, "/register", {"username": "alice", "email": "a@example.com", "password": SPACES})
    assert response.status == 400
    page = await response.text()
    assert "A password of only spaces is too easy to guess" in page and 'value="alice"' in page


async def test_a_password_of_only_spaces_is_refused_as_a_new_password(client):
    await register(client, "alice")
    response = await post_form(client, "/account/password",
                               {"current_password": STRONG_PASSWORD, "new_password": SPACES}, form_page="/account")
    assert response.status == 400 and "A password of only spaces" in await response.text()


async def test_the_api_refuses_a_password_of_only_spaces(client):
    response = await client.post("/api/users", json={"user": {"username": "alice", "email": "a@example.com",
                                                              "password": SPACES}})
    assert response.status == 422 and (await errors_of(response)) == {"password": ["can't be blank"]}
    token = await api_register(client, "alice")
    response = await client.put("/api/user", json={"user": {"password": SPACES}}, headers=auth(token))
    assert response.status == 422 and (await errors_of(response)) == {"password": ["can't be blank"]}


async def test_changing_the_password_to_the_same_one_is_refused_and_ends_no_session(client, other_browser):
    await register(client, "alice")
    phone = other_browser()
    await login(phone, "alice")
    response = await post_form(client, "/account/password",
                               {"current_password": STRONG_PASSWORD, "new_password": STRONG_PASSWORD},
                               form_page="/account")
    assert response.status == 400
    assert "This is your current password. To change it, choose a different one." in await response.text()
    for browser in (client, phone):  # both still logged in
        assert (await browser.get("/account", allow_redirects=False)).status == 200
