"""Reactions to comments: one of each emoji per member per comment, in the order first given."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from blog import clock
from blog.store.comments import SectionStamps
from blog.store.db import Database, Row
from blog.store.remembered import Stamped

_SELECT = (
    "SELECT comment_reactions.comment_id, comment_reactions.emoji, users.username"
    " FROM comment_reactions JOIN users ON users.id = comment_reactions.user_id"
)
_ORDER = " ORDER BY comment_reactions.comment_id, comment_reactions.created_at, users.username"


@dataclass(frozen=True)
class Reaction:
    """One emoji on one comment, and who gave it (in the order they did)."""

    emoji: str
    usernames: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.usernames)

    def as_json(self) -> dict[str, object]:
        return {"emoji": self.emoji, "count": self.count, "usernames": list(self.usernames)}


def _grouped(rows: list[Row]) -> dict[int, list[Reaction]]:
    """{comment id: its reactions}, each emoji where it was first given."""
    by_comment: dict[int, dict[str, list[str]]] = {}
    for comment_id, emoji, username in rows:
        by_comment.setdefault(comment_id, {}).setdefault(emoji, []).append(username)
    return {comment_id: [Reaction(emoji, tuple(names)) for emoji, names in emojis.items()]
            for comment_id, emojis in by_comment.items()}


class Reactions:
    def __init__(self, db: Database, section_stamps: SectionStamps) -> None:
        self.db = db
        self._shown: Stamped[int, Mapping[int, Sequence[Reaction]]] = Stamped(db, 50, section_stamps.of_reactions)

    def on_section_let_go(self, callback: Callable[[int], None]) -> None:
        """`callback(post_id)` when a post's kept section is read anew or pushed out."""
        self._shown.on_let_go.append(callback)

    async def shown_on_page(self, post_id: int) -> Mapping[int, Sequence[Reaction]]:
        """of_post, kept while the section's reactions stamps read the same, for the post page
        (see Comments.shown_on_page)."""
        given = await self._shown.get(post_id, lambda: self._frozen_of_post(post_id))
        return given if given is not None else {}

    async def _frozen_of_post(self, post_id: int) -> Mapping[int, Sequence[Reaction]]:
        return MappingProxyType({comment_id: tuple(reactions)
                                 for comment_id, reactions in (await self.of_post(post_id)).items()})

    async def toggle(self, comment_id: int, user_id: int, emoji: str) -> bool:
        """Adds the member's emoji to the comment, or takes it back if it was there: True if added."""
        async with self.db.transaction() as tx:
            if await tx.execute(
                    "DELETE FROM comment_reactions WHERE comment_id = ? AND user_id = ? AND emoji = ?",
                    (comment_id, user_id, emoji)):
                return False
            # Two clicks at once: the second finds the row the first made and adds nothing.
            return await tx.execute(
                "INSERT INTO comment_reactions (comment_id, user_id, emoji, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING", (comment_id, user_id, emoji, clock.now_iso())) > 0

    async def set(self, comment_id: int, user_id: int, emoji: str, present: bool) -> bool:
        """Makes the member's emoji present or absent (the API's PUT and DELETE): True if that changed anything."""
        if present:
            return await self.db.write(
                "INSERT INTO comment_reactions (comment_id, user_id, emoji, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING", (comment_id, user_id, emoji, clock.now_iso())) > 0
        return await self.db.write(
            "DELETE FROM comment_reactions WHERE comment_id = ? AND user_id = ? AND emoji = ?",
            (comment_id, user_id, emoji)) > 0

    async def told_before(self, comment_id: int, user_id: int, emoji: str) -> bool:
        """Whether the comment's author was already told of this member's emoji on it (so that
        taking a reaction back and giving it again is not news again)."""
        return bool(await self.db.fetchvalue(
            "SELECT EXISTS (SELECT 1 FROM notifications WHERE comment_id = ? AND actor_id = ? AND kind = 'reaction'"
            " AND detail = ?)", (comment_id, user_id, emoji)))

    async def of_comment(self, comment_id: int) -> list[Reaction]:
        rows = await self.db.fetchall(f"{_SELECT} WHERE comment_reactions.comment_id = ?{_ORDER}", (comment_id,))
        return _grouped(rows).get(comment_id, [])

    async def of_post(self, post_id: int) -> dict[int, list[Reaction]]:
        """Every reaction to the post's comments, by comment id, in one query."""
        rows = await self.db.fetchall(
            f"{_SELECT} JOIN comments ON comments.id = comment_reactions.comment_id WHERE comments.post_id = ?{_ORDER}",
            (post_id,))
        return _grouped(rows)
