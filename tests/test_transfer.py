"""export, import (our own export and a WordPress export made here), backup and restore, run
as a person runs them: the real command on a real data folder, then the blog that serves it."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from aiohttp import ClientSession

from blog.config import Config
from blog.keys import STORE

from .conftest import STRONG_PASSWORD, login, post_form, register
from .posts_helpers import create_post, form_values, listed_titles, make_image, submit
from .test_inline_images import body_images, upload

WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Old Kitchen Blog</title>
  <link>https://old.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://old.example</wp:base_site_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[jane]]></wp:author_login>
    <wp:author_email><![CDATA[jane@old.example]]></wp:author_email>
    <wp:author_display_name><![CDATA[Jane Cook]]></wp:author_display_name></wp:author>
  <wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[mo]]></wp:author_login>
    <wp:author_email><![CDATA[mo@old.example]]></wp:author_email></wp:author>
  <item>
    <title>Bread &amp; butter</title>
    <pubDate>Mon, 01 May 2023 09:30:00 +0000</pubDate>
    <dc:creator><![CDATA[jane]]></dc:creator>
    <content:encoded><![CDATA[<!-- wp:paragraph -->First paragraph with <strong>bold</strong> and a <a href="https://example.org/flour">link</a>.

Second paragraph
on two lines.
<!-- /wp:paragraph -->

<h2>Ingredients</h2>
<ul><li>Flour</li><li>Water</li></ul>

<img src="https://old.example/wp-content/uploads/bread.jpg" alt="A loaf" />

<script>alert("no")</script>]]></content:encoded>
    <excerpt:encoded><![CDATA[How we bake.]]></excerpt:encoded>
    <wp:post_id>11</wp:post_id>
    <wp:post_date><![CDATA[2023-05-01 11:30:00]]></wp:post_date>
    <wp:post_date_gmt><![CDATA[2023-05-01 09:30:00]]></wp:post_date_gmt>
    <wp:post_modified_gmt><![CDATA[2023-05-02 08:00:00]]></wp:post_modified_gmt>
    <wp:post_name><![CDATA[bread-and-butter]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <category domain="category" nicename="baking"><![CDATA[Baking]]></category>
    <category domain="category" nicename="uncategorized"><![CDATA[Uncategorized]]></category>
    <category domain="post_tag" nicename="sourdough"><![CDATA[Sourdough]]></category>
    <wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_author><![CDATA[Bob Reader]]></wp:comment_author>
      <wp:comment_author_email><![CDATA[bob@readers.example]]></wp:comment_author_email>
      <wp:comment_date_gmt><![CDATA[2023-05-03 10:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Lovely <em>crust</em>!]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type>
      <wp:comment_user_id>0</wp:comment_user_id></wp:comment>
    <wp:comment><wp:comment_id>6</wp:comment_id><wp:comment_author><![CDATA[Jane Cook]]></wp:comment_author>
      <wp:comment_author_email><![CDATA[jane@old.example]]></wp:comment_author_email>
      <wp:comment_date_gmt><![CDATA[2023-05-03 11:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Thank you, Bob.]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type>
      <wp:comment_user_id>1</wp:comment_user_id></wp:comment>
    <wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_author><![CDATA[Spammer]]></wp:comment_author>
      <wp:comment_author_email><![CDATA[spam@spam.example]]></wp:comment_author_email>
      <wp:comment_date_gmt><![CDATA[2023-05-03 12:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Buy now]]></wp:comment_content>
      <wp:comment_approved><![CDATA[spam]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type>
      <wp:comment_user_id>0</wp:comment_user_id></wp:comment>
  </item>
  <item>
    <title>Unfinished thoughts</title>
    <dc:creator><![CDATA[mo]]></dc:creator>
    <content:encoded><![CDATA[<p>Not ready.</p>]]></content:encoded>
    <wp:post_id>12</wp:post_id>
    <wp:post_date><![CDATA[2023-06-01 10:00:00]]></wp:post_date>
    <wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[]]></wp:post_name>
    <wp:status><![CDATA[draft]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <category domain="post_tag" nicename="ideas"><![CDATA[Ideas]]></category>
  </item>
  <item>
    <title>About us</title>
    <dc:creator><![CDATA[jane]]></dc:creator>
    <content:encoded><![CDATA[<p>We cook.</p>]]></content:encoded>
    <wp:post_id>2</wp:post_id>
    <wp:post_date_gmt><![CDATA[2023-01-01 00:00:00]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[about]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[page]]></wp:post_type>
  </item>
  <item>
    <title>bread.jpg</title>
    <wp:post_id>13</wp:post_id>
    <wp:status><![CDATA[inherit]]></wp:status>
    <wp:post_type><![CDATA[attachment]]></wp:post_type>
  </item>
  <item>
    <title>Thrown away</title>
    <dc:creator><![CDATA[jane]]></dc:creator>
    <content:encoded><![CDATA[<p>Gone.</p>]]></content:encoded>
    <wp:post_id>14</wp:post_id>
    <wp:post_date_gmt><![CDATA[2023-02-01 00:00:00]]></wp:post_date_gmt>
    <wp:status><![CDATA[trash]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
  </item>
</channel>
</rss>
"""


