"""Registering, logging in and out, as a browser does it."""

from __future__ import annotations

from yarl import URL

from blog.config import Config

from .conftest import STRONG_PASSWORD, csrf_token, login, logout, post_form, register


async def test_nav_shows_login_and_register_links_to_anonymous_visitors(client):
    page = await (await client.get("/")).text()
    assert 'href="/login"' in page and 'href="/register"' in page
    assert "Log out" not in page


async def test_register_logs_in_and_nav_shows_username_and_logout(client):
    response = await register(client, "alice")
    assert response.headers["Location"] == "/"
    page = await (await client.get("/")).text()
    assert 'data-testid="nav-username">alice</a>' in page
    assert "Log out" in page and 'href="/register"' not in page


async def test_register_redirects_to_safe_next(client):
    token = await csrf_token(client, "/register")
    response = await client.post("/register", data={
        "username": "alice", "email": "a@example.com", "password": STRONG_PASSWORD,
        "next": "/account", "csrf_token": token}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/account"


async def test_first_account_is_admin_and_later_ones_are_authors(client, other_browser):
    await register(client, "alice")
    other = other_browser()
    await register(other, "bob")
    assert 'admin' in await (await client.get("/account")).text()
    assert 'author since' in await (await other.get("/account")).text()


async def test_register_errors_keep_input_but_never_the_password(client):
    response = await post_form(client, "/register", {"username": "a!", "email": "not-an-email", "password": "hunter2-secret-but-short"[:7]})
    assert response.status == 400
    page = await response.text()
    assert "Use 3 to 30 letters" in page
    assert "not a valid email address" in page
    assert "at least 8 characters" in page
    assert 'value="a!"' in page and 'value="not-an-email"' in page
    assert "hunter2" not in page


async def test_register_refuses_common_password_and_username_as_password(client):
    response = await post_form(client, "/register", {"username": "carol", "email": "c@example.com", "password": "password123"})
    assert response.status == 400 and "most common" in await response.text()
    response = await post_form(client, "/register", {"username": "zq-writer-77", "email": "c@example.com", "password": "ZQ-WRITER-77"})
    assert response.status == 400 and "must not be your username" in await response.text()


async def test_username_and_email_are_unique_regardless_of_case(client, other_browser):
    await register(client, "alice", email="alice@example.com")
    other = other_browser()
    response = await post_form(other, "/register", {"username": "ALICE", "email": "new@example.com", "password": STRONG_PASSWORD})
    assert response.status == 400 and "username is taken" in await response.text()
    response = await post_form(other, "/register", {"username": "alice2", "email": "Alice@Example.com", "password": STRONG_PASSWORD})
    assert response.status == 400 and "email already exists" in await response.text()


async def test_registration_can_be_closed(make_client, config):
    client = await make_client(Config(**{**config.__dict__, "registration_open": False}))
    response = await client.get("/register")
    assert response.status == 403 and "Registration is closed" in await response.text()
    assert 'href="/register"' not in await (await client.get("/")).text()


async def test_login_with_username_or_email(client, other_browser):
    await register(client, "alice", email="alice@example.com")
    for name in ("alice", "ALICE", "alice@example.com"):
        other = other_browser()
        response = await login(other, name)
        assert response.status == 303, name
        assert "alice" in await (await other.get("/account")).text()


async def test_wrong_password_and_unknown_user_get_the_same_answer(client, other_browser):
    await register(client, "alice")
    other = other_browser()
    wrong = await login(other, "alice", "wrong password here")
    unknown = await login(other, "nobody", "wrong password here")
    assert wrong.status == unknown.status == 400
    wrong_page, unknown_page = await wrong.text(), await unknown.text()
    assert "username or password is not right" in wrong_page
    assert wrong_page.replace("alice", "X").split("<main")[1].split('name="csrf_token"')[0] == \
        unknown_page.replace("nobody", "X").split("<main")[1].split('name="csrf_token"')[0]
    assert 'value="nobody"' in unknown_page


async def test_login_redirects_only_to_paths_on_this_site(client, other_browser):
    await register(client, "alice")
    cases = {
        "/account?tab=1": "/account?tab=1",
        "https://other.site/": "/",
        "//other.site/": "/",
        "/\\other.site": "/",
        "javascript:alert(1)": "/",
        "": "/",
    }
    for target, expected in cases.items():
        other = other_browser()
        response = await login(other, next=target)
        assert response.status == 303
        assert response.headers["Location"] == expected, target


async def test_login_starts_a_fresh_session(client, other_browser):
    await register(client, "alice")
    other = other_browser()
    await other.get("/login")
    before = {c.key: c.value for c in other.cookie_jar}
    await login(other)
    after = {c.key: c.value for c in other.cookie_jar}
    assert before["blog_session"] != after["blog_session"]


async def test_ten_failures_lock_the_account_with_a_time_to_retry(client, other_browser):
    await register(client, "alice")
    other = other_browser()
    for _ in range(10):
        assert (await login(other, "alice", "not the password")).status == 400
    response = await login(other, "alice")  # even the right password waits
    assert response.status == 429
    assert "Try again in 5 minute(s)" in await response.text()
    assert int(response.headers["Retry-After"]) > 200


async def test_guessing_many_accounts_from_one_address_blocks_that_address_for_strangers(client, other_browser):
    await register(client, "alice")
    other = other_browser()
    for number in range(30):
        await login(other, f"user{number}", "not the password")
    assert (await login(other, "alice")).status == 429
    assert (await login(other_browser(), "alice")).status == 429  # another stranger at the same address
    assert (await login(client, "alice")).status == 303  # alice's own browser holds her device cookie


async def test_logout_is_a_post_and_ends_the_session(client):
    await register(client, "alice")
    response = await logout(client)
    assert response.status == 303 and response.headers["Location"] == "/"
    page = await (await client.get("/")).text()
    assert "Log out" not in page and 'href="/login"' in page


async def test_get_logout_logs_nobody_out(client):
    await register(client, "alice")
    response = await client.get("/logout")
    assert response.status == 200 and "Log out?" in await response.text()
    assert "alice" in await (await client.get("/account")).text()


async def test_a_copied_cookie_stops_working_after_logout(client, other_browser):
    await register(client, "alice")
    stolen = other_browser()
    stolen.cookie_jar.update_cookies({c.key: c.value for c in client.session.cookie_jar}, URL(str(client.make_url("/"))))
    assert (await stolen.get("/account", allow_redirects=False)).status == 200
    await logout(client)
    response = await stolen.get("/account", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/login")


async def test_require_login_sends_anonymous_visitors_to_login_and_back(client):
    await register(client, "alice")
    await logout(client)
    response = await client.get("/account?tab=sessions", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/login?next=/account?tab%3Dsessions"
    login_page = await client.get(response.headers["Location"])
    assert 'name="next" value="/account?tab=sessions"' in await login_page.text()
    response = await login(client, next="/account?tab=sessions")
    assert response.headers["Location"] == "/account?tab=sessions"


async def test_empty_email_gets_a_plain_message(client):
    response = await post_form(client, "/register", {"username": "alice", "email": "", "password": STRONG_PASSWORD})
    assert response.status == 400 and "Enter your email address." in await response.text()
