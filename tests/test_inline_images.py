"""Pictures inside a post's text: POST /uploads, the editor's own add-image field, how a body
shows them (srcset, size, lazy), pictures from other sites, alt texts, and which files the
cleanup keeps."""

from __future__ import annotations

import io
import re
import sqlite3
from html.parser import HTMLParser

import pytest
from aiohttp import FormData
from PIL import Image

from blog import clock
from blog.config import Config
from blog.keys import IMAGE_FILES, STORE
from blog.store import Store
from blog.store.db import migrations

from .conftest import csrf_token, register
from .posts_helpers import (
    create_post,
    edit_post,
    field_errors,
    form_values,
    make_image,
    new_post_fields,
    png_bomb,
    post_id,
    submit,
)
from .test_api_helpers import api_register, auth, errors_of

NAME = r"[0-9a-f]{64}\.(?:jpg|png|webp)"


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))


def body_images(page: str) -> list[dict[str, str | None]]:
    """The <img> elements inside the post's body, with their attributes."""
    start = page.index('<div class="post-body">')
    parser = _Images()
    parser.feed(page[start:page.index("</article>", start)])
    return parser.images


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def stored(config: Config) -> set[str]:
    folder = config.data_dir / "images"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


async def upload(browser, data: bytes, *, alt: str | None = None, filename: str = "photo.jpg",
                 content_type: str = "image/jpeg", token: str | None = None, token_in: str = "header"):  # type: ignore[no-untyped-def]
    """POST /uploads as the editor's script sends it (the token in X-CSRF-Token, or as a form field)."""
    token = token if token is not None else await csrf_token(browser, "/posts/new")
    form = FormData()
    form.add_field("image", data, filename=filename, content_type=content_type)
    if alt is not None:
        form.add_field("alt", alt)
    headers = {"Accept": "application/json"}
    if token_in == "header":
        headers["X-CSRF-Token"] = token
    else:
        form.add_field("csrf_token", token)
    return await browser.post("/uploads", data=form, headers=headers)


async def test_an_upload_answers_201_with_the_markdown_and_the_column_size(client, config):
    await register(client, "alice")
    response = await upload(client, make_image("JPEG", (2000, 1000)), alt="A [wide] view")
    assert response.status == 201, await response.text()
    answer = await response.json()
    assert set(answer) == {"url", "markdown", "width", "height"}
    assert re.fullmatch(rf"/images/{NAME}", answer["url"])
    assert (answer["width"], answer["height"]) == (800, 400)
    assert answer["markdown"] == f"![A \\[wide\\] view]({answer['url']})"
    served = await client.get(answer["url"])
    assert served.status == 200 and served.headers["Content-Type"] == "image/jpeg"
    assert size_of(await served.read()) == (800, 400)
    # Three sizes on disk: 400, 800 and 1600 pixels wide, re-encoded (no upload bytes kept).
    sizes = sorted(size_of((config.data_dir / "images" / name).read_bytes()) for name in stored(config))
    assert sizes == [(400, 200), (800, 400), (1600, 800)]


async def test_the_token_may_come_as_a_form_field_and_a_small_image_is_its_own_only_size(client, config):
    await register(client, "alice")
    response = await upload(client, make_image("PNG", (300, 200)), token_in="form")
    assert response.status == 201
    answer = await response.json()
    assert (answer["width"], answer["height"]) == (300, 200)
    assert answer["markdown"] == f"![]({answer['url']})"  # no alt given: an empty one, which the writer can fill
    assert len(stored(config)) == 1


async def test_refusals_are_json_sentences_with_the_right_status(make_client, config):
    small = Config(**{**config.__dict__, "max_image_bytes": 60_000})
    client = await make_client(small)
    await register(client, "alice")
    cases = [
        (b"just some text", "notes.png", 422, "This file is not a JPEG, PNG, GIF or WebP image."),
        (make_image("PNG", (300, 200), noise=True)[:5000], "cut.png", 422, "This image file is damaged"),
        (png_bomb(20_000, 20_000), "bomb.png", 422, "This image is too large to process"),
        (make_image("PNG", (200, 200), noise=True), "big.png", 413, "the most this site accepts"),
    ]
    for data, filename, status, message in cases:
        response = await upload(client, data, filename=filename, content_type="image/png")
        assert response.status == status, filename
        assert response.content_type == "application/json"
        assert message in (await response.json())["message"], filename
    no_file = await client.post("/uploads", data={"alt": "x", "csrf_token": await csrf_token(client, "/posts/new")})
    assert no_file.status == 400 and "Choose an image" in (await no_file.json())["message"]
    long_alt = await upload(client, make_image("PNG"), alt="x" * 301)
    assert long_alt.status == 400 and "300 characters" in (await long_alt.json())["message"]
    assert stored(small) == set()


