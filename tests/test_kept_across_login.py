"""A session that ends while somebody writes loses nothing: what they send is kept on the
server, and after logging in again (as the same user, in the same browser) they are back
on the form with everything typed. Nothing kept is ever saved without pressing Save."""

from __future__ import annotations

import html
import re

from aiohttp import FormData

from blog.keys import FORM_OWNERS, STORE

from .conftest import STRONG_PASSWORD, login, logout, post_form, register
from .posts_helpers import create_post, edit_post, field_errors, form_values, make_image, multipart
from .test_comments import publish

TYPED = {"title": "Written before the session ended", "body": "Three paragraphs\n\nof careful\n\nwriting.",
         "summary": "A summary too", "tags": "kept, safe", "status": "draft"}
KEPT_NOTICE = "Your session ended before this was saved, so it was not saved yet."
NEW_PASSWORD = "a much better passphrase 2026"


async def count(client, table: str) -> int:  # type: ignore[no-untyped-def]
    return int(await client.app[STORE].db.fetchvalue(f"SELECT count(*) FROM {table}"))


async def loaded_form(browser, path: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The form's values as the browser holds them, hidden ones included (token, owner, version)."""
    response = await browser.get(path)
    assert response.status == 200
    return form_values(await response.text())


async def send_post_form(browser, path: str, loaded: dict[str, str], typed: dict[str, str],  # type: ignore[no-untyped-def]
                         image: tuple[str, bytes, str] | None = None, **headers: str):
    hidden = {name: loaded[name] for name in ("form_owner", "version") if name in loaded}
    return await browser.post(path, data=multipart({**hidden, **typed}, loaded["csrf_token"], image),
                              allow_redirects=False, headers=headers)


def shown_values(page: str) -> dict[str, str]:
    values = form_values(page)
    return {name: values[name] for name in TYPED}


async def test_a_new_post_sent_after_logging_out_in_another_tab_is_back_after_logging_in(client):
    await register(client, "alice")
    loaded = await loaded_form(client, "/posts/new")
    assert loaded["form_owner"]
    await logout(client)  # in another tab of the same browser

    response = await send_post_form(client, "/posts/new", loaded, TYPED, ("photo.png", make_image("PNG"), "image/png"))
    assert response.status == 303
    assert response.headers["Location"] == "/login?next=/posts/new"
    assert await count(client, "posts") == 0  # kept, never acted on
    login_page = await (await client.get(response.headers["Location"])).text()
    assert "what you were writing was not saved, but it is kept" in login_page

    response = await login(client, next="/posts/new")
    assert response.headers["Location"] == "/posts/new"
    page = await (await client.get("/posts/new")).text()
    assert KEPT_NOTICE in page
    assert shown_values(page) == TYPED
    assert field_errors(page) == {"image": "You had chosen an image, and a browser cannot keep one across a login: "
                                           "choose it again."}
    assert await count(client, "posts") == 0  # shown, still not saved

    # Handed over once: the next visit is an empty form, and the server holds nothing more.
    assert form_values(await (await client.get("/posts/new")).text())["title"] == ""
    assert await count(client, "kept_forms") == 0

    # Pressing Save saves it.
    again = form_values(page)
    response = await send_post_form(client, "/posts/new", again, TYPED)
    assert response.status == 303
    assert await count(client, "posts") == 1


async def test_an_edit_sent_after_log_out_everywhere_else_comes_back_and_saves(client, other_browser):
    await register(client, "alice")
    location = await create_post(client, title="The original", body="Original body")
    laptop = other_browser()
    await login(laptop)
    loaded = await loaded_form(laptop, location + "/edit")
    assert (await post_form(client, "/account/sessions/end-others", {}, form_page="/account")).status == 303

    edited = {**TYPED, "title": "The original, improved", "status": "published"}
    response = await send_post_form(laptop, location + "/edit", loaded, edited)
    assert response.headers["Location"] == f"/login?next={location}/edit"
    assert "improved" not in await (await client.get(location)).text()

    await login(laptop, next=location + "/edit")
    page = await (await laptop.get(location + "/edit")).text()
    assert KEPT_NOTICE in page and field_errors(page) == {}
    values = form_values(page)
    assert {name: values[name] for name in edited} == edited
    assert values["version"] == loaded["version"]  # the version it was loaded at, so conflicts still show
    response = await send_post_form(laptop, location + "/edit", values, edited)
    assert response.status == 303
    assert "<h1>The original, improved" in await (await client.get(response.headers["Location"])).text()


async def test_a_kept_edit_of_a_post_changed_meanwhile_gets_the_usual_conflict_page(client, other_browser):
    await register(client, "alice")
    location = await create_post(client, title="Shared", body="Version one")
    loaded = await loaded_form(client, location + "/edit")
    await logout(client)
    await send_post_form(client, location + "/edit", loaded, {**TYPED, "body": "Alice's words", "status": "published"})
    laptop = other_browser()
    await login(laptop)
    assert (await edit_post(laptop, location, body="Saved elsewhere meanwhile")).status == 303

    await login(client, next=location + "/edit")
    values = form_values(await (await client.get(location + "/edit")).text())
    assert values["body"] == "Alice's words"
    response = await send_post_form(client, location + "/edit", values, {**TYPED, "body": values["body"]})
    assert response.status == 409
    page = await response.text()
    assert "Saved elsewhere meanwhile" in page and "Alice&#39;s words" in page


async def test_a_comment_sent_after_a_password_change_elsewhere_is_back_at_the_comment_form(client, other_browser):
    await register(client, "alice")
    post = await publish(client)
    phone = other_browser()
    await login(phone)
    loaded = await loaded_form(phone, post)
    assert (await post_form(client, "/account/password", {"current_password": STRONG_PASSWORD,
                                                           "new_password": NEW_PASSWORD}, form_page="/account")).status == 303

    response = await phone.post(post + "/comments", allow_redirects=False, data={
        "csrf_token": loaded["csrf_token"], "form_owner": loaded["form_owner"], "body": "A thoughtful reply"})
    assert response.status == 303
    assert response.headers["Location"] == f"/login?next={post}%23comment-form"
    assert await count(client, "comments") == 0

    response = await login(phone, password=NEW_PASSWORD, next=f"{post}#comment-form")
    assert response.headers["Location"] == f"{post}#comment-form"
    page = await (await phone.get(post)).text()
    assert "Your session ended before this comment was sent" in page
    assert re.search(r'<textarea id="field-comment"[^>]* autofocus>A thoughtful reply</textarea>', page)
    assert await count(client, "comments") == 0
    response = await post_form(phone, post + "/comments", {"body": "A thoughtful reply"}, form_page=post)
    assert response.status == 303 and await count(client, "comments") == 1


async def test_logged_in_again_in_another_tab_the_old_form_comes_back_instead_of_a_csrf_error(client):
    await register(client, "alice")
    loaded = await loaded_form(client, "/posts/new")
    await logout(client)
    await login(client)  # a new session, with a new CSRF token

    response = await send_post_form(client, "/posts/new", loaded, TYPED)
    assert (response.status, response.headers["Location"]) == (303, "/posts/new")
    page = await (await client.get("/posts/new")).text()
    assert KEPT_NOTICE in page and shown_values(page) == TYPED
    assert await count(client, "posts") == 0


async def test_only_the_user_who_loaded_the_form_gets_it_back(client, other_browser):
    await register(client, "alice")
    bob = other_browser()
    await register(bob, "bob")
    await logout(bob)
    loaded = await loaded_form(client, "/posts/new")
    await logout(client)
    await send_post_form(client, "/posts/new", loaded, TYPED)

    await login(client, "bob", next="/posts/new")  # somebody else logs in, in the same browser
    page = await (await client.get("/posts/new")).text()
    assert KEPT_NOTICE not in page and form_values(page)["title"] == ""
    # alice's form, sent while bob is logged in here, is kept for her, not acted on, not shown to him.
    response = await send_post_form(client, "/posts/new", loaded, TYPED)
    assert response.status == 403
    assert "opened by another account, so nothing was saved" in html.unescape(await response.text())
    assert await count(client, "posts") == 0 and await count(client, "kept_forms") == 2

    # Another browser of alice's does not get it either: it is bound to the browser that sent it.
    laptop = other_browser()
    await login(laptop, next="/posts/new")
    assert KEPT_NOTICE not in await (await laptop.get("/posts/new")).text()


async def test_nothing_is_kept_without_a_genuine_owner_stamp_or_from_another_site(client):
    await register(client, "alice")
    loaded = await loaded_form(client, "/posts/new")
    await logout(client)
    forged = {**loaded, "form_owner": loaded["form_owner"][:-4] + "AAAA"}
    missing = {**loaded, "form_owner": ""}
    for form in (forged, missing):
        response = await send_post_form(client, "/posts/new", form, TYPED)
        assert response.headers["Location"] == "/login?next=/posts/new"
    response = await send_post_form(client, "/posts/new", loaded, TYPED, Origin="https://evil.example")
    assert response.status in (303, 403)
    assert await count(client, "kept_forms") == 0
    assert "it is kept" not in await (await client.get("/login")).text()


async def test_a_stamp_says_who_loaded_the_form_and_cannot_be_moved_to_another_user(client, other_browser):
    await register(client, "alice")
    bob = other_browser()
    await register(bob, "bob")
    alices = (await loaded_form(client, "/posts/new"))["form_owner"]
    bobs = (await loaded_form(bob, "/posts/new"))["form_owner"]
    owners = client.app[FORM_OWNERS]
    assert alices != bobs
    assert owners.owner(alices, 60) == 1 and owners.owner(bobs, 60) == 2
    middle = len(alices) // 2
    tampered = alices[:middle] + ("A" if alices[middle] != "A" else "B") + alices[middle + 1:]
    assert owners.owner(tampered, 60) is None


async def test_kept_text_expires(client):
    await register(client, "alice")
    loaded = await loaded_form(client, "/posts/new")
    await logout(client)
    await send_post_form(client, "/posts/new", loaded, TYPED)
    await client.app[STORE].db.write("UPDATE kept_forms SET expires_at = '2000-01-01T00:00:00.000000Z'")
    await login(client)
    assert KEPT_NOTICE not in await (await client.get("/posts/new")).text()
    assert await client.app[STORE].kept_forms.purge_expired() == 1


async def test_forms_are_marked_for_the_browsers_own_copy(client, other_browser):
    """drafts.js keeps a copy of every form marked data-draft (per user and form); a form the
    server sent back with the text unsaved in it is marked data-unsaved."""
    await register(client, "alice")
    script = '<script src="/static/js/drafts.js?v='
    page = await (await client.get("/posts/new")).text()
    assert 'data-draft="alice:post:new">' in page and script in page
    response = await send_post_form(client, "/posts/new", form_values(page), {**TYPED, "title": ""})
    assert response.status == 400 and 'data-draft="alice:post:new" data-unsaved>' in await response.text()
    location = await create_post(client, title="Marked")
    number = location.split("/")[2]
    assert f'data-draft="alice:post:{number}:edit">' in await (await client.get(location + "/edit")).text()
    post = await (await client.get(location)).text()
    assert f'data-draft="alice:post:{number}:comment">' in post and script in post
    refused = await post_form(client, location + "/comments", {"body": " "}, form_page=location)
    assert f'data-draft="alice:post:{number}:comment" data-unsaved>' in await refused.text()
    reader = other_browser()
    assert script not in await (await reader.get(location)).text()  # nobody to keep anything for


async def test_a_new_page_sent_after_the_session_ended_is_back_on_the_page_form(client):
    await register(client, "root")  # the first account: an admin, who writes pages
    loaded = await loaded_form(client, "/pages/new")
    assert loaded["form_owner"]
    await logout(client)
    page_fields = {"title": "About us", "body": "Who we are,\n\nand why.", "summary": "", "tags": "",
                   "status": "published"}
    response = await send_post_form(client, "/pages/new", loaded, page_fields)
    assert (response.status, response.headers["Location"]) == (303, "/login?next=/pages/new")
    assert await count(client, "posts") == 0

    await login(client, "root", next="/pages/new")
    page = await (await client.get("/pages/new")).text()
    assert "<h1>New page</h1>" in page and KEPT_NOTICE in page
    values = form_values(page)
    assert {name: values[name] for name in ("title", "body")} == {"title": "About us", "body": "Who we are,\n\nand why."}
    # Not offered on the post form, and saving it makes a page.
    assert KEPT_NOTICE not in await (await client.get("/posts/new")).text()
    response = await send_post_form(client, "/pages/new", values, page_fields)
    assert response.status == 303 and response.headers["Location"] == "/pages/about-us"


async def test_a_profile_sent_after_the_session_ended_is_back_after_logging_in(client, other_browser):
    await register(client, "alice")
    laptop = other_browser()
    await login(laptop)
    loaded = await loaded_form(laptop, "/account/profile")
    assert loaded["form_owner"]
    assert (await post_form(client, "/account/sessions/end-others", {}, form_page="/account")).status == 303

    typed = {"display_name": "Alice Liddell", "bio": "A long bio,\n\nwritten with care."}
    data = FormData()
    for name, value in {**typed, "form_owner": loaded["form_owner"], "csrf_token": loaded["csrf_token"]}.items():
        data.add_field(name, value)
    data.add_field("avatar", make_image("PNG"), filename="me.png", content_type="image/png")
    response = await laptop.post("/account/profile", data=data, allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (303, "/login?next=/account/profile")
    user = await client.app[STORE].users.by_username("alice")
    assert user is not None and user.display_name == ""  # kept, not saved

    await login(laptop, next="/account/profile")
    page = await (await laptop.get("/account/profile")).text()
    assert "Your session ended before your profile was saved" in page
    values = form_values(page)
    assert {name: values[name] for name in typed} == typed
    assert "choose it again" in field_errors(page)["avatar"]
    assert form_values(await (await laptop.get("/account/profile")).text())["display_name"] == ""  # once
