"""The account page: sessions, ending the others, changing the password."""

from __future__ import annotations

from .conftest import STRONG_PASSWORD, csrf_token, login, post_form, register

NEW_PASSWORD = "a much better passphrase 2026"


async def test_account_lists_active_sessions(client, other_browser):
    await register(client, "alice")
    phone = other_browser()
    await login(phone, headers={"User-Agent": "PhoneBrowser/1.0"})
    page = await (await client.get("/account")).text()
    assert "PhoneBrowser/1.0" in page
    assert "(this session)" in page
    assert "Log out everywhere else" in page


async def test_log_out_everywhere_else_keeps_this_session(client, other_browser):
    await register(client, "alice")
    phone = other_browser()
    await login(phone)
    response = await post_form(client, "/account/sessions/end-others", {}, form_page="/account")
    assert response.status == 303
    assert "Every other session has been logged out" in await (await client.get(response.headers["Location"])).text()
    assert (await phone.get("/account", allow_redirects=False)).status == 303
    assert (await client.get("/account", allow_redirects=False)).status == 200


async def test_password_change_ends_other_sessions_and_new_password_works(client, other_browser):
    await register(client, "alice")
    phone = other_browser()
    await login(phone)
    response = await post_form(client, "/account/password",
                               {"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD}, form_page="/account")
    assert response.status == 303
    assert "Your password is changed" in await (await client.get(response.headers["Location"])).text()
    assert (await phone.get("/account", allow_redirects=False)).status == 303
    assert (await client.get("/account", allow_redirects=False)).status == 200
    laptop = other_browser()
    assert (await login(laptop, password=STRONG_PASSWORD)).status == 400
    assert (await login(laptop, password=NEW_PASSWORD)).status == 303


async def test_password_change_errors_at_their_fields(client):
    await register(client, "alice")
    response = await post_form(client, "/account/password",
                               {"current_password": "wrong one entirely", "new_password": "short"}, form_page="/account")
    assert response.status == 400
    page = await response.text()
    assert "This is not your current password." in page
    assert "Use at least 8 characters." in page
    assert "wrong one entirely" not in page


async def test_account_forms_need_the_csrf_token(client):
    await register(client, "alice")
    await csrf_token(client, "/account")
    response = await client.post("/account/password", data={"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status == 403


async def test_sessions_show_a_readable_device_name(client, other_browser):
    await register(client, "alice")
    phone = other_browser()
    await login(phone, headers={"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1"})
    assert "Safari on iPhone" in await (await client.get("/account")).text()


async def test_logged_in_visitors_skip_the_login_and_register_forms(client):
    await register(client, "alice")
    for path in ("/login?next=/account", "/register?next=/account"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/account"


async def test_account_lists_api_tokens_and_revokes_them(client):
    from blog.keys import STORE

    await register(client, "alice")
    store = client.app[STORE]
    user = await store.users.by_username("alice")
    token = await store.tokens.issue(user.id, 3600, label="laptop script")
    page = await (await client.get("/account")).text()
    assert "laptop script" in page and "/account/tokens/" in page
    token_id = (await store.tokens.of_user(user.id))[0].id
    response = await post_form(client, f"/account/tokens/{token_id}/revoke", {}, form_page="/account")
    assert response.status == 303
    assert "The API token is revoked." in await (await client.get(response.headers["Location"])).text()
    assert await store.tokens.resolve(token) is None
    again = await post_form(client, f"/account/tokens/{token_id}/revoke", {}, form_page="/account")
    assert again.status == 404


async def test_password_change_revokes_api_tokens(client):
    from blog.keys import STORE

    await register(client, "alice")
    store = client.app[STORE]
    user = await store.users.by_username("alice")
    token = await store.tokens.issue(user.id, 3600)
    await post_form(client, "/account/password",
                    {"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD}, form_page="/account")
    assert await store.tokens.resolve(token) is None