async def test_uploads_need_a_logged_in_writer_and_a_token(client, other_browser):
    await register(client, "alice")
    no_token = await upload(client, make_image("PNG"), token="wrong")
    assert no_token.status == 403 and no_token.content_type == "application/json"
    assert "expired" in (await no_token.json())["message"]
    stranger = other_browser()
    token = await csrf_token(stranger, "/login")  # an anonymous session that has a token
    anonymous = await upload(stranger, make_image("PNG"), token=token)
    assert anonymous.status == 401 and (await anonymous.json())["message"] == "Log in to add images."


async def test_a_body_shows_its_pictures_at_the_column_size_with_srcset_size_and_lazy_loading(client):
    await register(client, "alice")
    first = await (await upload(client, make_image("JPEG", (2000, 1000)), alt="Sunrise")).json()
    second = await (await upload(client, make_image("PNG", (500, 700)), alt="A tall one")).json()
    body = f"Before.\n\n{first['markdown']}\n\nBetween.\n\n{second['markdown']}\n"
    location = await create_post(client, title="Two pictures", body=body)
    wide, tall = body_images(await (await client.get(location)).text())
    assert wide["src"] == first["url"] and wide["alt"] == "Sunrise"
    assert (wide["width"], wide["height"], wide["loading"]) == ("800", "400", "lazy")
    srcset = [entry.split(" ") for entry in (wide["srcset"] or "").split(", ")]
    assert [width for _, width in srcset] == ["400w", "800w", "1600w"]
    assert f"{first['url']}" in [url for url, _ in srcset]
    for url, width in srcset:
        served = await client.get(url)
        assert size_of(await served.read())[0] == int(width[:-1])
    assert wide["sizes"] and "44rem" in wide["sizes"]
    assert tall["src"] == second["url"] and tall["alt"] == "A tall one"
    assert (tall["width"], tall["height"], tall["loading"]) == ("500", "700", "lazy")
    assert re.fullmatch(rf"/images/{NAME} 400w, {second['url']} 500w", tall["srcset"] or "")


async def test_a_body_linking_a_larger_size_is_still_served_the_column_size(client):
    await register(client, "alice")
    answer = await (await upload(client, make_image("JPEG", (2000, 1000)), alt="Wide")).json()
    location = await create_post(client, title="One", body=answer["markdown"])
    largest = body_images(await (await client.get(location)).text())[0]["srcset"].split(", ")[-1].split(" ")[0]
    other = await create_post(client, title="Two", body=f"![Wide]({largest})")
    (image,) = body_images(await (await client.get(other)).text())
    assert image["src"] == answer["url"] and image["width"] == "800" and "1600w" in (image["srcset"] or "")


async def test_without_javascript_the_forms_add_image_field_appends_the_picture_on_save(client):
    await register(client, "alice")
    token = await csrf_token(client, "/posts/new")
    form = FormData()
    for name, value in {**new_post_fields(title="Plain form", body="Text first."), "inline_image_alt": "A cat",
                        "csrf_token": token}.items():
        form.add_field(name, value)
    form.add_field("image", b"", filename="", content_type="application/octet-stream")
    form.add_field("inline_image", make_image("PNG", (900, 600)), filename="cat.png", content_type="image/png")
    response = await client.post("/posts/new", data=form, allow_redirects=False)
    assert response.status == 303, await response.text()
    location = response.headers["Location"]
    body = form_values(await (await client.get(location + "/edit")).text())["body"]
    assert re.fullmatch(rf"Text first\.\n\n!\[A cat\]\(/images/{NAME}\)\n", body)
    (image,) = body_images(await (await client.get(location)).text())
    assert image["alt"] == "A cat" and image["width"] == "800" and image["loading"] == "lazy"


