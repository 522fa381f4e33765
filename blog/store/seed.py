"""Bulk writes for `python -m blog seed-demo`: many posts per transaction, with their tags and revisions.

The app writes posts one at a time through its own accessor; this one exists
only to fill a database with demo content quickly, so it trades per-post
checks for batches of `executemany`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import NamedTuple

from blog.store.db import Database, Transaction, fragment


class DemoPost(NamedTuple):
    """One post to insert. The store gives it an id and makes its slug `<slug_stem>-<id>`."""

    author_id: int
    slug_stem: str
    title: str
    summary: str
    excerpt: str
    body: str
    body_html: str
    published: bool
    created_at: str  # also updated_at, and published_at when published
    tags: tuple[str, ...]


INSERT_POST = (
    "INSERT INTO posts (id, author_id, slug, title, summary, excerpt, body, body_html, status,"
    " created_at, updated_at, published_at, version)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
)
INSERT_TAG = "INSERT INTO post_tags (post_id, tag, position, listed_at) VALUES (?, ?, ?, ?)"
INSERT_REVISION = (
    "INSERT INTO revisions (post_id, version, title, summary, body, tags, editor_id, created_at)"
    " VALUES (?, 1, ?, ?, ?, ?, ?, ?)"
)


# The strings of a JSON array given as one parameter, as a subquery.
JSON_TEXTS = fragment("(SELECT value FROM json_each(?))", "(SELECT json_array_elements_text(?::json))")
# KiB of page cache on the writer while seeding (SQLite's default is 2 MiB).
BULK_CACHE_KIB = 64 * 1024


class Seed:
    def __init__(self, db: Database) -> None:
        self.db = db

    @asynccontextmanager
    async def bulk(self) -> AsyncIterator[None]:
        """A bigger page cache on the writer meanwhile: slugs land all over the slug index,
        and with the default 2 MiB cache every batch would read most of its pages back from the file."""
        if self.db.engine != "sqlite":  # PostgreSQL's cache is the server's
            yield
            return
        async with self.db.transaction() as tx:
            previous = int(await tx.fetchvalue("PRAGMA cache_size"))
            await tx.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
        try:
            yield
        finally:
            async with self.db.transaction() as tx:
                await tx.execute(f"PRAGMA cache_size = {previous}")

    async def add_posts(self, posts: Sequence[DemoPost]) -> list[int]:
        """Inserts the posts in one transaction; returns their new ids, in order."""
        if not posts:
            return []
        async with self.db.transaction() as tx:
            ids = await tx.new_ids("posts", len(posts))
            slugs = await _unique_slugs(tx, [f"{post.slug_stem}-{post_id}" for post, post_id in zip(posts, ids)])
            post_rows = []
            tag_rows = []
            revision_rows = []
            for post_id, slug, post in zip(ids, slugs, posts):
                published_at = post.created_at if post.published else None
                post_rows.append((
                    post_id, post.author_id, slug, post.title, post.summary, post.excerpt, post.body,
                    post.body_html, "published" if post.published else "draft",
                    post.created_at, post.created_at, published_at,
                ))  # fmt: skip
                for position, tag in enumerate(post.tags):
                    tag_rows.append((post_id, tag, position, published_at))
                revision_rows.append((
                    post_id, post.title, post.summary, post.body, ", ".join(post.tags),
                    post.author_id, post.created_at,
                ))  # fmt: skip
            if self.db.engine == "sqlite":
                # Tags before their posts (the foreign key is checked at the commit): the search
                # index's trigger then indexes each post once, with its tags, instead of again per tag.
                await tx.execute("PRAGMA defer_foreign_keys = ON")
                await tx.executemany(INSERT_TAG, tag_rows)
                await tx.executemany(INSERT_POST, post_rows)
            else:  # PostgreSQL checks the key at once; its trigger indexes the tags as they come
                await tx.executemany(INSERT_POST, post_rows)
                await tx.executemany(INSERT_TAG, tag_rows)
            await tx.executemany(INSERT_REVISION, revision_rows)
        return ids


async def _unique_slugs(tx: Transaction, slugs: list[str]) -> list[str]:
    """The slugs, with a further `-2`, `-3`... on any that a post outside this batch already has.

    Slugs end with the new post's id, so a clash can only come from a post
    whose author chose such a slug by hand: rare, but the index is UNIQUE.
    """
    taken = await _taken(tx, slugs)
    if not taken:
        return slugs
    in_batch = set(slugs)
    result = []
    for slug in slugs:
        if slug in taken:
            suffix = 2
            while True:
                candidate = f"{slug}-{suffix}"
                if candidate not in in_batch and not await _taken(tx, [candidate]):
                    break
                suffix += 1
            in_batch.add(candidate)
            slug = candidate
        result.append(slug)
    return result


async def _taken(tx: Transaction, slugs: list[str]) -> set[str]:
    # One JSON parameter instead of thousands of `?`: no limit on how many slugs are checked.
    rows = await tx.fetchall(f"SELECT slug FROM posts WHERE slug IN {JSON_TEXTS}", (json.dumps(slugs),))
    return {row[0] for row in rows}
