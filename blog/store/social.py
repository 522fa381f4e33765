"""Follows between users and favorites of posts."""

from __future__ import annotations

from blog import clock
from blog.store.db import Database
from blog.store.remembered import Remembered


class Social:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._favorites_shown: Remembered[tuple[int, bool]] = Remembered(db, max_entries=2000)  # by reader and post

    async def favorites_shown(self, user_id: int | None, post_id: int) -> tuple[int, bool]:
        """A post page's (favorites, whether this reader gave one), remembered until the next change."""
        async def read() -> tuple[int, bool]:
            counts, favorited = await self.favorites_of_posts(user_id, [post_id])
            return counts.get(post_id, 0), post_id in favorited

        found = await self._favorites_shown.get((user_id, post_id), read)
        assert found is not None
        return found

    async def follow(self, follower_id: int, followed_id: int) -> bool:
        """True when this is a new follow (not one that was there already)."""
        return 0 < await self.db.write(
            "INSERT INTO follows (follower_id, followed_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (follower_id, followed_id, clock.now_iso()))

    async def unfollow(self, follower_id: int, followed_id: int) -> None:
        await self.db.write("DELETE FROM follows WHERE follower_id = ? AND followed_id = ?", (follower_id, followed_id))

    async def is_following(self, follower_id: int | None, followed_id: int) -> bool:
        if follower_id is None:
            return False
        return bool(await self.db.fetchvalue(
            "SELECT EXISTS (SELECT 1 FROM follows WHERE follower_id = ? AND followed_id = ?)",
            (follower_id, followed_id)))

    async def followed_among(self, follower_id: int | None, user_ids: list[int]) -> set[int]:
        """Which of these users the follower follows (one query for a whole list)."""
        if follower_id is None or not user_ids:
            return set()
        marks = ",".join("?" * len(user_ids))
        rows = await self.db.fetchall(
            f"SELECT followed_id FROM follows WHERE follower_id = ? AND followed_id IN ({marks})",
            (follower_id, *user_ids))
        return {row[0] for row in rows}

    async def follower_count(self, user_id: int) -> int:
        count: int = await self.db.fetchvalue("SELECT COUNT(*) FROM follows WHERE followed_id = ?", (user_id,))
        return count

    async def favorite(self, user_id: int, post_id: int) -> None:
        await self.db.write(
            "INSERT INTO favorites (user_id, post_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (user_id, post_id, clock.now_iso()))

    async def unfavorite(self, user_id: int, post_id: int) -> None:
        await self.db.write("DELETE FROM favorites WHERE user_id = ? AND post_id = ?", (user_id, post_id))

    async def favorites_of_posts(self, user_id: int | None, post_ids: list[int]) -> tuple[dict[int, int], set[int]]:
        """For a list of posts: how many favorites each has, and which the user favorited."""
        if not post_ids:
            return {}, set()
        marks = ",".join("?" * len(post_ids))
        rows = await self.db.fetchall(
            f"SELECT post_id, COUNT(*), MAX(CASE WHEN user_id = ? THEN 1 ELSE 0 END) FROM favorites"
            f" WHERE post_id IN ({marks}) GROUP BY post_id",
            (user_id if user_id is not None else -1, *post_ids))
        return {row[0]: row[1] for row in rows}, {row[0] for row in rows if row[2]}