async def test_the_add_image_field_keeps_its_picture_when_the_form_has_errors(client):
    await register(client, "alice")
    token = await csrf_token(client, "/posts/new")
    form = FormData()
    for name, value in {**new_post_fields(title="", body=""), "inline_image_alt": "Kept", "csrf_token": token}.items():
        form.add_field(name, value)
    form.add_field("inline_image", make_image("PNG", (300, 300)), filename="kept.png", content_type="image/png")
    response = await client.post("/posts/new", data=form, allow_redirects=False)
    assert response.status == 400
    page = await response.text()
    assert list(field_errors(page)) == ["title"]  # the picture made the body non-empty
    values = form_values(page)
    assert re.fullmatch(rf"!\[Kept\]\(/images/{NAME}\)\n", values["body"])
    assert values["inline_image_alt"] == ""
    # A bad file is an error at that field, and the rest of the form stays.
    form = FormData()
    for name, value in {**new_post_fields(title="T", body="Mine"), "csrf_token": token}.items():
        form.add_field(name, value)
    form.add_field("inline_image", b"<svg/>", filename="x.svg", content_type="image/svg+xml")
    response = await client.post("/posts/new", data=form, allow_redirects=False)
    assert response.status == 400
    page = await response.text()
    assert "This file is not a JPEG, PNG, GIF or WebP image." in field_errors(page)["inline_image"]
    assert form_values(page)["body"] == "Mine"


async def test_pictures_from_other_sites_are_refused_at_the_body_field(client):
    await register(client, "alice")
    body = "Look: ![a cat](https://cats.example/cat.png)"
    response = await submit(client, "/posts/new", new_post_fields(title="Hotlinked", body=body))
    assert response.status == 400
    page = await response.text()
    errors = field_errors(page)
    assert list(errors) == ["body"]
    assert "Pictures from other sites are not shown here (https://cats.example/cat.png)" in errors["body"]
    assert form_values(page)["body"] == body
    # A link to the same picture is fine.
    location = await create_post(client, title="Linked", body="Look: [a cat](https://cats.example/cat.png)")
    assert body_images(await (await client.get(location)).text()) == []
    # The API says the same, in its own shape.
    token = await api_register(client, "apiuser")
    response = await client.post("/api/articles", headers=auth(token), json={"article": {
        "title": "Hot", "description": "d", "body": body}})
    assert response.status == 422
    assert "not shown here" in (await errors_of(response))["body"][0]


async def test_a_picture_of_ours_whose_file_is_gone_is_refused_at_the_body_field(client):
    await register(client, "alice")
    response = await submit(client, "/posts/new", new_post_fields(body=f"![gone](/images/{'e' * 64}.png)"))
    assert response.status == 400
    assert "is no longer on this site" in field_errors(await response.text())["body"]


async def test_the_header_image_has_its_own_description(client):
    await register(client, "alice")
    location = await create_post(client, title="Described", image_alt="A red kite over the hills",
                                 image=("kite.png", make_image("PNG", (600, 400)), "image/png"))
    page = await (await client.get(location)).text()
    assert re.search(r'<figure class="post-image"><img src="/images/[^"]+" alt="A red kite over the hills">', page)
    assert "Image for" not in page
    assert form_values(await (await client.get(location + "/edit")).text())["image_alt"] == "A red kite over the hills"
    bare = await create_post(client, title="Undescribed", image=("b.png", make_image("PNG"), "image/png"))
    assert re.search(r'<figure class="post-image"><img src="/images/[^"]+" alt="">',
                     await (await client.get(bare)).text())
    response = await edit_post(client, location, image_alt="x" * 301)
    assert response.status == 400
    assert "300 characters" in field_errors(await response.text())["image_alt"]


async def _age_uploads(store: Store) -> None:
    """Makes every upload look a month old, past the time an unsaved upload is kept."""
    await store.db.write("UPDATE image_sizes SET created_at = ?", (clock.ago(30 * 24 * 3600),))


