"""Reactions to comments: a small fixed set of emoji, one of each per member per comment."""

from __future__ import annotations

from aiohttp import web

from blog.content.notifications import notify
from blog.keys import BROKER, STORE
from blog.store.comments import Comment
from blog.store.reactions import Reaction
from blog.store.users import User

EMOJIS = ("👍", "❤️", "🎉", "😄", "🤔", "👀")
NAMES = {"👍": "thumbs up", "❤️": "heart", "🎉": "party", "😄": "smile", "🤔": "thinking", "👀": "eyes"}
UNKNOWN = "Choose one of the reactions offered: " + " ".join(EMOJIS) + "."
VARIATION_SELECTOR = "\ufe0f"


def known_emoji(value: object) -> str | None:
    """The emoji of the set that `value` is (with or without its variation selector), else None."""
    if not isinstance(value, str):
        return None
    for emoji in EMOJIS:
        if value in (emoji, emoji.removesuffix(VARIATION_SELECTOR)):
            return emoji
    return None


def reactions_event(comment_id: int, reactions: list[Reaction]) -> dict[str, object]:
    return {"kind": "reactions_changed", "id": comment_id, "reactions": [r.as_json() for r in reactions]}


async def react(app: web.Application, comment: Comment, user: User, emoji: str,
                present: bool | None = None) -> list[Reaction]:
    """Toggles the member's emoji on the comment (or sets it, with `present`); tells live readers
    and, when one was added, the comment's author. Returns the comment's reactions now."""
    store = app[STORE]
    if present is None:
        added = await store.reactions.toggle(comment.id, user.id, emoji)
        changed = True
    else:
        changed = await store.reactions.set(comment.id, user.id, emoji, present)
        added = changed and present
    reactions = await store.reactions.of_comment(comment.id)
    if changed:
        await app[BROKER].publish(comment.post_id, reactions_event(comment.id, reactions))
    if added and not comment.author_deleted and not await store.reactions.told_before(comment.id, user.id, emoji):
        await notify(app, comment.author_id, "reaction", user.id, post_id=comment.post_id, comment_id=comment.id,
                     detail=emoji)
    return reactions
