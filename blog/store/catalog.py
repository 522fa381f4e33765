"""What a reader browses by besides the newest posts: tags and authors with their numbers
of public posts, the archive's years and months, and who follows whom.

The numbers are kept by triggers (tag_counts, author_counts, month_counts: migration
0010), so a list costs as many rows as it shows, not a count of every post."""

from __future__ import annotations

from dataclasses import dataclass

from blog.store.db import Database
from blog.store.post_lists import LISTED
from blog.store.remembered import Remembered
from blog.store.users import USER_COLUMNS, User

MAX_SHOWN = 1000  # tags or authors on one page; more are counted, not listed
FOLLOWS_PAGE_SIZE = 50


@dataclass(frozen=True)
class TagCount:
    tag: str
    posts: int
    last_published_at: str


@dataclass(frozen=True)
class AuthorCount:
    author: User
    posts: int
    last_published_at: str


@dataclass(frozen=True)
class MonthCount:
    year: int
    month: int
    posts: int


@dataclass(frozen=True)
class Follows:
    """A page of people (followers or followed), by name, and the cursor of the next page."""

    people: list[User]
    next_after: str | None


class Catalog:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._tags: Remembered[list[TagCount]] = Remembered(db, max_entries=4)
        self._authors: Remembered[list[AuthorCount]] = Remembered(db, max_entries=4)
        self._months: Remembered[list[MonthCount]] = Remembered(db, max_entries=2)

    async def tags(self, limit: int = MAX_SHOWN) -> list[TagCount]:
        """Tags of public posts, the most used first (then by name)."""
        return await self._tags.get(limit, lambda: self._read_tags(limit)) or []

    async def _read_tags(self, limit: int) -> list[TagCount]:
        rows = await self.db.fetchall(
            "SELECT tag, posts, (SELECT MAX(listed_at) FROM post_tags WHERE post_tags.tag = tag_counts.tag"
            "  AND listed_at IS NOT NULL) FROM tag_counts ORDER BY posts DESC, tag LIMIT ?", (limit,))
        return [TagCount(row[0], row[1], row[2]) for row in rows]

    async def tag_exists(self, tag: str) -> bool:
        """Whether any public post has this tag."""
        return bool(await self.db.fetchvalue("SELECT EXISTS (SELECT 1 FROM tag_counts WHERE tag = ?)", (tag,)))

    async def authors(self, limit: int = MAX_SHOWN) -> list[AuthorCount]:
        """People with public posts, the most prolific first (then by name)."""
        return await self._authors.get(limit, lambda: self._read_authors(limit)) or []

    async def _read_authors(self, limit: int) -> list[AuthorCount]:
        rows = await self.db.fetchall(
            f"SELECT {USER_COLUMNS}, author_counts.posts,"
            f" (SELECT MAX(published_at) FROM posts WHERE posts.author_id = users.id AND {LISTED}) AS last"
            " FROM author_counts JOIN users ON users.id = author_counts.author_id"
            " ORDER BY author_counts.posts DESC, users.username COLLATE NOCASE LIMIT ?", (limit,))
        return [AuthorCount(User.from_row(row), row["posts"], row["last"]) for row in rows]

    async def months(self) -> list[MonthCount]:
        """Every month with public posts, newest first, with how many."""
        return await self._months.get("months", self._read_months) or []

    async def _read_months(self) -> list[MonthCount]:
        rows = await self.db.fetchall("SELECT month, posts FROM month_counts ORDER BY month DESC")
        return [MonthCount(int(row[0][:4]), int(row[0][5:7]), row[1]) for row in rows]

    async def following_count(self, user_id: int) -> int:
        count: int = await self.db.fetchvalue("SELECT COUNT(*) FROM follows WHERE follower_id = ?", (user_id,))
        return count

    async def followers(self, user_id: int, after: str | None = None) -> Follows:
        """The people who follow this user, by name from `after` on."""
        return await self._follows("follows.follower_id", "follows.followed_id", user_id, after)

    async def following(self, user_id: int, after: str | None = None) -> Follows:
        """The people this user follows, by name from `after` on."""
        return await self._follows("follows.followed_id", "follows.follower_id", user_id, after)

    async def _follows(self, person: str, of: str, user_id: int, after: str | None) -> Follows:
        rows = await self.db.fetchall(
            f"SELECT {USER_COLUMNS} FROM follows JOIN users ON users.id = {person}"
            f" WHERE {of} = ? AND users.username > ? COLLATE NOCASE"
            " ORDER BY users.username COLLATE NOCASE LIMIT ?", (user_id, after or "", FOLLOWS_PAGE_SIZE + 1))
        people = [User.from_row(row) for row in rows[:FOLLOWS_PAGE_SIZE]]
        more = len(rows) > FOLLOWS_PAGE_SIZE
        return Follows(people, people[-1].username if more else None)