async def test_the_cleanup_keeps_every_file_a_body_revision_or_header_names_and_removes_the_rest(client, config):
    await register(client, "alice")
    store, files = client.app[STORE], client.app[IMAGE_FILES]
    used = await (await upload(client, make_image("JPEG", (2000, 1000)), alt="Used")).json()
    dropped = await (await upload(client, make_image("PNG", (900, 900)), alt="Dropped later")).json()
    unused = await (await upload(client, make_image("WEBP", (1000, 500)))).json()
    location = await create_post(client, title="Pictures", body=f"{used['markdown']}\n\n{dropped['markdown']}",
                                 image=("header.png", make_image("PNG", (700, 500)), "image/png"))
    # The second picture leaves the text; an older revision still shows it, so it stays.
    assert (await edit_post(client, location, body=used["markdown"])).status == 303
    everything = stored(config)
    assert len(everything) == 3 + 3 + 3 + 2  # three sizes each, and the header's display copy and thumbnail
    # Before a writer had time to save, even an unused upload is kept.
    assert await files.remove_orphans(min_age=0) == []
    await _age_uploads(store)
    removed = await files.remove_orphans(min_age=0)
    assert len(removed) == 3 and all(unused["url"].split("/")[-1] != name for name in stored(config))
    assert stored(config) == everything - set(removed)
    for answer in (used, dropped):
        assert (await client.get(answer["url"])).status == 200
    # Once the post is gone for good, so are its pictures.
    token = await csrf_token(client, "/")
    await client.post(location + "/delete", data={"csrf_token": token})
    await client.post(f"/trash/{post_id(location)}/purge", data={"csrf_token": token})
    await files.remove_orphans(min_age=0)
    assert stored(config) == set()


@pytest.mark.sqlite_only("reads SQLite's query plans; PostgreSQL's are checked where lists are paged")
async def test_the_referenced_names_query_never_reads_a_post_body(client):
    plan = await client.app[STORE].db.fetchall(
        "EXPLAIN QUERY PLAN " + "SELECT image FROM posts WHERE image IS NOT NULL"
        " UNION SELECT thumbnail FROM posts WHERE thumbnail IS NOT NULL")
    assert all("COVERING INDEX" in row["detail"] for row in plan if "posts" in row["detail"])
    from blog.store.images import referenced_names_sql
    plan = await client.app[STORE].db.fetchall("EXPLAIN QUERY PLAN " + referenced_names_sql(), ("x",))
    details = [row["detail"] for row in plan]
    assert not any(re.fullmatch(r"SCAN posts", detail) for detail in details), details
    assert not any("revisions" in detail for detail in details), details


async def test_an_old_database_learns_the_pictures_its_bodies_and_revisions_already_name(tmp_path):
    old = tmp_path / "v7.sqlite3"
    in_body, in_revision = "a" * 64 + ".jpg", "b" * 64 + ".webp"
    with sqlite3.connect(old) as conn:
        for number, path in migrations():
            if number <= 7:
                conn.executescript(path.read_text())
        conn.execute("PRAGMA user_version = 7")
        conn.execute("INSERT INTO users (id, username, email, password_hash, role, created_at)"
                     " VALUES (1, 'old', 'old@example.com', 'x', 'admin', 'x')")
        conn.execute("INSERT INTO posts (id, author_id, slug, title, excerpt, body, body_html, status, created_at,"
                     " updated_at) VALUES (1, 1, 's', 'T', 'e', ?, 'h', 'published', 'x', 'x')",
                     (f"![x](/images/{in_body}) and /images/nothex{'z' * 60}.jpg",))
        conn.execute("INSERT INTO revisions (post_id, version, title, summary, body, tags, editor_id, created_at)"
                     " VALUES (1, 1, 'T', '', ?, '', 1, 'x')", (f"Once: /images/{in_revision}",))
    store = Store(old)
    await store.open()
    try:
        assert await store.images.referenced_names() == {in_body, in_revision}
    finally:
        await store.close()


@pytest.mark.parametrize("source", [
    '<img src="/images/{n}" srcset="https://evil.example/x.png 1w" onerror="alert(1)">',
    '![x](/images/{n} "t")',
])
def test_the_sanitizer_lets_through_only_what_we_write_for_our_own_images(source):
    from blog.content.markdown import _sanitize, render_markdown

    name = "c" * 64 + ".png"
    hostile = _sanitize(f'<img src="https://evil.example/a.png" srcset="/images/{name} 9w, https://e.x/y 1w"'
                        f' sizes="100vw" loading="eager" width="-1" height="9e9" alt="a">')
    assert hostile == '<img alt="a">'
    parser = _Images()
    parser.feed(render_markdown(source.format(n=name)))
    for image in parser.images:
        assert set(image) <= {"src", "alt", "title", "loading"} and image["src"] == f"/images/{name}"
