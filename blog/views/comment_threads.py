"""What the comments section of a post page shows: threads, reactions, and what the reader
may do with each comment (the context of templates/comments/)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from blog.content.comment_edits import can_edit_comment, can_see_versions, window_words
from blog.content.comments import threads
from blog.content.reactions import EMOJIS, NAMES
from blog.keys import STORE
from blog.store.comments import Comment
from blog.store.posts import Post
from blog.store.users import User

# The comment live.js copies for comments arriving live (the page holds it hidden, with id 0).
PLACEHOLDER_COMMENT = Comment(0, 0, 0, "", "", "", "1970-01-01T00:00:00.000000Z")


async def comments_context(request: web.Request, post: Post, user: User | None, comments: list[Comment], *,
                           reply_to: int | None, reply_body: str, reply_error: str | None) -> dict[str, Any]:
    """`reply_to`: the comment whose reply form shows again, open, with `reply_body` and its error."""
    given = await request.config_dict[STORE].reactions.of_post(post.id) if comments else {}
    return {
        "threads": threads(comments),
        "reactions": {comment_id: {reaction.emoji: reaction for reaction in reactions}
                      for comment_id, reactions in given.items()},
        "emojis": EMOJIS,
        "emoji_names": NAMES,
        "can_edit_comment": lambda comment: can_edit_comment(request.app, user, comment),
        "can_see_versions": can_see_versions(user, post),
        "is_editor": user is not None and user.can_edit_any_post,
        "placeholder": PLACEHOLDER_COMMENT,
        # The page is as of its newest comment or edit: live.js asks for the edits after it.
        "comments_as_of": max((comment.edited_at or comment.created_at for comment in comments), default=""),
        "edit_window": window_words(request.app),
        "reply_to": reply_to,
        "reply_body": reply_body,
        "reply_error": reply_error,
    }
