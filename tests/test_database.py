"""The database: PRAGMAs, the schema of each engine, and upgrades of old databases."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Coroutine
from typing import Any

import asyncpg
import pytest

from blog.store import Store
from blog.store.db import UniqueViolation, latest_version, migrations, schema_path

from . import databases


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


@pytest.mark.sqlite_only("SQLite's own settings")
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


@pytest.mark.sqlite_only("a new SQLite file")
async def test_processes_starting_together_on_a_new_file_all_open_it(tmp_path):
    """As the workers of `serve --workers N` do on a fresh data folder: one creates the
    tables, the others wait and find them made (they used to fail: "table users already
    exists", or "database is locked" while the first switched the file to WAL)."""
    for attempt in range(5):
        path = tmp_path / f"new-{attempt}.sqlite3"
        stores = [Store(path) for _ in range(3)]
        opened = await asyncio.gather(*(store.open() for store in stores), return_exceptions=True)
        try:
            assert [result for result in opened if isinstance(result, BaseException)] == []
            for number, store in enumerate(stores):
                await store.users.create(f"user{number}", f"user{number}@example.com", "x")
            assert await stores[0].db.fetchvalue("SELECT count(*) FROM users") == 3
            assert await stores[0].db.fetchvalue("PRAGMA user_version") == latest_version()
        finally:
            for store in stores:
                await store.close()


@pytest.mark.sqlite_only("a file the schema cannot be made in")
async def test_a_database_that_will_not_open_leaves_no_connection_behind(tmp_path):
    """Each connection has a thread that keeps the process alive until it is closed: a
    command refused at start-up would otherwise never exit."""
    path = tmp_path / "blog.sqlite3"
    with sqlite3.connect(path) as conn:  # another program's tables, where ours should go
        conn.execute("CREATE TABLE users (name TEXT)")
    before = set(threading.enumerate())
    store = Store(path)
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        await store.open()
    await asyncio.sleep(0.1)  # a closed connection's thread ends on its next turn
    assert [thread for thread in threading.enumerate() if thread not in before and thread.is_alive()] == []


@pytest.mark.sqlite_only("SQLite files of an earlier version")
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


async def test_failed_write_transaction_rolls_back(config):
    store = Store(config.database)
    await store.open()
    db = store.db
    try:
        with pytest.raises(UniqueViolation) as refused:
            async with db.transaction() as tx:
                await tx.insert("INSERT INTO users (username, email, password_hash, role, created_at)"
                                " VALUES ('a', 'a@example.com', 'x', 'author', 'now')")
                await tx.insert("INSERT INTO users (username, email, password_hash, role, created_at)"
                                " VALUES ('A', 'b@example.com', 'x', 'author', 'now')")
        assert "username" in refused.value.constraint  # case does not make a name new, on either engine
        assert await db.fetchvalue("SELECT COUNT(*) FROM users") == 0
        async with db.transaction() as tx:  # the writer is usable again
            await tx.insert("INSERT INTO users (username, email, password_hash, role, created_at)"
                            " VALUES ('a', 'a@example.com', 'x', 'author', 'now')")
        assert await db.fetchvalue("SELECT COUNT(*) FROM users") == 1
    finally:
        await store.close()


async def test_a_stop_in_the_middle_of_writes_leaves_the_store_able_to_close(config):
    """A stop cancels whatever is writing (the publishing job at start-up, a request). Wherever
    the cancel lands (waiting for a connection, in BEGIN, in a statement, in COMMIT), the store
    still closes: a connection kept by a cancelled BEGIN once made PostgreSQL's pool wait for
    it for ever, and `serve` hung on SIGTERM. What was cut off is not half-written either."""
    store = Store(config.database)
    await store.open()
    db = store.db
    committed: list[str] = []

    async def write(name: str) -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO site_settings (name, value) VALUES (?, '1')", (name,))
            await tx.execute("UPDATE site_settings SET value = '2' WHERE name = ?", (name,))
        committed.append(name)

    try:
        whole = await turns_of(write("whole"))  # how many loop turns a write takes here, now
        for turns in range(0, whole + 1, max(1, whole // 150)):  # cancelled all along the way
            task = asyncio.create_task(write(f"s{turns}"))
            for _ in range(turns):
                await asyncio.sleep(0)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        rows = await db.fetchall("SELECT name, value FROM site_settings")
        assert "whole" in committed
        assert {row[1] for row in rows} == {"2"}  # none half-written
        assert set(committed) <= {row[0] for row in rows}
    finally:
        await asyncio.wait_for(store.close(), 20)
    store = Store(config.database)  # and the database is fine for the next start
    await store.open()
    try:
        async with store.db.transaction() as tx:
            await tx.execute("INSERT INTO site_settings (name, value) VALUES ('after', '3')")
        assert await store.db.fetchvalue("SELECT value FROM site_settings WHERE name = 'after'") == "3"
    finally:
        await store.close()


async def turns_of(work: Coroutine[Any, Any, None]) -> int:
    task = asyncio.create_task(work)
    turns = 0
    while not task.done():
        await asyncio.sleep(0)
        turns += 1
    await task
    return turns


@pytest.mark.postgresql_only("PostgreSQL's schema and migrations")
async def test_postgresql_fresh_schema_and_migrations_agree(database_url):
    fresh = Store(database_url)  # made from schema.postgresql.sql (through the test template)
    await fresh.open()
    try:
        assert await fresh.db.schema_version() == latest_version("postgresql")
    finally:
        await fresh.close()
    migrated = databases.new_empty_postgres_database()
    try:
        conn = await asyncpg.connect(migrated)
        try:
            for number, path in migrations("postgresql"):
                await conn.execute(path.read_text())
        finally:
            await conn.close()
        assert await postgres_shape(migrated) == await postgres_shape(database_url), \
            "migrations and schema.postgresql.sql disagree"
    finally:
        databases.drop_postgres_database(migrated)


async def postgres_shape(url: str) -> dict[str, object]:
    """Tables with their columns, constraints, indexes and triggers, and the functions the
    triggers call, as PostgreSQL describes them."""
    conn = await asyncpg.connect(url)
    try:
        columns = await conn.fetch(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity"
            " FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_version'"
            " ORDER BY table_name, column_name")
        constraints = await conn.fetch(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'schema_version' ORDER BY 1, 2")
        indexes = await conn.fetch(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2")
        # The stamps the caches trust (a post's comments, its reactions) are kept by triggers.
        triggers = await conn.fetch(
            "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger"
            " WHERE NOT tgisinternal ORDER BY 1, 2")
        functions = await conn.fetch(
            "SELECT proname, pg_get_functiondef(oid) FROM pg_proc"
            " WHERE pronamespace = 'public'::regnamespace ORDER BY 1")
        return {"columns": [tuple(row) for row in columns], "constraints": [tuple(row) for row in constraints],
                "indexes": [tuple(row) for row in indexes], "triggers": [tuple(row) for row in triggers],
                "functions": [tuple(row) for row in functions]}
    finally:
        await conn.close()


def test_schema_files_are_at_the_root():
    assert schema_path().name == "schema.sql"
    assert schema_path("postgresql").name == "schema.postgresql.sql"


@pytest.mark.sqlite_only("SQLite rebuilds tables to change a CHECK")
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
