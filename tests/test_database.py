"""The database file: PRAGMAs, the schema, and upgrades of old databases."""

from __future__ import annotations

import sqlite3

import pytest

from blog.store import Store
from blog.store.db import Database, latest_version, migrations, schema_path


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
