"""The newest public posts with everything a feed carries (bodies, tags, times)."""

from __future__ import annotations

from blog.store.db import Database, Row
from blog.store.post_lists import LISTED
from blog.store.posts import POST_COLUMNS, POST_FROM, Post

FEED_SIZE = 20


class Feeds:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def newest(self, *, tag: str | None = None, author_id: int | None = None,
                     limit: int = FEED_SIZE) -> list[Post]:
        """The `limit` newest public posts, of one tag or one author if given, newest first."""
        where, params = [LISTED], []
        if tag is not None:
            # The tag's own index finds its newest posts without reading any other tag's.
            where.append("posts.id IN (SELECT post_id FROM post_tags WHERE tag = ? AND listed_at IS NOT NULL"
                         " ORDER BY listed_at DESC, post_id DESC LIMIT ?)")
            params.extend([tag, limit])
        if author_id is not None:
            where.append("posts.author_id = ?")
            params.append(author_id)
        rows = await self.db.fetchall(
            f"SELECT {POST_COLUMNS} {POST_FROM} WHERE {' AND '.join(where)}"
            " ORDER BY posts.published_at DESC, posts.id DESC LIMIT ?", (*params, limit))
        return [_post(row) for row in rows]


def _post(row: Row) -> Post:
    values = dict(row)
    values["tags"] = tuple(values["tags"].split(",")) if values["tags"] else ()
    return Post(**values)
