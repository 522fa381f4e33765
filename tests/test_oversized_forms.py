"""Nothing typed is lost to a size limit: forms are read as a stream with limits of our own,
so a file or a text that is too large comes back as an error next to its field, with
everything else the writer typed still in the form."""

from __future__ import annotations

import io
import os
import re
from urllib.parse import urlencode

from aiohttp import FormData
from PIL import Image

from blog.config import Config
from blog.keys import STORE
from blog.web.forms import TEXT_FIELD_MAX_BYTES, body_limit

from .conftest import csrf_token, register
from .posts_helpers import (
    create_post,
    edit_post,
    field_errors,
    form_values,
    make_image,
    multipart,
    new_post_fields,
    submit,
)
from .test_comments import publish
from .test_posts_images import assert_files_match_rows, post_images, stored

TYPED = {"title": "Kept title", "body": "Kept *body*\n\nwith two paragraphs.", "summary": "Kept summary",
         "tags": "kept, safe"}


def large_png(size_bytes: int) -> bytes:
    """A real PNG of random pixels (incompressible) of at least `size_bytes`."""
    side = int((size_bytes / 3) ** 0.5) + 8
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG", compress_level=0)
    data = buffer.getvalue()
    assert len(data) >= size_bytes
    return data


def urlencoded(fields: dict[str, str]) -> tuple[io.BytesIO, dict[str, str]]:
    """A form as a browser sends it, as a file object (aiohttp refuses raw bytes over 1 MB here)."""
    body = urlencode(fields).encode()
    return io.BytesIO(body), {"Content-Type": "application/x-www-form-urlencoded"}


def assert_kept(page: str, typed: dict[str, str]) -> None:
    values = form_values(page)
    assert {name: values[name] for name in typed} == typed


async def test_a_107_mb_png_on_a_new_post_brings_the_form_back_with_everything_typed(client, config):
    await register(client, "alice")
    png = large_png(10_700_000)  # the default limit is 10 MiB (10.5 MB)
    response = await submit(client, "/posts/new", new_post_fields(**TYPED, status="draft"),
                            ("holiday.png", png, "image/png"))
    assert response.status == 400
    page = await response.text()
    assert_kept(page, {**TYPED, "status": "draft"})
    errors = field_errors(page)
    assert list(errors) == ["image"]
    assert f"This file is {len(png) / 1e6:.1f} MB; an image can be at most 10.5 MB" in errors["image"]
    assert "Choose a smaller file." in errors["image"]
    assert "The post was not saved" in page
    assert await client.app[STORE].db.fetchvalue("SELECT count(*) FROM posts") == 0
    assert stored(config) == set()


async def test_an_oversized_image_on_an_edit_keeps_the_edit_and_the_current_image(make_client, config):
    small = Config(**{**config.__dict__, "max_image_bytes": 50_000})
    client = await make_client(small)
    await register(client, "alice")
    location = await create_post(client, title="Pictured", image=("a.png", make_image("PNG"), "image/png"))
    before = await post_images(client, location)
    response = await edit_post(client, location, image=("big.png", large_png(60_000), "image/png"),
                               title="Edited title", body="Edited body")
    assert response.status == 400
    page = await response.text()
    assert_kept(page, {"title": "Edited title", "body": "Edited body"})
    assert "an image can be at most 0.1 MB" in field_errors(page)["image"]
    assert await post_images(client, location) == before
    assert "Edited body" not in await (await client.get(location)).text()
    await assert_files_match_rows(client, small)
    # Under the limit is fine.
    fits = make_image("PNG", (100, 100))
    assert len(fits) < 50_000
    await create_post(client, title="Fits", image=("fits.png", fits, "image/png"))


async def test_an_oversized_image_and_other_errors_are_all_shown(make_client, config):
    client = await make_client(Config(**{**config.__dict__, "max_image_bytes": 50_000}))
    await register(client, "alice")
    response = await submit(client, "/posts/new", new_post_fields(title="", body="Only a body"),
                            ("big.png", large_png(60_000), "image/png"))
    assert response.status == 400
    errors = field_errors(await response.text())
    assert set(errors) == {"title", "image"} and "Choose a smaller file." in errors["image"]


