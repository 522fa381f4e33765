"""Consistent copies of a live database, and the checks a restored copy must pass.

VACUUM INTO reads the database in one read transaction, so the copy is the database as
one moment saw it, whatever other processes write meanwhile (WAL lets them), and it is
compact. Synchronous: run these in a thread."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from blog.store.images import referenced_names_sql

COUNTED_TABLES = ("users", "posts", "post_tags", "revisions", "comments", "image_sizes", "image_refs")


def snapshot(source: Path, target: Path) -> None:
    """Writes a consistent copy of the database at `source` to `target` (which must not exist)."""
    conn = sqlite3.connect(source, timeout=30)
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("VACUUM INTO ?", (str(target),))
    finally:
        conn.close()


def integrity(path: Path) -> str:
    """SQLite's own verdict on a database file: 'ok', or what is wrong."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        return "; ".join(str(row[0]) for row in rows)
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()


def facts(path: Path) -> tuple[int, dict[str, int]]:
    """The schema version and the row count of the main tables."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        counts = {table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                  for table in COUNTED_TABLES if table in present}
        return version, counts
    finally:
        conn.close()


def image_names(path: Path) -> set[str]:
    """The image files a database file refers to (see Images.referenced_names)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute(referenced_names_sql(), ("",))}
    finally:
        conn.close()
