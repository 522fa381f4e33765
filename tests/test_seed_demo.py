"""`python -m blog seed-demo`: demo authors who can log in, and posts the app could have written itself."""

from __future__ import annotations

import os
import random
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from contextlib import closing
from pathlib import Path

import argon2
import pytest

from blog.content.markdown import render_markdown, summarize
from blog.demo.posts import DEMO_PASSWORD, BlockPool, PostWriter

ISO_FORMAT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$"


def seed_demo(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "blog", "seed-demo", *args, "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "BLOG_LOG_LEVEL": "WARNING"},
    )  # fmt: skip


def connect(data_dir: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(data_dir / "blog.sqlite3")
    conn.row_factory = sqlite3.Row
    return conn


def _iso_ok(text: str) -> bool:
    return re.fullmatch(ISO_FORMAT, text) is not None


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    data_dir = tmp_path_factory.mktemp("seed")
    return data_dir, seed_demo(data_dir, "--posts", "300", "--authors", "3")


def test_prints_the_demo_logins(seeded):
    _, result = seeded
    assert result.returncode == 0, result.stderr
    assert "demo-alice, demo-bob, demo-carol" in result.stdout
    assert f"password: {DEMO_PASSWORD}" in result.stdout
    assert "300/300" in result.stderr  # the progress bar reached the end


def test_demo_authors_can_log_in(seeded):
    data_dir, _ = seeded
    with closing(connect(data_dir)) as conn:
        users = conn.execute("SELECT username, email, role, password_hash FROM users ORDER BY id").fetchall()
    assert [(u["username"], u["email"], u["role"]) for u in users] == [
        ("demo-alice", "alice@demo.example.com", "admin"),
        ("demo-bob", "bob@demo.example.com", "author"),
        ("demo-carol", "carol@demo.example.com", "author"),
    ]
    hasher = argon2.PasswordHasher()
    for user in users:
        assert hasher.verify(user["password_hash"], DEMO_PASSWORD)
    with pytest.raises(argon2.exceptions.VerifyMismatchError):
        hasher.verify(users[0]["password_hash"], "not the demo password")


def test_posts_look_like_the_apps_own(seeded):
    data_dir, _ = seeded
    with closing(connect(data_dir)) as conn:
        posts = conn.execute("SELECT * FROM posts ORDER BY id").fetchall()
        tags = conn.execute("SELECT * FROM post_tags ORDER BY post_id, position").fetchall()
        revisions = conn.execute("SELECT * FROM revisions ORDER BY post_id").fetchall()
        author_ids = {row[0] for row in conn.execute("SELECT id FROM users")}
    assert len(posts) == 300
    assert len({post["slug"] for post in posts}) == 300
    statuses = Counter(post["status"] for post in posts)
    assert 0 < statuses["draft"] < 50 and statuses["published"] > 250
    assert {post["author_id"] for post in posts} == author_ids
    for post in posts:
        assert post["title"] and post["excerpt"] and post["body"].strip()
        assert post["slug"].endswith(f"-{post['id']}") and post["slug"] == post["slug"].lower()
        assert post["version"] == 1
        assert post["editor_id"] is None and post["edited_at"] is None and post["deleted_at"] is None
        assert post["image"] is None and post["thumbnail"] is None
        assert _iso_ok(post["created_at"]) and post["updated_at"] == post["created_at"]
        if post["status"] == "published":
            assert post["published_at"] == post["created_at"]
        else:
            assert post["published_at"] is None
        if post["summary"]:
            assert post["excerpt"] == post["summary"]
    assert any(post["summary"] for post in posts) and any(not post["summary"] for post in posts)
    bodies = "\n".join(post["body"] for post in posts)
    for markup in ("\n## ", "\n- ", "```python\n", "](https://"):
        assert markup in bodies

    by_post: dict[int, list[sqlite3.Row]] = {}
    for tag in tags:
        by_post.setdefault(tag["post_id"], []).append(tag)
    assert set(by_post) == {post["id"] for post in posts}
    for post in posts:
        post_tags = by_post[post["id"]]
        assert 1 <= len(post_tags) <= 4
        assert [tag["position"] for tag in post_tags] == list(range(len(post_tags)))
        assert {tag["listed_at"] for tag in post_tags} == {post["published_at"]}  # NULL exactly for drafts

    assert [revision["post_id"] for revision in revisions] == [post["id"] for post in posts]
    for post, revision in zip(posts, revisions):
        assert revision["version"] == 1 and revision["editor_id"] == post["author_id"]
        assert (revision["title"], revision["summary"], revision["body"]) == (post["title"], post["summary"], post["body"])
        assert revision["tags"] == ", ".join(tag["tag"] for tag in by_post[post["id"]])
        assert revision["created_at"] == post["created_at"]


def test_stored_html_and_excerpt_are_what_the_app_would_make(seeded):
    data_dir, _ = seeded
    with closing(connect(data_dir)) as conn:
        posts = conn.execute("SELECT body, body_html, summary, excerpt FROM posts").fetchall()
    for post in random.Random(7).sample(posts, 20):
        assert post["body_html"] == render_markdown(post["body"])
        if not post["summary"]:
            assert post["excerpt"] == summarize(post["body"])


def test_assembled_bodies_render_the_same_as_their_blocks():
    """The shortcut behind fast seeding: joined blocks render to the joined blocks' HTML."""
    rng = random.Random(3)
    writer = PostWriter(rng, [1, 2], BlockPool(rng))
    for _ in range(200):
        blocks = writer._body(rng.randrange(len(writer.pool.by_topic)))
        body = "\n\n".join(writer.pool.sources[block] for block in blocks)
        assert render_markdown(body) == "".join(writer.pool.html[block] for block in blocks)
        assert writer._excerpt(blocks) == summarize(body)


def test_running_again_adds_posts_and_reuses_the_authors(tmp_path):
    first = seed_demo(tmp_path, "--posts", "300")
    assert first.returncode == 0, first.stderr
    second = seed_demo(tmp_path, "--posts", "300")
    assert second.returncode == 0, second.stderr
    assert "demo-alice, demo-bob, demo-carol, demo-dave, demo-erin" in second.stdout
    with closing(connect(tmp_path)) as conn:
        assert tuple(conn.execute("SELECT count(*), count(DISTINCT slug) FROM posts").fetchone()) == (600, 600)
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 5
        assert conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == 600


def test_refuses_nonsense_counts(tmp_path):
    result = seed_demo(tmp_path, "--posts", "-1")
    assert result.returncode == 2 and "--posts" in result.stderr


def test_an_email_taken_by_someone_else_is_an_error_not_a_traceback(tmp_path):
    assert seed_demo(tmp_path, "--posts", "0", "--authors", "1").returncode == 0
    with closing(connect(tmp_path)) as conn, conn:
        conn.execute("UPDATE users SET username = 'alice' WHERE username = 'demo-alice'")
    result = seed_demo(tmp_path, "--posts", "10", "--authors", "1")
    assert result.returncode == 1
    assert "alice@demo.example.com belongs to an account that is not a demo author" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.postgresql_only("seed-demo into a PostgreSQL database")
async def test_seed_demo_fills_a_postgresql_blog_that_search_and_lists_read(tmp_path, database_url):
    from blog.store import Store

    result = subprocess.run(
        [sys.executable, "-m", "blog", "seed-demo", "--posts", "30", "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "BLOG_LOG_LEVEL": "WARNING", "BLOG_DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    store = Store(database_url)
    await store.open()
    try:
        assert await store.db.fetchvalue("SELECT count(*) FROM posts") == 30
        tagged = await store.db.fetchvalue("SELECT count(*) FROM posts WHERE id NOT IN (SELECT post_id FROM post_tags)")
        assert tagged == 0
        title = await store.db.fetchvalue("SELECT title FROM posts WHERE status = 'published' ORDER BY id LIMIT 1")
        found = await store.search.posts(title.split()[0])
        assert found.hits, title
    finally:
        await store.close()
