"""/account/profile: display name, bio and avatar, shown on the author page, the byline and
comments, and by the API; email changes confirmed by mail; deleting one's own account."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from aiohttp import FormData
from PIL import Image

from blog.config import Config
from blog.keys import MAILER, STORE

from .conftest import STRONG_PASSWORD, csrf_token, login, post_form, register
from .mail_helpers import link_in, text_of
from .posts_helpers import create_post, field_errors, make_image
from .test_posts_images import clean_up_now

AVATAR = re.compile(r'<img class="avatar[^"]*" src="/images/([0-9a-f]{64}\.png)"')


@pytest.fixture
def config(mail_config: Config) -> Config:
    return mail_config


async def save_profile(browser, display_name: str = "", bio: str = "", avatar: bytes = b"",  # type: ignore[no-untyped-def]
                       remove_avatar: str = ""):
    token = await csrf_token(browser, "/account/profile")
    data = FormData()
    for name, value in (("display_name", display_name), ("bio", bio), ("csrf_token", token)):
        data.add_field(name, value)
    if remove_avatar:
        data.add_field("remove_avatar", remove_avatar)
    data.add_field("avatar", avatar, filename="me.png" if avatar else "", content_type="image/png")
    return await browser.post("/account/profile", data=data, allow_redirects=False)


def image_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


async def test_name_bio_and_avatar_show_on_the_author_page_byline_comments_and_api(client, other_browser):
    await register(client, "alice")
    post = await create_post(client, title="Hello")
    response = await save_profile(client, "Alice Liddell", "I write about **rabbits**.\n\n<script>x()</script>",
                                  make_image("PNG", (300, 200)))
    assert response.status == 303 and response.headers["Location"] == "/account/profile?done=profile"
    assert "Your profile is saved." in await (await client.get(response.headers["Location"])).text()

    reader = other_browser()
    author_page = await (await reader.get("/authors/alice")).text()
    assert "<h1>Posts by Alice Liddell</h1>" in author_page
    assert "<strong>rabbits</strong>" in author_page and "<script>x()" not in author_page
    large = AVATAR.search(author_page)
    assert large
    assert image_size(await (await reader.get(f"/images/{large.group(1)}")).read()) == (200, 200)

    await post_form(client, post + "/comments", {"body": "First!"}, form_page=post)
    post_page = await (await reader.get(post)).text()
    byline = re.search(r'<p class="meta byline">.*?</p>', post_page, re.DOTALL)
    assert byline and "Alice Liddell" in byline.group(0)
    small = AVATAR.search(byline.group(0))
    assert small and image_size(await (await reader.get(f"/images/{small.group(1)}")).read()) == (64, 64)
    assert "min read" in byline.group(0)
    comment = re.search(r'<li class="comment".*?</li>', post_page, re.DOTALL)
    assert comment and "Alice Liddell" in comment.group(0) and small.group(1) in comment.group(0)

    profile = await (await reader.get("/api/profiles/alice")).json()
    assert profile["profile"]["bio"] == "I write about **rabbits**.\n\n<script>x()</script>"
    assert profile["profile"]["image"] == str(client.make_url(f"/images/{large.group(1)}"))
    article = (await (await reader.get("/api/articles")).json())["articles"][0]
    assert article["author"]["image"] == profile["profile"]["image"]


async def test_profile_errors_stay_at_their_fields_and_keep_the_input(client):
    await register(client, "alice")
    response = await save_profile(client, "A" * 61, "b" * 1001)
    assert response.status == 400
    page = await response.text()
    errors = field_errors(page)
    assert errors["display_name"].startswith("Keep your name to 60 characters")
    assert errors["bio"].startswith("Keep your bio to 1,000 characters")
    assert "b" * 1001 + "</textarea>" in page
    bad = await save_profile(client, "Alice", "", b"GIF89a not really")
    assert bad.status == 400
    assert "not a JPEG, PNG, GIF or WebP image" in field_errors(await bad.text())["avatar"]


async def test_a_removed_avatar_goes_and_the_cleanup_deletes_its_files(client):
    await register(client, "alice")
    await save_profile(client, avatar=make_image("PNG", (80, 80)))
    name = AVATAR.search(await (await client.get("/account/profile")).text())
    assert name
    assert (await save_profile(client, remove_avatar="1")).status == 303
    assert not AVATAR.search(await (await client.get("/authors/alice")).text())
    await clean_up_now(client)  # no request deletes files: the cleanup does (see content/uploads.py)
    assert (await client.get(f"/images/{name.group(1)}")).status == 404


async def test_a_new_email_address_takes_effect_only_through_the_mailed_link(client, smtp_server, other_browser):
    await register(client, "alice")
    response = await post_form(client, "/account/email", {"new_email": "alice@new.example"},
                               form_page="/account/profile")
    assert response.status == 303
    assert "We have sent a link" in await (await client.get(response.headers["Location"])).text()
    await client.app[MAILER].drain()
    assert [m["To"] for m in smtp_server.messages] == ["alice@new.example"]
    assert (await client.app[STORE].users.by_username("alice")).email == "alice@example.com"  # type: ignore[union-attr]

    path = urlsplit(link_in(smtp_server.messages[0])).path
    mail_scanner = other_browser()
    confirm_page = await mail_scanner.get(path)  # opening the link changes nothing yet
    assert "Use this address" in await confirm_page.text()
    assert (await client.app[STORE].users.by_username("alice")).email == "alice@example.com"  # type: ignore[union-attr]

    confirmed = await post_form(client, path, {})
    assert confirmed.status == 303
    assert "Your email address is changed." in await (await client.get(confirmed.headers["Location"])).text()
    assert (await client.app[STORE].users.by_username("alice")).email == "alice@new.example"  # type: ignore[union-attr]
    await client.app[MAILER].drain()
    notice = smtp_server.messages[1]
    assert notice["To"] == "alice@example.com" and "alice@new.example" in text_of(notice)
    used = await client.get(path)
    assert used.status == 410 and "used already" in await used.text()
    assert (await login(other_browser(), "alice@new.example")).status == 303


async def test_email_change_errors(client, other_browser):
    await register(client, "alice")
    await register(other_browser(), "bob")
    for value, message in (("", "Enter your new email address."), ("nope", "not a valid email address"),
                           ("alice@example.com", "This is your address already."),
                           ("BOB@example.com", "Another account uses this address.")):
        response = await post_form(client, "/account/email", {"new_email": value}, form_page="/account/profile")
        assert response.status == 400
        assert message in field_errors(await response.text())["new_email"]


async def test_deleting_ones_account_needs_the_password_and_keeps_comments_as_deleted_user(client, other_browser):
    await register(client, "root")
    alice = other_browser()
    await register(alice, "alice")
    token = (await (await alice.post("/api/users/login", json={
        "user": {"email": "alice", "password": STRONG_PASSWORD}})).json())["user"]["token"]
    post = await create_post(alice, title="Alice's post")
    root_post = await create_post(client, title="Root's post")
    await post_form(alice, root_post + "/comments", {"body": "Nice one"}, form_page=root_post)

    wrong = await post_form(alice, "/account/delete", {"password": "guess", "posts": "trash"})
    assert wrong.status == 400
    assert field_errors(await wrong.text())["password"] == "This is not your password."
    nobody = await post_form(alice, "/account/delete", {"password": STRONG_PASSWORD, "posts": "transfer",
                                                        "new_author": "ghost"})
    assert "no account named 'ghost'" in field_errors(await nobody.text())["new_author"]

    done = await post_form(alice, "/account/delete", {"password": STRONG_PASSWORD, "posts": "trash"})
    assert done.status == 200 and "Your account is deleted" in await done.text()
    assert (await alice.get("/account", allow_redirects=False)).status == 303
    assert (await alice.get("/api/user", headers={"Authorization": f"Token {token}"})).status == 401
    assert (await login(alice, "alice")).status == 400
    assert (await client.get(post)).status == 404  # in the trash
    assert "Alice&#39;s post" in await (await client.get("/trash")).text()
    thread = await (await client.get(root_post)).text()
    comment = re.search(r'<li class="comment".*?</li>', thread, re.DOTALL)
    assert comment and '<span class="deleted-user">deleted user</span>' in comment.group(0)
    assert "Nice one" in comment.group(0) and "/authors/alice" not in comment.group(0)
    assert (await client.get("/authors/alice")).status == 404
    await register(other_browser(), "alice")  # the name and address are free again


async def test_posts_can_go_to_another_author_and_the_last_admin_cannot_leave(client, other_browser):
    await register(client, "root")
    alice = other_browser()
    await register(alice, "alice")
    post = await create_post(alice, title="Handed over")
    given = await post_form(alice, "/account/delete", {"password": STRONG_PASSWORD, "posts": "transfer",
                                                       "new_author": "root"})
    assert given.status == 200
    assert 'by <a href="/authors/root">root</a>' in await (await client.get(post)).text()
    last = await post_form(client, "/account/delete", {"password": STRONG_PASSWORD, "posts": "trash"})
    assert last.status == 400 and "last admin" in await last.text()


async def test_the_cleanup_keeps_the_files_of_avatars(client):
    from blog.keys import IMAGE_FILES

    await register(client, "alice")
    await save_profile(client, avatar=make_image("PNG", (90, 90)))
    names = AVATAR.findall(await (await client.get("/authors/alice")).text())
    assert names
    removed = await client.app[IMAGE_FILES].remove_orphans(min_age=0)
    assert removed == []
    assert (await client.get(f"/images/{names[0]}")).status == 200
