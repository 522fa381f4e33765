"""What the comments section of a post page shows: threads, reactions, and what the reader
may do with each comment (the context of templates/comments/)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from blog.content.comment_edits import can_see_versions, window_words
from blog.content.reactions import NAMES
from blog.keys import COMMENT_HTML, STORE
from blog.store.comments import Comment
from blog.store.posts import Post
from blog.store.users import User
from blog.views.comment_list import THREADS, Reply, comments_html

# data-emoji-names: the same on every post page, so made once (it was a tenth of a render).
EMOJI_NAMES_ATTRIBUTE = Markup(escape(str(htmlsafe_json_dumps(NAMES, sort_keys=True))))


async def comments_context(request: web.Request, post: Post, user: User | None, comments: Sequence[Comment], *,
                           reply_to: int | None, reply_body: str, reply_error: str | None,
                           comment_kept: bool, owner: str) -> tuple[dict[str, Any], bytes]:
    """The section's context, and its threads' HTML as UTF-8: the context holds
    `threads_mark(request)` where they go (see posts.render_post_page).

    `reply_to`: the comment whose reply form shows again, open, with `reply_body` and its error
    (or, with `comment_kept`, the reply kept when the session ended); `owner`: the forms' stamp."""
    given = await request.config_dict[STORE].reactions.shown_on_page(post.id) if comments else {}
    made = await comments_html(
        request, post, user, comments, given, can_see_versions(user, post),
        Reply(reply_to, reply_body, reply_error, comment_kept), owner)
    return {
        "comment_threads": threads_mark(request),
        "comment_template": made.template,
        "emoji_names_attribute": EMOJI_NAMES_ATTRIBUTE,
        "is_editor": user is not None and user.can_edit_any_post,
        "comments_as_of": made.as_of,
        "edit_window": window_words(request.app),
        "reply_to": reply_to,
    }, made.threads


def threads_mark(request: web.Request) -> Markup:
    """Where the threads go in the rendered page: random per app, so no text a user wrote can spell it."""
    return Markup(request.config_dict[COMMENT_HTML].placeholder(THREADS))
