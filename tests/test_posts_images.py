"""Post images through the form: accepted formats, refusals, the size limit, serving, replacing and removing."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from PIL import Image

from blog.config import Config
from blog.keys import IMAGE_FILES, STORE

from .conftest import register
from .posts_helpers import (
    create_post,
    edit_post,
    field_errors,
    form_values,
    image_names,
    make_image,
    multipart,
    new_post_fields,
    people,
    png_bomb,
    submit,
)

EXTENSION = {"JPEG": "jpg", "PNG": "png", "GIF": "png", "WEBP": "webp"}  # a GIF is kept as a PNG of its first frame
CONTENT_TYPE = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
PILLOW_FORMAT = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}


def stored(config: Config) -> set[str]:
    folder = config.data_dir / "images"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


async def clean_up_now(client) -> None:  # type: ignore[no-untyped-def]
    """The cleanup with no grace period (files no row names go at once), as `cleanup --min-age 0` runs it."""
    await client.app[IMAGE_FILES].remove_orphans(min_age=0)


async def assert_files_match_rows(client, config: Config) -> None:  # type: ignore[no-untyped-def]
    """No row points at a missing file, and once the cleanup ran, no file is left that no row points at."""
    referenced = await client.app[STORE].images.referenced_names()
    assert referenced <= stored(config)
    await clean_up_now(client)
    assert referenced == stored(config)


async def post_images(browser, location: str) -> tuple[str | None, str | None]:  # type: ignore[no-untyped-def]
    """(display image on the post page, thumbnail on the edit form), None where there is none."""
    page = await (await browser.get(location)).text()
    display = re.search(r'<figure class="post-image"><img src="/images/([^"]+)"', page)
    form = await (await browser.get(location + "/edit")).text()
    thumb = re.search(r'<p class="current-image"><img src="/images/([^"]+)"', form)
    return (display.group(1) if display else None, thumb.group(1) if thumb else None)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
async def test_each_accepted_format_is_stored_under_its_hash_and_served_safely(client, other_browser, config, fmt):
    await register(client, "alice")
    upload = make_image(fmt, (800, 500))
    location = await create_post(client, title=f"A {fmt}", image=(f"My Holiday Photo.{fmt.lower()}", upload,
                                                                    f"image/{fmt.lower()}"))
    display, thumbnail = await post_images(client, location)
    assert display and thumbnail and display != thumbnail
    extension = EXTENSION[fmt]
    home = await (await client.get("/")).text()
    assert image_names(home) == [thumbnail]
    reader = other_browser()
    for name, width in ((display, 800), (thumbnail, 400)):
        assert re.fullmatch(rf"[0-9a-f]{{64}}\.{extension}", name)
        response = await reader.get(f"/images/{name}")
        assert response.status == 200
        assert response.headers["Content-Type"] == CONTENT_TYPE[extension]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        max_age = re.search(r"max-age=(\d+)", response.headers["Cache-Control"])
        assert max_age and int(max_age.group(1)) >= 365 * 24 * 3600
        data = await response.read()
        assert name == f"{hashlib.sha256(data).hexdigest()}.{extension}"
        image = Image.open(io.BytesIO(data))
        assert image.format == PILLOW_FORMAT[extension] and image.width == width
    assert stored(config) == {display, thumbnail}
    page = await (await client.get(location)).text()
    assert "Holiday" not in page and "Holiday" not in home
    await assert_files_match_rows(client, config)


def _truncated_png() -> bytes:
    data = make_image("PNG", (300, 200), noise=True)
    return data[: len(data) // 2]


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>'
REFUSED = {  # name: (file name, how to make the bytes, declared type, the message the user sees)
    "svg": ("drawing.svg", lambda: SVG, "image/svg+xml", "This file is not a JPEG, PNG, GIF or WebP image."),
    "text-named-png": ("notes.png", lambda: b"Just some text, not a picture at all.\n" * 20, "image/png",
                       "This file is not a JPEG, PNG, GIF or WebP image."),
    "truncated": ("cut.png", _truncated_png, "image/png", "This image file is damaged and cannot be read."),
    "bomb": ("bomb.png", lambda: png_bomb(20_000, 20_000), "image/png", "This image is too large to process"),
}


@pytest.mark.parametrize("case", list(REFUSED))
async def test_unusable_files_are_refused_at_the_image_field_keeping_the_rest(client, config, case):
    await register(client, "alice")
    filename, make, content_type, message = REFUSED[case]
    data = make()
    fields = new_post_fields(title="Kept title", body="Kept *body*", summary="Kept summary", tags="kept")
    response = await submit(client, "/posts/new", fields, (filename, data, content_type))
    assert response.status == 400
    page = await response.text()
    errors = field_errors(page)
    assert list(errors) == ["image"]
    assert message in errors["image"] and "Choose another file." in errors["image"]
    values = form_values(page)
    assert (values["title"], values["body"], values["summary"], values["tags"]) == \
        ("Kept title", "Kept *body*", "Kept summary", "kept")
    assert await client.app[STORE].db.fetchvalue("SELECT count(*) FROM posts") == 0
    assert stored(config) == set()
    # The same refusal when editing: the post and its current image stay as they were.
    location = await create_post(client, title="Has a picture", image=("ok.png", make_image("PNG"), "image/png"))
    before = await post_images(client, location)
    response = await edit_post(client, location, image=(filename, data, content_type), body="Not saved")
    assert response.status == 400
    assert message in field_errors(await response.text())["image"]
    assert await post_images(client, location) == before
    assert "Not saved" not in await (await client.get(location)).text()
    await assert_files_match_rows(client, config)


async def test_replacing_removing_and_keeping_the_image(client, config):
    await register(client, "alice")
    location = await create_post(client, title="Pictured", image=("a.png", make_image("PNG", (500, 500)), "image/png"))
    first = await post_images(client, location)
    assert all(first) and stored(config) == set(first)
    # An edit that leaves the file input empty keeps the image.
    assert (await edit_post(client, location, body="Just text changes")).status == 303
    assert await post_images(client, location) == first
    # Replacing: the new files are shown; the old ones stay on disk until the cleanup, which
    # removes them from disk and from the address (no request deletes a file).
    assert (await edit_post(client, location, image=("b.jpg", make_image("JPEG", (600, 450)), "image/jpeg"))).status == 303
    second = await post_images(client, location)
    assert all(second) and second[0].endswith(".jpg") and set(second).isdisjoint(first)
    assert stored(config) == set(first) | set(second)
    await clean_up_now(client)
    assert stored(config) == set(second)
    for name in first:
        assert (await client.get(f"/images/{name}")).status == 404
    await assert_files_match_rows(client, config)
    # Removing: no image on the page or in the list, no files left.
    assert (await edit_post(client, location, remove_image="1")).status == 303
    assert await post_images(client, location) == (None, None)
    assert image_names(await (await client.get("/")).text()) == []
    assert "remove_image" not in await (await client.get(location + "/edit")).text()
    await clean_up_now(client)
    assert stored(config) == set()
    await assert_files_match_rows(client, config)


async def test_an_image_shared_by_two_posts_stays_while_either_uses_it(client, config):
    await register(client, "alice")
    picture = make_image("PNG", (640, 480))
    one = await create_post(client, title="One", image=("same.png", picture, "image/png"))
    two = await create_post(client, title="Two", image=("same-again.png", picture, "image/png"))
    names = await post_images(client, one)
    assert await post_images(client, two) == names
    assert (await edit_post(client, one, remove_image="1")).status == 303
    assert await post_images(client, one) == (None, None)
    assert await post_images(client, two) == names
    for name in names:
        assert (await client.get(f"/images/{name}")).status == 200
    await assert_files_match_rows(client, config)
    assert (await edit_post(client, two, image=("other.png", make_image("PNG", (300, 300)), "image/png"))).status == 303
    await clean_up_now(client)
    assert set(names).isdisjoint(stored(config))
    await assert_files_match_rows(client, config)


async def test_a_conflicting_edit_asks_for_the_image_again_and_keeps_no_file(client, other_browser, config):
    p = await people(client, other_browser)
    location = await create_post(p.alice, title="Contested", image=("a.png", make_image("PNG"), "image/png"))
    before = await post_images(p.alice, location)
    stale = form_values(await (await p.alice.get(location + "/edit")).text())
    assert (await edit_post(p.ed, location, body="The editor was first")).status == 303
    fields = {k: stale[k] for k in ("title", "summary", "tags", "status", "version")}
    response = await p.alice.post(location + "/edit", data=multipart(
        {**fields, "body": "Mine"}, stale["csrf_token"], ("new.webp", make_image("WEBP", (300, 300)), "image/webp")),
        allow_redirects=False)
    assert response.status == 409
    assert "choose it again" in field_errors(await response.text()).get("image", "")
    assert await post_images(p.alice, location) == before
    await assert_files_match_rows(client, config)


async def test_only_stored_image_names_are_served(client, config):
    await register(client, "alice")
    location = await create_post(client, title="Pictured", image=("a.png", make_image("PNG"), "image/png"))
    name = (await post_images(client, location))[0]
    folder: Path = config.data_dir / "images"
    (folder / ("0" * 64 + ".svg")).write_text("<svg onload=alert(1)></svg>")
    for path in (f"/images/{'0' * 64}.svg", "/images/..%2Fblog.sqlite3", "/images/%2e%2e%2fblog.sqlite3",
                 f"/images/{name.upper()}", f"/images/{name}.png", f"/images/{'f' * 64}.png"):
        assert (await client.get(path)).status == 404, path
    assert (await client.get(f"/images/{name}")).status == 200
