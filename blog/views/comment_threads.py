"""What the comments section of a post page shows: threads, reactions, and what the reader
may do with each comment (the context of templates/comments/)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web

from blog.content.comment_edits import can_see_versions, window_words
from blog.content.comments import threads
from blog.content.reactions import NAMES
from blog.keys import STORE
from blog.store.comments import Comment
from blog.store.posts import Post
from blog.store.users import User
from blog.views.comment_list import Reply, comments_html


async def comments_context(request: web.Request, post: Post, user: User | None, comments: Sequence[Comment], *,
                           reply_to: int | None, reply_body: str, reply_error: str | None,
                           comment_kept: bool, owner: str) -> dict[str, Any]:
    """`reply_to`: the comment whose reply form shows again, open, with `reply_body` and its error
    (or, with `comment_kept`, the reply kept when the session ended); `owner`: the forms' stamp."""
    given = await request.config_dict[STORE].reactions.shown_on_page(post.id) if comments else {}
    thread_list, template = await comments_html(
        request, post, user, threads(comments), given, can_see_versions(user, post),
        Reply(reply_to, reply_body, reply_error, comment_kept), owner)
    return {
        "comment_threads": thread_list,
        "comment_template": template,
        "emoji_names": NAMES,
        "is_editor": user is not None and user.can_edit_any_post,
        # The page is as of its newest comment or edit: live.js asks for the edits after it.
        "comments_as_of": max((comment.edited_at or comment.created_at for comment in comments), default=""),
        "edit_window": window_words(request.app),
        "reply_to": reply_to,
    }
