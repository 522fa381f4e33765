"""What the sitemap lists: public posts by ranges of ids, so that each numbered file of a
large sitemap reads one stretch of the primary key (the same cost for file 1 and file 40,
and a post stays in the same file for good)."""

from __future__ import annotations

from dataclasses import dataclass

from blog.store.db import Database
from blog.store.post_lists import LISTED


@dataclass(frozen=True)
class SitemapPost:
    id: int
    slug: str
    updated_at: str


class Sitemap:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def highest_post_id(self) -> int:
        """An upper bound on the number of public posts, read from the end of the primary key."""
        return int(await self.db.fetchvalue("SELECT COALESCE(MAX(id), 0) FROM posts"))

    async def files_with_posts(self, per_file: int) -> list[int]:
        """The numbers (from 1) of the id ranges of `per_file` ids that hold a public post."""
        rows = await self.db.fetchall(
            "WITH RECURSIVE files (number) AS"
            " (SELECT 1 UNION ALL SELECT number + 1 FROM files WHERE number * :size < (SELECT MAX(id) FROM posts))"
            f" SELECT number FROM files WHERE EXISTS (SELECT 1 FROM posts WHERE {LISTED}"
            "  AND posts.id BETWEEN (number - 1) * :size + 1 AND number * :size)",
            {"size": per_file})
        return [row[0] for row in rows]

    async def posts_in_file(self, number: int, per_file: int) -> list[SitemapPost]:
        """The public posts whose ids fall in file `number`'s range, by id."""
        rows = await self.db.fetchall(
            f"SELECT id, slug, updated_at FROM posts WHERE posts.id BETWEEN ? AND ? AND {LISTED} ORDER BY id",
            ((number - 1) * per_file + 1, number * per_file))
        return [SitemapPost(*row) for row in rows]