async def test_a_form_sent_back_for_other_errors_asks_for_the_chosen_image_again(client, config):
    await register(client, "alice")
    response = await submit(client, "/posts/new", new_post_fields(title=""),
                            ("fine.png", make_image("PNG"), "image/png"))
    assert response.status == 400
    errors = field_errors(await response.text())
    assert errors["image"] == "The post was not saved, so the image you chose was not kept: choose it again."
    assert stored(config) == set()


async def test_fields_after_an_oversized_file_are_read_too(make_client, config):
    """The file is skipped, not the rest of the request: a field sent after it still arrives."""
    client = await make_client(Config(**{**config.__dict__, "max_image_bytes": 50_000}))
    await register(client, "alice")
    token = await csrf_token(client, "/posts/new")
    data = multipart({"title": "Before the file", "body": "b", "summary": "", "status": "published"}, token,
                     ("big.png", large_png(60_000), "image/png"))
    data.add_field("tags", "sent-after-the-file")
    response = await client.post("/posts/new", data=data, allow_redirects=False)
    assert response.status == 400
    assert form_values(await response.text())["tags"] == "sent-after-the-file"


async def test_a_comment_over_the_request_limit_comes_back_with_its_text(make_client, config):
    client = await make_client(Config(**{**config.__dict__, "max_image_bytes": 1024}))
    await register(client, "alice")
    post = await publish(client)
    # Over aiohttp's own limit for this app (1 KiB + 1 MiB), which answered a bare 413 before.
    text = "A long thought. " * 80_000
    token = await csrf_token(client, post)
    body, headers = urlencoded({"csrf_token": token, "body": text})
    response = await client.post(post + "/comments", data=body, headers=headers, allow_redirects=False)
    assert response.status == 400
    page = await response.text()
    assert form_values(page)["body"] == text
    assert field_errors(page)["body"] == f"Keep comments to 5,000 characters (this one has {len(text):,})."
    assert await client.app[STORE].db.fetchvalue("SELECT count(*) FROM comments") == 0


async def test_a_text_past_the_readers_limit_is_kept_cut_and_said_so(client):
    await register(client, "alice")
    post = await publish(client)
    token = await csrf_token(client, post)
    text = "x" * (TEXT_FIELD_MAX_BYTES + 10)
    body, headers = urlencoded({"csrf_token": token, "body": text})
    response = await client.post(post + "/comments", data=body, headers=headers, allow_redirects=False)
    assert response.status == 400
    page = await response.text()
    kept = form_values(page)["body"]
    assert set(kept) == {"x"} and TEXT_FIELD_MAX_BYTES - 10 <= len(kept) <= TEXT_FIELD_MAX_BYTES
    assert f"(this one has more than {len(kept):,})" in field_errors(page)["body"]


async def test_a_request_far_over_every_limit_still_gets_413(make_client, config):
    client = await make_client(Config(**{**config.__dict__, "max_image_bytes": 1024}))
    await register(client, "alice")
    response = await submit(client, "/posts/new", new_post_fields(title="Huge"),
                            ("huge.png", large_png(body_limit(1024) + 1), "image/png"))
    assert response.status == 413
    assert "larger than this site accepts" in await response.text()


async def test_a_broken_multipart_body_is_a_400_not_a_500(client):
    await register(client, "alice")
    token = await csrf_token(client, "/posts/new")
    body = f'--XX\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n--XX\r\nbroken'.encode()
    response = await client.post("/posts/new", data=body, allow_redirects=False,
                                 headers={"Content-Type": "multipart/form-data; boundary=XX"})
    assert response.status == 400
    assert "could not be read" in await response.text()


async def test_a_form_of_thousands_of_fields_keeps_the_first_thousand_and_still_works(client):
    await register(client, "alice")
    post = await publish(client)
    token = await csrf_token(client, post)
    fields = {"csrf_token": token, "body": "Still a comment", **{f"extra{n}": "x" for n in range(5000)}}
    body, headers = urlencoded(fields)
    response = await client.post(post + "/comments", data=body, headers=headers, allow_redirects=False)
    assert response.status == 303
    assert "Still a comment" in await (await client.get(post)).text()


async def test_text_is_decoded_as_the_browser_encoded_it(client):
    await register(client, "alice")
    post = await publish(client)
    token = await csrf_token(client, post)
    text = "Crème brûlée, 東京, 🙂 & 100% + more=equal"
    body, headers = urlencoded({"csrf_token": token, "body": text})
    assert (await client.post(post + "/comments", data=body, headers=headers, allow_redirects=False)).status == 303
    assert "Crème brûlée, 東京, 🙂 &amp; 100% + more=equal" in await (await client.get(post)).text()


