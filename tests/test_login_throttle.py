"""Guessing is slowed and never locks the owner out (OWASP's device cookies): the limit holds
under any concurrency, counts an account whatever name is typed, blocks the guessing client
and not the browser that logged in before; the same for the API. Registrations per client."""

from __future__ import annotations

import asyncio
import base64
import dataclasses

from aiohttp import ClientSession, CookieJar
from yarl import URL

from blog.keys import STORE

from .conftest import STRONG_PASSWORD, login, logout, post_form, register
from .test_api_helpers import API_PASSWORD, api_register, errors_of

WRONG = "not the password at all"


async def owner_who_logged_in_before(client) -> None:  # type: ignore[no-untyped-def]
    """alice registers in `client` (which keeps her device cookie) and logs out again."""
    await register(client, "alice", email="alice@example.com")
    await logout(client)


async def test_concurrent_guesses_never_pass_the_limit(client, other_browser):
    await owner_who_logged_in_before(client)
    guesser = other_browser()
    token_page = await guesser.get("/login")
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', await token_page.text()).group(1)

    async def guess() -> int:
        response = await guesser.post("/login", data={"username": "alice", "password": WRONG, "next": "",
                                                      "csrf_token": token}, allow_redirects=False)
        return response.status

    statuses = await asyncio.gather(*(guess() for _ in range(60)))
    assert statuses.count(400) == 10 and statuses.count(429) == 50, statuses  # passwords checked: exactly ten


async def test_concurrent_api_guesses_never_pass_the_limit(client):
    await api_register(client, "alice")
    wrong = {"user": {"email": "alice@example.com", "password": WRONG}}
    basic = {"Authorization": "Basic " + base64.b64encode(f"alice:{WRONG}".encode()).decode()}
    statuses = await asyncio.gather(*(client.post("/api/users/login", json=wrong) for _ in range(30)),
                                    *(client.post("/api/tokens", headers=basic) for _ in range(30)))
    codes = [response.status for response in statuses]
    assert codes.count(401) == 10 and codes.count(429) == 50, codes
    refused = next(response for response in statuses if response.status == 429)
    assert int(refused.headers["Retry-After"]) > 0


async def test_username_and_email_count_as_one_account(client, other_browser):
    await owner_who_logged_in_before(client)
    await register(other_browser(), "bob")
    guesser = other_browser()
    for name in ["alice", "ALICE", "alice@example.com", "Alice@Example.com", "alice"] * 2:
        assert (await login(guesser, name, WRONG)).status == 400
    for name in ("alice", "alice@example.com"):
        response = await login(guesser, name, STRONG_PASSWORD)
        assert response.status == 429 and "Too many failed attempts" in await response.text()
    assert (await login(guesser, "bob", STRONG_PASSWORD)).status == 303  # the account was blocked, not the client


async def test_the_owner_with_a_device_cookie_logs_in_while_strangers_are_refused(client, other_browser):
    await owner_who_logged_in_before(client)
    attacker = other_browser()
    for _ in range(10):
        await login(attacker, "alice", WRONG)
    refused = await login(attacker, "alice", STRONG_PASSWORD)  # even with the right password
    assert refused.status == 429 and int(refused.headers["Retry-After"]) > 200
    stranger = other_browser()  # a browser that never logged in to alice: refused too
    assert (await login(stranger, "alice", STRONG_PASSWORD)).status == 429
    owner = await login(client, "alice", STRONG_PASSWORD)  # the browser she logged in with before
    assert owner.status == 303
    assert "alice" in await (await client.get("/account")).text()


async def test_a_forged_or_foreign_device_cookie_is_a_strangers(client, other_browser):
    await owner_who_logged_in_before(client)
    bob = other_browser()
    await register(bob, "bob")
    await logout(bob)
    device = next(cookie for cookie in client.session.cookie_jar if cookie.key == "blog_device").value
    user_id, nonce, signature = device.split(".")
    attacker = other_browser()
    for _ in range(10):
        await login(attacker, "alice", WRONG)
    url = URL(str(client.make_url("/login")))
    for forged in (f"{user_id}.{nonce}.{'A' * len(signature)}", f"{user_id}.other.{signature}"):
        attacker.cookie_jar.update_cookies({"blog_device": forged}, url)
        assert (await login(attacker, "alice", STRONG_PASSWORD)).status == 429
    bobs_device = next(cookie for cookie in bob.cookie_jar if cookie.key == "blog_device").value
    attacker.cookie_jar.update_cookies({"blog_device": bobs_device}, url)  # bob's device is not alice's
    assert (await login(attacker, "alice", STRONG_PASSWORD)).status == 429


