"""/admin/users: every account with its role and last login; roles changed, accounts
suspended (their sessions and tokens end at once) and restored; the last admin stays."""

from __future__ import annotations

import re

from blog.keys import STORE

from .conftest import STRONG_PASSWORD, csrf_token, login, post_form
from .posts_helpers import People, people


async def user_id(client, username: str) -> int:  # type: ignore[no-untyped-def]
    user = await client.app[STORE].users.by_username(username)
    assert user is not None
    return user.id


def row_of(page: str, username: str) -> str:
    match = re.search(rf'<tr id="user-\d+" data-username="{username}".*?</tr>', page, re.DOTALL)
    assert match, f"no row for {username}"
    return match.group(0)


async def test_only_admins_see_and_change_accounts(client, other_browser):
    who: People = await people(client, other_browser)
    alice_id = await user_id(client, "alice")
    assert (await who.anon.get("/admin/users", allow_redirects=False)).headers["Location"].startswith("/login")
    for browser in (who.alice, who.bob, who.ed):
        assert (await browser.get("/admin/users")).status == 403
        for action, data in (("role", {"role": "admin"}), ("suspend", {}), ("restore", {})):
            response = await post_form(browser, f"/admin/users/{alice_id}/{action}", data, form_page="/account")
            assert response.status == 403
    assert (await client.app[STORE].users.by_username("alice")).role == "author"  # type: ignore[union-attr]
    assert (await who.root.get("/admin/users")).status == 200


async def test_every_account_with_its_role_and_last_login(client, other_browser):
    await people(client, other_browser)
    page = await (await client.get("/admin/users")).text()
    for name, role in (("root", "admin"), ("eddie", "editor"), ("alice", "author"), ("bob", "author")):
        row = row_of(page, name)
        assert f'<option value="{role}" selected>' in row
        assert re.search(r'<td class="nowrap">\d\d \w{3} \d{4}, \d\d:\d\d</td>', row), row  # registering logged in
    assert page.index('data-username="root"') < page.index('data-username="eddie"') < page.index('data-username="alice"')


async def test_an_admin_changes_a_role(client, other_browser):
    who = await people(client, other_browser)
    alice_id = await user_id(client, "alice")
    response = await post_form(client, f"/admin/users/{alice_id}/role", {"role": "editor"}, form_page="/admin/users")
    assert response.status == 303
    page = await (await client.get(response.headers["Location"])).text()
    assert "The role is changed." in page
    assert '<option value="editor" selected>' in row_of(page, "alice")
    assert 'href="/pages">Pages</a>' in await (await who.alice.get("/")).text()  # her nav follows her role
    bad = await post_form(client, f"/admin/users/{alice_id}/role", {"role": "emperor"}, form_page="/admin/users")
    assert bad.status == 400 and "Choose a role" in await bad.text()


async def test_suspending_ends_sessions_and_tokens_at_once_and_restoring_lets_in_again(client, other_browser):
    who = await people(client, other_browser)
    alice_id = await user_id(client, "alice")
    token = (await (await who.anon.post("/api/users/login", json={
        "user": {"email": "alice@example.com", "password": STRONG_PASSWORD}})).json())["user"]["token"]
    assert (await who.alice.get("/account")).status == 200

    response = await post_form(client, f"/admin/users/{alice_id}/suspend", {}, form_page="/admin/users")
    assert response.status == 303
    page = await (await client.get(response.headers["Location"])).text()
    assert "The account is suspended" in page and "<strong>Suspended</strong>" in row_of(page, "alice")

    assert (await who.alice.get("/account", allow_redirects=False)).status == 303  # logged out
    assert (await who.anon.get("/api/user", headers={"Authorization": f"Token {token}"})).status == 401
    refused = await login(who.alice, "alice")
    assert refused.status == 403
    assert "This account is suspended" in await refused.text()
    api_login = await who.anon.post("/api/users/login", json={
        "user": {"email": "alice@example.com", "password": STRONG_PASSWORD}})
    assert api_login.status == 403 and (await api_login.json()) == {"errors": {"account": ["is suspended"]}}
    wrong = await login(who.alice, "alice", "not her password at all")
    assert wrong.status == 400  # without the password, nobody learns the account is suspended

    restored = await post_form(client, f"/admin/users/{alice_id}/restore", {}, form_page="/admin/users")
    assert restored.status == 303
    assert (await login(who.alice, "alice")).status == 303


async def test_the_last_admin_cannot_be_demoted_or_suspended(client, other_browser):
    who = await people(client, other_browser)
    root_id = await user_id(client, "root")
    demoted = await post_form(client, f"/admin/users/{root_id}/role", {"role": "author"}, form_page="/admin/users")
    assert demoted.status == 409
    assert "at least one active admin" in await demoted.text()
    myself = await post_form(client, f"/admin/users/{root_id}/suspend", {}, form_page="/admin/users")
    assert myself.status == 409 and "cannot suspend yourself" in await myself.text()

    eddie_id = await user_id(client, "eddie")
    assert (await post_form(client, f"/admin/users/{eddie_id}/role", {"role": "admin"},
                            form_page="/admin/users")).status == 303
    assert (await post_form(client, f"/admin/users/{root_id}/role", {"role": "author"},
                            form_page="/admin/users")).status == 303
    # eddie is now the only admin: root (an author) is refused, and eddie cannot demote himself.
    assert (await who.root.get("/admin/users")).status == 403
    last = await post_form(who.ed, f"/admin/users/{eddie_id}/role", {"role": "editor"}, form_page="/admin/users")
    assert last.status == 409


async def test_admin_forms_need_the_csrf_token(client, other_browser):
    await people(client, other_browser)
    alice_id = await user_id(client, "alice")
    await csrf_token(client, "/admin/users")
    response = await client.post(f"/admin/users/{alice_id}/suspend", data={})
    assert response.status == 403
    assert (await client.app[STORE].users.by_username("alice")).suspended_at is None  # type: ignore[union-attr]
