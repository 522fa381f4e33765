"""Posts as the API shows them: public posts with their author's profile, favorites and
whether the reader follows the author, filtered and paged by offset, with a total count.

The HTML lists walk an index from a cursor (blog/store/posts.py); the RealWorld API is
specified with limit/offset and a total, so it gets its own queries here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blog.store.db import Database, Row
from blog.store.post_lists import LISTED, TAGS_COLUMN
from blog.store.remembered import Remembered

# The HTML site shows the same lists; a client asking for every tag gets the most used first.
TAGS_SHOWN = 500


@dataclass(frozen=True)
class Filters:
    """Which public posts a list holds; None means no restriction."""

    tag: str | None = None
    author: str | None = None  # a username
    favorited_by: str | None = None  # a username
    feed_of: int | None = None  # a user id: posts by the authors this user follows


@dataclass(frozen=True)
class Article:
    id: int
    slug: str
    title: str
    summary: str
    excerpt: str
    body: str | None  # only when one article is read; lists leave it out
    created_at: str
    updated_at: str
    tags: tuple[str, ...]
    author_id: int
    author: str
    author_bio: str
    author_image: str | None
    author_avatar: str | None  # an uploaded avatar's file name; the API shows its URL as `image`
    favorites_count: int
    favorited: bool
    following: bool

    @property
    def description(self) -> str:
        """The author's summary, or for posts written without one, the start of the body."""
        return self.summary or self.excerpt


def _columns(with_body: bool) -> str:
    return (
        "posts.id, posts.slug, posts.title, posts.summary, posts.excerpt,"
        f" {'posts.body' if with_body else 'NULL'} AS body, posts.created_at, posts.updated_at, {TAGS_COLUMN},"
        " authors.id AS author_id, authors.username AS author, authors.bio AS author_bio,"
        " authors.image AS author_image, authors.avatar AS author_avatar,"
        " (SELECT COUNT(*) FROM favorites WHERE favorites.post_id = posts.id) AS favorites_count,"
        " EXISTS (SELECT 1 FROM favorites WHERE favorites.post_id = posts.id AND favorites.user_id = :viewer)"
        " AS favorited,"
        " EXISTS (SELECT 1 FROM follows WHERE follows.follower_id = :viewer AND follows.followed_id = authors.id)"
        " AS following"
    )


FROM = "FROM posts JOIN users AS authors ON authors.id = posts.author_id"


def _where(filters: Filters) -> tuple[str, dict[str, Any]]:
    conditions: list[str] = [LISTED]
    params: dict[str, Any] = {}
    if filters.tag is not None:
        conditions.append("EXISTS (SELECT 1 FROM post_tags WHERE post_tags.post_id = posts.id AND post_tags.tag = :tag)")
        params["tag"] = filters.tag
    if filters.author is not None:
        conditions.append("posts.author_id = (SELECT id FROM users WHERE username = :author COLLATE NOCASE)")
        params["author"] = filters.author
    if filters.favorited_by is not None:
        conditions.append(
            "posts.id IN (SELECT favorites.post_id FROM favorites JOIN users ON users.id = favorites.user_id"
            " WHERE users.username = :favorited_by COLLATE NOCASE)")
        params["favorited_by"] = filters.favorited_by
    if filters.feed_of is not None:
        conditions.append("posts.author_id IN (SELECT followed_id FROM follows WHERE follower_id = :feed_of)")
        params["feed_of"] = filters.feed_of
    return " AND ".join(conditions), params


def _article(row: Row) -> Article:
    values = dict(row)
    values["tags"] = tuple(values["tags"].split(",")) if values["tags"] else ()
    values["favorited"], values["following"] = bool(values["favorited"]), bool(values["following"])
    return Article(**values)


class Articles:
    def __init__(self, db: Database) -> None:
        self.db = db
        # Counting and offset paging cost time in proportion to the list; clients ask for
        # the same pages again and again, so the answers are kept until the next change.
        self._pages: Remembered[tuple[list[Article], int]] = Remembered(db, max_entries=500)
        self._tags: Remembered[list[str]] = Remembered(db, max_entries=10)

    async def page(self, filters: Filters, viewer_id: int | None, limit: int, offset: int) -> tuple[list[Article], int]:
        """One page of public posts, newest first, and how many the whole list holds."""
        found = await self._pages.get((filters, viewer_id, limit, offset),
                                      lambda: self._read_page(filters, viewer_id, limit, offset))
        assert found is not None
        return found

    async def _read_page(self, filters: Filters, viewer_id: int | None, limit: int,
                         offset: int) -> tuple[list[Article], int]:
        where, params = _where(filters)
        total = await self.db.fetchvalue(f"SELECT COUNT(*) {FROM} WHERE {where}", params)
        if total <= offset:
            return [], total
        rows = await self.db.fetchall(
            f"SELECT {_columns(with_body=False)} {FROM} WHERE {where}"
            " ORDER BY posts.published_at DESC, posts.id DESC LIMIT :limit OFFSET :offset",
            {**params, "viewer": viewer_id, "limit": limit, "offset": offset},
        )
        return [_article(row) for row in rows], total

    async def one(self, post_id: int, viewer_id: int | None) -> Article | None:
        """One post with its body, whatever its status (the caller decided who may see it)."""
        row = await self.db.fetchone(
            f"SELECT {_columns(with_body=True)} {FROM} WHERE posts.id = :id", {"id": post_id, "viewer": viewer_id})
        return None if row is None else _article(row)

    async def tags(self, limit: int = TAGS_SHOWN) -> list[str]:
        """Tags of public posts, the most used first, then the most recently used."""
        return await self._tags.get(limit, lambda: self._read_tags(limit)) or []

    async def _read_tags(self, limit: int) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT tag FROM post_tags WHERE listed_at IS NOT NULL GROUP BY tag"
            " ORDER BY COUNT(*) DESC, MAX(listed_at) DESC, tag LIMIT ?", (limit,))
        return [row[0] for row in rows]