async def test_a_device_that_guesses_is_refused_on_its_own(client, other_browser):
    await owner_who_logged_in_before(client)
    for _ in range(10):
        assert (await login(client, "alice", WRONG)).status == 400
    assert (await login(client, "alice", STRONG_PASSWORD)).status == 429  # this device is paused ...
    assert (await login(other_browser(), "alice", STRONG_PASSWORD)).status == 303  # ... strangers' count is untouched


async def test_one_clients_failures_against_one_account_never_block_other_accounts(client, other_browser):
    await register(client, "bob")
    await logout(client)
    await owner_who_logged_in_before(other_browser())
    guesser = other_browser()
    for _ in range(15):  # ten failures, then refusals that count for nothing
        await login(guesser, "alice", WRONG)
    assert (await login(guesser, "bob", STRONG_PASSWORD)).status == 303  # the same client, another account
    assert (await login(other_browser(), "bob", STRONG_PASSWORD)).status == 303  # another client, same address


async def test_the_api_is_slowed_per_account_and_the_browser_owner_still_logs_in(client, other_browser):
    await owner_who_logged_in_before(client)
    wrong = {"user": {"email": "alice@example.com", "password": WRONG}}
    for _ in range(10):
        assert (await client.post("/api/users/login", json=wrong)).status == 401
    right = {"user": {"email": "alice@example.com", "password": STRONG_PASSWORD}}
    response = await client.post("/api/users/login", json=right)  # the API keeps no device cookie
    assert response.status == 429 and int(response.headers["Retry-After"]) > 0
    assert "try again" in (await errors_of(response))["credentials"][0]
    assert (await login(client, "alice", STRONG_PASSWORD)).status == 303  # the browser she used before


async def test_a_huge_login_name_is_bounded_before_it_is_stored(client, other_browser):
    await owner_who_logged_in_before(client)
    guesser = other_browser()
    huge = "a" * 100_000
    response = await login(guesser, huge, WRONG)
    assert response.status == 400 and "username or password is not right" in await response.text()
    api = await client.post("/api/users/login", json={"user": {"email": huge + "@example.com", "password": WRONG}})
    assert api.status == 401
    longest = await client.app[STORE].db.fetchvalue("SELECT MAX(LENGTH(key)) FROM attempts")
    assert longest <= 300


async def test_registrations_are_limited_per_client_across_html_and_api(make_client, config):
    client = await make_client(dataclasses.replace(config, registrations_per_hour=3))
    await api_register(client, "one")
    await api_register(client, "two")
    browser = ClientSession(base_url=str(client.make_url("/")), cookie_jar=CookieJar(unsafe=True))
    try:
        await register(browser, "three")
        await logout(browser)
        response = await post_form(browser, "/register", {"username": "four", "email": "four@example.com",
                                                          "password": STRONG_PASSWORD})
        assert response.status == 429 and int(response.headers["Retry-After"]) > 3000
        page = await response.text()
        assert "Too many accounts were created from your address lately" in page
        assert 'value="four"' in page and STRONG_PASSWORD not in page  # the form is kept, never the password
    finally:
        await browser.close()
    api = await client.post("/api/users", json={"user": {"username": "five", "email": "five@example.com",
                                                         "password": API_PASSWORD}})
    assert api.status == 429 and int(api.headers["Retry-After"]) > 3000
    assert "too many accounts" in (await errors_of(api))["registration"][0]
    assert await client.app[STORE].users.by_username("four") is None


async def test_a_refused_registration_does_not_count(make_client, config):
    client = await make_client(dataclasses.replace(config, registrations_per_hour=2))
    await api_register(client, "one")
    for _ in range(3):  # taken names: no account made, nothing counted
        taken = await client.post("/api/users", json={"user": {"username": "one", "email": "x@example.com",
                                                               "password": API_PASSWORD}})
        assert taken.status == 409
    await api_register(client, "two")