def blog(*args: str, data_dir: Path, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOG_")}
    if database_url:
        env["BLOG_DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-m", "blog", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=120, env=env)


def rows(path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def counts(path: Path) -> dict[str, int]:
    return {table: rows(path, f"SELECT count(*) FROM {table}")[0][0]
            for table in ("users", "posts", "post_tags", "revisions", "comments", "image_sizes", "image_refs")}


async def test_a_wordpress_export_is_imported_once_whole(make_client, tmp_path):
    data = tmp_path / "data"
    wxr = tmp_path / "kitchen.xml"
    wxr.write_text(WXR)
    result = blog("import", str(wxr), data_dir=data)
    assert result.returncode == 0, result.stderr
    assert "imported the WordPress export of Old Kitchen Blog" in result.stdout
    assert "3 new posts (0 already here), 2 new comments (0 already here), 3 new accounts" in result.stdout
    assert "1 pictures from other sites are shown as links" in result.stdout
    assert "skipped 1 comments that were not approved" in result.stdout
    assert "skipped 1 posts with the status “trash”" in result.stdout
    assert "skipped 1 items of type “attachment”" in result.stdout
    assert "import" in result.stderr and "post" in result.stderr  # the progress bars
    before = counts(data / "blog.sqlite3")

    client = await make_client(Config(data_dir=data, secret_key=Config().secret_key))
    home = await (await client.get("/")).text()
    assert listed_titles(home) == ["Bread & butter"]  # the draft and the page are not listed
    page = await (await client.get("/posts/1/bread-and-butter")).text()
    assert "<p>First paragraph with <strong>bold</strong> and a" in page
    assert '<a href="https://example.org/flour" rel="nofollow noopener">link</a>' in page
    assert "<p>Second paragraph<br>\non two lines.</p>" in page
    assert "<h2>Ingredients</h2>" in page and "<li>Flour</li>" in page
    assert body_images(page) == []  # the picture on the old site is a link to it, not a broken image
    assert '<a href="https://old.example/wp-content/uploads/bread.jpg" rel="nofollow noopener">A loaf</a>' in page
    assert "alert" not in page and "wp:paragraph" not in page
    assert re.findall(r'<a href="/tags/([^"]+)">', page) == ["baking", "sourdough"]
    assert "by <a href=\"/authors/jane\">jane</a>" in page
    assert 'datetime="2023-05-01T09:30:00.000000Z"' in page
    assert "Lovely <em>crust</em>!" in page and "Bob-Reader" in page and "Buy now" not in page
    draft = rows(data / "blog.sqlite3", "SELECT status, slug, author_id FROM posts WHERE title = 'Unfinished thoughts'")
    assert draft[0][:2] == ("draft", "unfinished-thoughts")
    assert rows(data / "blog.sqlite3", "SELECT kind, slug FROM posts WHERE title = 'About us'") == [("page", "about")]
    assert rows(data / "blog.sqlite3", "SELECT summary FROM posts WHERE id = 1") == [("How we bake.",)]
    # Authors and commenters are accounts that nobody can log into until they set a password.
    for name in ("jane", "mo", "Bob-Reader"):
        response = await login(client, name, "")
        assert response.status == 400 or "/login" in response.headers.get("Location", "/login")
        assert "nav-username" not in await response.text()
    await client.close()

    again = blog("import", str(wxr), data_dir=data)
    assert again.returncode == 0, again.stderr
    assert "0 new posts (3 already here), 0 new comments (2 already here), 0 new accounts" in again.stdout
    assert counts(data / "blog.sqlite3") == before


ENTITY_BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rss><channel><title>&lol2;</title></channel></rss>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&secret;</title></channel></rss>"""


def test_a_bad_file_gives_a_clear_error_and_imports_nothing(tmp_path):
    data = tmp_path / "data"
    cases = {
        "broken.xml": (WXR[: len(WXR) // 2], "This is not a well-formed XML file"),
        "bomb.xml": (ENTITY_BOMB, "declares entities or a DTD, which we refuse to read"),
        "external.xml": (EXTERNAL, "declares entities or a DTD"),
        "feed.xml": ("<?xml version='1.0'?><rss><channel><title>Just RSS</title></channel></rss>",
                     "is not a WordPress export (WXR)"),
        "notes.txt": ("Dear diary,", "is neither an export of this blog (a .zip) nor a WordPress export"),
        "empty.zip": (None, "The export has no blog-export.yaml"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        if content is None:
            with zipfile.ZipFile(path, "w") as bundle:
                bundle.writestr("hello.txt", "hi")
        else:
            path.write_text(content)
        result = blog("import", str(path), data_dir=data)
        assert result.returncode == 1, (name, result.stdout, result.stderr)
        assert message in result.stderr, (name, result.stderr)
        assert "Traceback" not in result.stderr
    missing = blog("import", str(tmp_path / "nowhere.xml"), data_dir=data)
    assert missing.returncode == 1 and "There is no file at" in missing.stderr
    assert not (data / "blog.sqlite3").exists() or counts(data / "blog.sqlite3")["posts"] == 0


async def _a_blog_with_everything(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    await register(client, "alice")
    picture = await (await upload(client, make_image("JPEG", (1800, 900)), alt="A field")).json()
    pictured = await create_post(client, title="Pictured", tags="nature, photos", summary="A summary",
                                 body=f"Look:\n\n{picture['markdown']}\n", image_alt="The header",
                                 image=("h.png", make_image("PNG", (640, 400)), "image/png"))
    await post_form(client, pictured + "/comments", {"body": "First *comment*"}, form_page=pictured)
    plain = await create_post(client, title="Plain words", body="Just **text**.")
    await create_post(client, title="Not yet", status="draft")
    return {"pictured": pictured, "plain": plain}


async def test_export_writes_readable_files_and_imports_into_another_blog_the_same(make_client, config, tmp_path):
    client = await make_client(config)
    posts = await _a_blog_with_everything(client)
    out = tmp_path / "out" / "blog-export.zip"
    result = blog("export", "--out", str(out), data_dir=config.data_dir, database_url=config.database_url)
    assert result.returncode == 0, result.stderr
    assert "exported 3 posts, 1 comments, 1 authors and 5 image files" in result.stdout
    with zipfile.ZipFile(out) as bundle:
        names = set(bundle.namelist())
        manifest = yaml.safe_load(bundle.read("blog-export.yaml"))
        assert (manifest["format"], manifest["posts"], manifest["comments"]) == ("blog-export", 3, 1)
        authors = bundle.read("authors.yaml").decode()
        assert "alice@example.com" in authors and "password" not in authors and "argon2" not in authors
        text = bundle.read("posts/pictured.md").decode()
        head, body = text[4:].split("\n---\n", 1)
        meta = yaml.safe_load(head)
        assert (meta["title"], meta["author"], meta["status"], meta["tags"], meta["summary"]) == (
            "Pictured", "alice", "published", ["nature", "photos"], "A summary")
        assert meta["image_alt"] == "The header" and meta["published_at"].endswith("Z")
        assert body.startswith("Look:\n\n![A field](/images/")
        assert yaml.safe_load(bundle.read("comments/pictured.yaml"))[0]["body"] == "First *comment*"
        assert "posts/not-yet.md" in names and len([n for n in names if n.startswith("images/")]) == 5
    original = await (await client.get(posts["pictured"])).text()

    # Into a blog on SQLite, whichever engine it came from.
    elsewhere = dataclasses.replace(config, data_dir=tmp_path / "elsewhere", database_url=None)
    result = blog("import", str(out), data_dir=elsewhere.data_dir)
    assert result.returncode == 0, result.stderr
    assert "3 new posts (0 already here), 1 new comments (0 already here), 1 new accounts" in result.stdout
    other = await make_client(elsewhere)
    copy = await (await other.get(posts["pictured"])).text()
    assert body_images(copy) == body_images(original)  # the same files, srcset and sizes
    assert re.search(r'<figure class="post-image"><img src="/images/[^"]+" alt="The header">', copy)
    for image in body_images(copy):
        assert (await other.get(image["src"])).status == 200
    assert "First <em>comment</em>" in copy
    assert listed_titles(await (await other.get("/")).text()) == listed_titles(await (await client.get("/")).text())
    # Brought back into the blog it came from, it changes nothing.
    again = blog("import", str(out), data_dir=config.data_dir, database_url=config.database_url)
    assert "0 new posts (3 already here), 0 new comments (1 already here), 0 new accounts" in again.stdout


def test_an_export_whose_image_was_tampered_with_imports_nothing(tmp_path):
    out = tmp_path / "x.zip"
    name = "a" * 64 + ".png"
    with zipfile.ZipFile(out, "w") as bundle:
        bundle.writestr("blog-export.yaml", "format: blog-export\nversion: 1\n")
        bundle.writestr("authors.yaml", "[]\n")
        bundle.writestr(f"images/{name}", make_image("PNG"))
        bundle.writestr("posts/x.md", "---\ntitle: X\nslug: x\nauthor: eve\nstatus: published\n"
                                      "created_at: 2024-01-01T00:00:00Z\n---\nHi\n")
    result = blog("import", str(out), data_dir=tmp_path / "data")
    assert result.returncode == 1 and "does not hold the bytes its name promises" in result.stderr


@pytest.mark.sqlite_only("copies the SQLite file; PostgreSQL has pg_dump")
async def test_a_backup_taken_while_the_blog_writes_restores_to_the_same_blog(make_client, config, tmp_path):
    client = await make_client(config)
    posts = await _a_blog_with_everything(client)
    store = client.app[STORE]
    stop = asyncio.Event()
    written = 0

    async def keep_writing() -> None:
        nonlocal written
        while not stop.is_set():
            location = await create_post(client, title=f"Written during the backup {written}", tags="busy")
            await post_form(client, location + "/comments", {"body": f"Comment {written}"}, form_page=location)
            written += 1

    writer = asyncio.create_task(keep_writing())
    while written < 3:  # the backup starts while posts are being written
        await asyncio.sleep(0.05)
    out = tmp_path / "backups" / "blog.backup"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "blog", "backup", "--out", str(out), "--data-dir", str(config.data_dir),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await process.communicate()
    stop.set()
    await writer
    assert process.returncode == 0, stderr.decode()
    assert "backed up" in stdout.decode() and written > 3
    assert (out.stat().st_mode & 0o777) == 0o600

    restored_dir = tmp_path / "restored"
    result = blog("restore", str(out), data_dir=restored_dir)
    assert result.returncode == 0, result.stderr
    database = restored_dir / "blog.sqlite3"
    assert rows(database, "PRAGMA integrity_check") == [("ok",)]
    # The copy is the blog of one moment: every post in it whole (its revision, tags and
    # comment), and the same as the live blog for every post it has.
    last = rows(database, "SELECT max(id) FROM posts")[0][0]
    live = config.database_path
    for table in ("posts", "revisions", "comments"):  # the copy is the live blog up to some moment
        newest = rows(database, f"SELECT max(id) FROM {table}")[0][0]
        query = f"SELECT count(*), group_concat(id) FROM {table} WHERE id <= {newest}"
        assert rows(database, query) == rows(live, query), table
    query = f"SELECT count(*) FROM post_tags WHERE post_id <= {last}"
    assert rows(database, query) == rows(live, query)
    assert rows(database, "SELECT count(*) FROM posts WHERE id NOT IN (SELECT post_id FROM revisions)") == [(0,)]
    assert rows(database, "SELECT count(*) FROM users") == rows(live, "SELECT count(*) FROM users")
    assert (restored_dir / "secret_key").exists() or config.secret_key
    restored = await make_client(dataclasses.replace(config, data_dir=restored_dir))
    async with ClientSession(base_url=str(client.make_url("/"))) as reader:  # anonymous, as the restored one's
        async def page(browser, server, path: str) -> str:  # type: ignore[no-untyped-def]
            """The page with the server's own address (in canonical links) taken out."""
            return (await (await browser.get(path)).text()).replace(str(server.make_url("/")).rstrip("/"), "")

        for number in range(1, last):  # the newest may have lost its comment to the moment; the rest are whole
            post = await store.posts.by_id(number)
            path = f"/posts/{post.id}/{post.slug}"
            assert await page(restored, restored, path) == await page(reader, client, path), path
        assert await page(restored, restored, "/tags/nature") == await page(reader, client, "/tags/nature")
    for image in body_images(await (await restored.get(posts["pictured"])).text()):
        assert (await restored.get(image["src"])).status == 200
    # The restored blog works: its people log in and write.
    other = await make_client(dataclasses.replace(config, data_dir=restored_dir))
    assert (await login(other, "alice", STRONG_PASSWORD)).status == 303
    assert (await submit(other, "/posts/new", {"title": "After the restore", "body": "b", "summary": "",
                                                "tags": "", "status": "published"})).status == 303
    assert form_values(await (await other.get("/posts/new")).text())["status"] == "published"


def test_restore_refuses_a_folder_in_use_and_a_file_that_is_not_a_backup(tmp_path):
    used = tmp_path / "used"
    used.mkdir()
    (used / "blog.sqlite3").write_text("x")
    nothing = tmp_path / "nothing.backup"
    nothing.write_text("not a zip")
    result = blog("restore", str(nothing), data_dir=used)
    assert result.returncode == 1 and "already holds files" in result.stderr
    result = blog("restore", str(nothing), data_dir=tmp_path / "new")
    assert result.returncode == 1 and "is not a backup we can read" in result.stderr
    sneaky = tmp_path / "sneaky.backup"
    with zipfile.ZipFile(sneaky, "w") as bundle:
        bundle.writestr("backup.yaml", "format: blog-backup\nversion: 1\n")
        bundle.writestr("blog.sqlite3", "")
        bundle.writestr("../../escape.txt", "x")
    result = blog("restore", str(sneaky), data_dir=tmp_path / "new")
    assert result.returncode == 1 and "a file we do not know" in result.stderr
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "new").exists()


@pytest.mark.postgresql_only("what backup says on PostgreSQL")
def test_backup_and_restore_on_postgresql_point_at_pg_dump(tmp_path, database_url):
    for command in (["backup", "--out", str(tmp_path / "b.zip")], ["restore", str(tmp_path / "b.zip")]):
        result = blog(*command, data_dir=tmp_path / "data", database_url=database_url)
        assert result.returncode == 2
        assert "pg_dump" in result.stderr and "Traceback" not in result.stderr