# The forms the other branches added (pictures in the text, avatars, the site's icon, /uploads)
# read their files through the same reader, so they keep everything typed too.

async def test_an_oversized_picture_for_the_text_is_refused_at_its_field_with_the_post_kept(make_client, config):
    client = await make_client(Config(**{**config.__dict__, "max_image_bytes": 50_000}))
    await register(client, "alice")
    token = await csrf_token(client, "/posts/new")
    data = multipart(new_post_fields(**TYPED, status="draft", inline_image_alt="A large cat"), token)
    data.add_field("inline_image", io.BytesIO(large_png(60_000)), filename="cat.png", content_type="image/png")
    response = await client.post("/posts/new", data=data, allow_redirects=False)
    assert response.status == 400
    page = await response.text()
    assert_kept(page, {**TYPED, "status": "draft", "inline_image_alt": "A large cat"})
    errors = field_errors(page)
    assert set(errors) == {"inline_image", "inline_image_alt"}  # the one fieldset of pictures in the text
    assert "an image can be at most 0.1 MB. Choose a smaller file." in errors["inline_image"]
    assert await client.app[STORE].db.fetchvalue("SELECT count(*) FROM posts") == 0
    assert stored(config) == set()


async def test_an_oversized_avatar_keeps_the_name_and_bio_typed(make_client, config):
    client = await make_client(Config(**{**config.__dict__, "max_image_bytes": 50_000}))
    await register(client, "alice")
    token = await csrf_token(client, "/account/profile")
    data = FormData()
    for name, value in {"display_name": "Alice Liddell", "bio": "Down the *rabbit hole*.", "csrf_token": token}.items():
        data.add_field(name, value)
    data.add_field("avatar", io.BytesIO(large_png(60_000)), filename="me.png", content_type="image/png")
    response = await client.post("/account/profile", data=data, allow_redirects=False)
    assert response.status == 400
    page = await response.text()
    assert_kept(page, {"display_name": "Alice Liddell", "bio": "Down the *rabbit hole*."})
    assert list(field_errors(page)) == ["avatar"]
    assert "an image can be at most 0.1 MB. Choose a smaller file." in field_errors(page)["avatar"]
    assert "Your profile was not saved" in page
    user = await client.app[STORE].users.by_username("alice")
    assert user is not None and user.display_name == "" and user.avatar is None


async def test_an_oversized_site_icon_keeps_the_settings_typed(make_client, config):
    client = await make_client(Config(**{**config.__dict__, "max_image_bytes": 50_000}))
    await register(client, "root")  # the first account: the admin
    token = await csrf_token(client, "/admin/settings")
    typed = {"title": "Harbour Notes", "description": "Tides and boats.", "footer": "© The crew",
             "nav_links": "About | /pages/about"}
    data = FormData()
    for name, value in {**typed, "registration_open": "on", "csrf_token": token}.items():
        data.add_field(name, value)
    data.add_field("icon", io.BytesIO(large_png(60_000)), filename="logo.png", content_type="image/png")
    response = await client.post("/admin/settings", data=data, allow_redirects=False)
    assert response.status == 400
    page = await response.text()
    assert_kept(page, typed)
    assert re.search(r'name="registration_open" checked', page)
    assert re.search(r'name="comments_default" >', page)  # left unticked, as sent
    assert list(field_errors(page)) == ["icon"]
    assert "an image can be at most 0.1 MB. Choose a smaller file." in field_errors(page)["icon"]
    assert "Harbour Notes" not in await (await client.get("/")).text()


async def test_uploads_answer_an_upload_far_over_every_limit_with_a_json_413(make_client, config):
    client = await make_client(Config(**{**config.__dict__, "max_image_bytes": 1024}))
    await register(client, "alice")
    token = await csrf_token(client, "/posts/new")
    data = FormData()
    data.add_field("image", io.BytesIO(large_png(body_limit(1024) + 1)), filename="huge.png", content_type="image/png")
    response = await client.post("/uploads", data=data, headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert response.status == 413 and response.content_type == "application/json"
    assert "the most this site accepts" in (await response.json())["message"]
