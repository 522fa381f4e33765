"""The admin's commands for accounts and posts: reset-password, delete-user, render-posts,
and set-role's last-admin rule, run as a person would run them."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

import pytest
from cryptography.fernet import Fernet

from blog.config import Config

from .conftest import STRONG_PASSWORD, login, post_form, register
from .posts_helpers import create_post
from .test_cli import blog

NEW_PASSWORD = "an entirely new horse battery"


@pytest.fixture
def config(tmp_path) -> Config:  # type: ignore[no-untyped-def]
    """The app and the commands share one data folder."""
    return Config(data_dir=tmp_path, secret_key=Fernet.generate_key().decode())


async def test_reset_password_from_stdin_ends_sessions_and_the_new_password_works(client, tmp_path, other_browser):
    await register(client, "alice")
    refused = blog("reset-password", "alice", "--password-stdin", data_dir=tmp_path, stdin="password\n")
    assert refused.returncode == 2 and "most common" in refused.stderr
    result = blog("reset-password", "alice", "--password-stdin", data_dir=tmp_path, stdin=NEW_PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "the password of alice is set" in result.stdout
    assert (await client.get("/account", allow_redirects=False)).status == 303  # its session ended
    assert (await login(client, "alice", STRONG_PASSWORD)).status == 400
    assert (await login(client, "alice", NEW_PASSWORD)).status == 303
    missing = blog("reset-password", "nobody", "--password-stdin", data_dir=tmp_path, stdin=NEW_PASSWORD + "\n")
    assert missing.returncode == 1 and "no user" in missing.stderr


async def test_reset_password_link_opens_the_new_password_form(client, tmp_path, other_browser):
    await register(client, "alice")
    result = blog("reset-password", "alice", "--link", data_dir=tmp_path,
                  env={"BLOG_BASE_URL": "https://blog.example.com"})
    assert result.returncode == 0, result.stderr
    link = result.stdout.strip()
    assert link.startswith("https://blog.example.com/password-reset/")
    visitor = other_browser()
    path = urlsplit(link).path
    assert "Choose a new password" in await (await visitor.get(path)).text()
    saved = await post_form(visitor, path, {"password": NEW_PASSWORD})
    assert saved.status == 303


async def test_delete_user_moves_posts_to_the_trash_or_to_another_author(client, tmp_path, other_browser):
    await register(client, "root")
    alice, bob = other_browser(), other_browser()
    await register(alice, "alice")
    await register(bob, "bob")
    post = await create_post(alice, title="Alice writes")
    await create_post(bob, title="Bob writes")

    given = blog("delete-user", "alice", "--posts-to", "root", data_dir=tmp_path)
    assert given.returncode == 0, given.stderr
    assert "posts given to root" in given.stdout
    assert (await alice.get("/account", allow_redirects=False)).status == 303
    assert "by <a href=\"/authors/root\">root</a>" in await (await client.get(post)).text()

    trashed = blog("delete-user", "bob", "--trash-posts", data_dir=tmp_path)
    assert trashed.returncode == 0, trashed.stderr
    home = await (await client.get("/")).text()
    assert "Bob writes" not in home and "Alice writes" in home
    assert "Bob writes" in await (await client.get("/trash")).text()

    last = blog("delete-user", "root", "--trash-posts", data_dir=tmp_path)
    assert last.returncode == 1 and "last admin" in last.stderr
    unknown = blog("delete-user", "alice", "--trash-posts", data_dir=tmp_path)
    assert unknown.returncode == 1 and "no user" in unknown.stderr
    assert blog("delete-user", "root", data_dir=tmp_path).returncode == 2  # what happens to the posts must be said


def test_set_role_keeps_the_last_admin(tmp_path):
    for name, role in (("boss", "admin"), ("writer", "author")):
        created = blog("create-user", name, "--email", f"{name}@example.com", "--role", role, "--password-stdin",
                       data_dir=tmp_path, stdin=STRONG_PASSWORD + "\n")
        assert created.returncode == 0, created.stderr
    refused = blog("set-role", "boss", "author", data_dir=tmp_path)
    assert refused.returncode == 1 and "last admin" in refused.stderr
    assert blog("set-role", "writer", "admin", data_dir=tmp_path).returncode == 0
    assert blog("set-role", "boss", "author", data_dir=tmp_path).stdout.strip() == "boss is now author"


async def test_render_posts_highlights_the_code_of_posts_saved_before_highlighting(client, tmp_path):
    await register(client, "alice")
    post = await create_post(client, title="Old code", body="```python\nimport os\n```\n")
    with sqlite3.connect(tmp_path / "blog.sqlite3") as conn:  # as a post saved by an older version was
        conn.execute("UPDATE posts SET body_html = '<pre><code class=\"language-python\">import os\n</code></pre>'")
    assert 'class="tok-kn"' not in await (await client.get(post)).text()
    result = blog("render-posts", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "rendered 1 posts and pages again" in result.stdout
    assert '<span class="tok-kn">import</span>' in await (await client.get(post)).text()
