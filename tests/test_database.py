"""The database file: PRAGMAs, the schema, and upgrades of old databases."""

from __future__ import annotations

import sqlite3

import pytest

from blog.store import Store
from blog.store.db import latest_version, migrations, schema_path
from blog.store.sqlite import SqliteDatabase as Database


def schema_of(path) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The schema as SQLite understands it: columns, keys and indexes (ALTER TABLE rewrites
    a table's stored SQL text, so the text itself cannot be compared)."""
    with sqlite3.connect(path) as conn:
        shape: dict[str, object] = {}
        for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"):
            if kind == "table":
                shape[name] = (
                    conn.execute(f"PRAGMA table_xinfo({name})").fetchall(),
                    conn.execute(f"PRAGMA foreign_key_list({name})").fetchall(),
                    " ".join(sql.split()).split("(", 1)[1].count("CHECK"),
                )
            else:
                shape[name] = " ".join(sql.split())
    return shape


async def test_new_database_is_created_from_schema_sql_at_the_latest_version(tmp_path):
    store = Store(tmp_path / "blog.sqlite3")
    await store.open()
    try:
        assert await store.db.fetchvalue("PRAGMA user_version") == latest_version()
        assert await store.db.fetchvalue("PRAGMA journal_mode") == "wal"
        assert await store.db.fetchvalue("PRAGMA foreign_keys") == 1
        assert await store.db.fetchvalue("PRAGMA busy_timeout") == 5000
    finally:
        await store.close()


async def test_an_old_database_upgrades_itself_and_keeps_its_data(tmp_path):
    old = tmp_path / "old.sqlite3"
    first_number, first_migration = migrations()[0]
    with sqlite3.connect(old) as conn:
        conn.executescript(first_migration.read_text())
        conn.execute(f"PRAGMA user_version = {first_number}")
        conn.execute("INSERT INTO users (username, email, password_hash, role, created_at)"
                     " VALUES ('olduser', 'old@example.com', 'x', 'admin', '2025-01-01T00:00:00.000000Z')")
    store = Store(old)
    await store.open()
    try:
        assert await store.db.fetchvalue("PRAGMA user_version") == latest_version()
        assert (await store.users.by_username("olduser")) is not None
    finally:
        await store.close()
    fresh = tmp_path / "fresh.sqlite3"
    store = Store(fresh)
    await store.open()
    await store.close()
    assert schema_of(old) == schema_of(fresh), "migrations and schema.sql disagree"


async def test_failed_write_transaction_rolls_back(tmp_path):
    db = Database(tmp_path / "blog.sqlite3")
    await db.open()
    try:
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as tx:
                await tx.insert("INSERT INTO users (username, email, password_hash, role, created_at)"
                                " VALUES ('a', 'a@example.com', 'x', 'author', 'now')")
                await tx.insert("INSERT INTO users (username, email, password_hash, role, created_at)"
                                " VALUES ('A', 'b@example.com', 'x', 'author', 'now')")
        assert await db.fetchvalue("SELECT COUNT(*) FROM users") == 0
        async with db.transaction() as tx:  # the writer is usable again
            await tx.insert("INSERT INTO users (username, email, password_hash, role, created_at)"
                            " VALUES ('a', 'a@example.com', 'x', 'author', 'now')")
        assert await db.fetchvalue("SELECT COUNT(*) FROM users") == 1
    finally:
        await db.close()


def test_schema_sql_is_the_root_file():
    assert schema_path().name == "schema.sql"


async def test_rebuilding_the_posts_table_keeps_everything_that_refers_to_posts(tmp_path):
    """Migration 7 rebuilds posts; with foreign keys on, dropping the old table would cascade."""
    old = tmp_path / "v6.sqlite3"
    with sqlite3.connect(old) as conn:
        for number, path in migrations():
            if number <= 6:
                conn.executescript(path.read_text())
        conn.execute("PRAGMA user_version = 6")
        conn.execute("INSERT INTO users (id, username, email, password_hash, role, created_at)"
                     " VALUES (1, 'olduser', 'old@example.com', 'x', 'admin', '2025-01-01T00:00:00.000000Z')")
        conn.execute("INSERT INTO posts (id, author_id, slug, title, excerpt, body, body_html, status, created_at,"
                     " updated_at, published_at) VALUES (1, 1, 'hello', 'Hello', 'Hi', 'Hi', '<p>Hi</p>', 'published',"
                     " '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z')")
        conn.execute("INSERT INTO post_tags VALUES (1, 'news', 0, '2025-01-01T00:00:00.000000Z')")
        conn.execute("INSERT INTO comments (post_id, author_id, body, body_html, created_at) VALUES (1, 1, 'c', 'c', 'x')")
        conn.execute("INSERT INTO favorites VALUES (1, 1, 'x')")
        conn.execute("INSERT INTO revisions (post_id, version, title, summary, body, tags, editor_id, created_at)"
                     " VALUES (1, 1, 'Hello', '', 'Hi', 'news', 1, 'x')")
    store = Store(old)
    await store.open()
    try:
        post = await store.posts.by_id(1)
        assert post is not None and post.kind == "post" and post.tags == ("news",)
        for table in ("comments", "favorites", "revisions", "post_tags"):
            assert await store.db.fetchvalue(f"SELECT COUNT(*) FROM {table}") == 1, table
        assert await store.db.fetchvalue("PRAGMA foreign_keys") == 1
        assert [p.id for p in (await store.posts.page()).posts] == [1]
    finally:
        await store.close()
