"""`copy-to`: an SQLite blog moved into PostgreSQL, with its readers still logged in."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys

import pytest

from blog.app import create_app
from blog.config import Config
from blog.store import Store

from .conftest import login, post_form, register
from .posts_helpers import create_post, make_image

pytestmark = pytest.mark.postgresql_only("copies into a PostgreSQL database")


def blog(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOG_")}
    return subprocess.run([sys.executable, "-m", "blog", *args], capture_output=True, text=True, timeout=300, env=env)


async def test_copy_to_moves_everything_and_keeps_sessions(aiohttp_client, tmp_path, database_url):
    data_dir = tmp_path / "sqlite-blog"
    assert blog("seed-demo", "--posts", "120", "--data-dir", str(data_dir)).returncode == 0
    sqlite_config = Config(data_dir=data_dir)  # its key: the file seed-demo's data folder gets on first serve
    old = await aiohttp_client(create_app(sqlite_config))
    await register(old, "alice")
    response = await post_form(old, "/posts/new", {"title": "Moved along", "body": "Still here.", "summary": "",
                                                   "tags": "moving", "status": "published"}, form_page="/posts/new")
    post = response.headers["Location"]
    await post_form(old, post + "/comments", {"body": "A comment that moves too"}, form_page=post)
    await post_form(old, post + "/favorite", {}, form_page=post)
    pictured = await create_post(old, title="With a picture", image=("p.png", make_image("PNG"), "image/png"))
    picture = re.search(r'src="(/images/[0-9a-f]{64}\.png)"', await (await old.get(pictured)).text()).group(1)
    cookies = {cookie.key: cookie.value for cookie in old.session.cookie_jar}
    await old.close()
    before = Store(sqlite_config.database_path)
    await before.open()
    tables = ["users", "posts", "post_tags", "revisions", "comments", "favorites", "sessions",
              "tag_counts", "author_counts", "month_counts"]
    tag_counts = await before.db.fetchall("SELECT tag, posts FROM tag_counts ORDER BY tag")
    counts = {table: await before.db.fetchvalue(f"SELECT COUNT(*) FROM {table}") for table in tables}
    await before.close()

    result = blog("copy-to", database_url, "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    assert "every count matches" in result.stdout

    after = Store(database_url)
    await after.open()
    try:
        for table in tables:
            assert await after.db.fetchvalue(f"SELECT COUNT(*) FROM {table}") == counts[table], table
        # Counted once, as the source had them (not again by the target's triggers) ...
        assert [tuple(row) for row in await after.db.fetchall("SELECT tag, posts FROM tag_counts ORDER BY tag")] \
            == [tuple(row) for row in tag_counts]
        # ... and every public post findable.
        assert [hit.title for hit in (await after.search.posts("Moved along")).hits] == ["Moved along"]
    finally:
        await after.close()

    # The same readers, the same cookies, now served from PostgreSQL (no BLOG_SECRET_KEY needed).
    moved = await aiohttp_client(create_app(dataclasses.replace(sqlite_config, database_url=database_url,
                                                                data_dir=tmp_path / "new-server")))
    moved.session.cookie_jar.update_cookies(cookies)
    page = await (await moved.get(post)).text()
    assert "Moved along" in page and "A comment that moves too" in page and "1 favorite" in page
    assert "alice" in await (await moved.get("/account")).text()
    # A server with an empty data folder serves the pictures: they moved into the database.
    assert "With a picture" in await (await moved.get(pictured)).text()
    image = await moved.get(picture)
    assert image.status == 200 and image.content_type == "image/png"
    # New rows continue after the copied ids.
    response = await post_form(moved, "/posts/new", {"title": "Written after the move", "body": "New.",
                                                     "summary": "", "tags": "", "status": "published"},
                               form_page="/posts/new")
    assert response.status == 303
    assert int(response.headers["Location"].split("/")[2]) > int(post.split("/")[2])
    await moved.close()

    again = blog("copy-to", database_url, "--data-dir", str(data_dir))
    assert again.returncode == 1 and "only fills an empty one" in again.stderr


def test_copy_to_refuses_what_it_cannot_do(tmp_path):
    missing = blog("copy-to", "postgresql://nobody@127.0.0.1:1/none", "--data-dir", str(tmp_path / "nothing"))
    assert missing.returncode == 2 and "there is no blog" in missing.stderr
    wrong = blog("copy-to", "mysql://x", "--data-dir", str(tmp_path))
    assert wrong.returncode == 2 and "postgresql://" in wrong.stderr


async def test_login_still_works_after_the_copy(aiohttp_client, tmp_path, database_url):
    data_dir = tmp_path / "blog"
    result = subprocess.run([sys.executable, "-m", "blog", "create-user", "carol", "--email", "c@example.com",
                             "--password-stdin", "--data-dir", str(data_dir)],
                            input="correct horse battery staple\n", capture_output=True, text=True, timeout=60,
                            env={k: v for k, v in os.environ.items() if not k.startswith("BLOG_")})
    assert result.returncode == 0, result.stderr
    assert blog("copy-to", database_url, "--data-dir", str(data_dir)).returncode == 0
    client = await aiohttp_client(create_app(Config(data_dir=tmp_path / "server", database_url=database_url)))
    response = await login(client, "carol")
    assert response.status == 303
