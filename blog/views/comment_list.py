"""A post's comments as HTML: each comment made once per kind of reader and kept
(blog/web/kept_html.py), the threads joined with plain string joins.

A macro call per comment costs ~70 µs (escaping, URL building, reactions), so 200 comments
cost 15-30 ms per uncached render, and every new comment empties the page cache. A kept part
costs a dictionary look-up. The key is the comment exactly as read from the database and a
CommentView with everything else the macro may use (it is imported without context, so it
cannot see anything more): what a reader sees cannot be stale, and cannot be another
reader's. Per-session values (CSRF token, form owner) are filled in once on the whole list."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session
from markupsafe import Markup, escape

from blog.content.comment_edits import can_edit_comment
from blog.content.comments import Thread, can_delete_comment
from blog.content.reactions import EMOJIS, NAMES
from blog.keys import COMMENT_HTML
from blog.store.comments import Comment
from blog.store.posts import Post
from blog.store.reactions import Reaction
from blog.store.users import User
from blog.web.csrf import ensure_csrf_token

# The comment live.js copies for comments arriving live (the page holds it hidden, with id 0).
PLACEHOLDER_COMMENT = Comment(0, 0, 0, "", "", "", "1970-01-01T00:00:00.000000Z")
# Where _comment.html's part ends: the thread's replies, then the end of its <li>.
REPLIES = '\n  <ol class="replies">\n    '
NO_REPLIES = '\n  <ol class="replies" hidden>\n    '
END_REPLIES = "\n  </ol>\n"
END_ITEM = "</li>\n"
# The placeholders' names (blog/web/kept_html.py) for what differs per session or request.
CSRF, OWNER = "c", "o"


class CommentView(NamedTuple):
    """All that one comment's HTML depends on besides the comment itself (a NamedTuple: cheap
    to make and to hash, 200 times per render)."""

    post_id: int
    post_slug: str
    comments_open: bool
    member: bool  # a logged-in reader: reaction buttons, actions, reply form
    can_see_versions: bool
    can_edit: bool
    can_delete: bool
    given: tuple[Reaction, ...]  # the comment's reactions
    pressed: tuple[str, ...]  # the emoji this reader gave it
    csrf_token: str  # placeholders, filled in per session
    form_owner: str
    skeleton: bool = False
    answering: bool = False  # the reply form that shows again, open, with what follows
    kept: bool = False
    reply_body: str = ""
    reply_error: str | None = None

    def reaction(self, emoji: str) -> Reaction | None:
        for found in self.given:
            if found.emoji == emoji:
                return found
        return None


class Reply(NamedTuple):
    """The reply form that shows again, open, after its reply failed or the session ended."""

    to: int | None
    body: str
    error: str | None
    kept: bool


async def comments_html(request: web.Request, post: Post, user: User | None, threads: list[Thread],
                        reactions: Mapping[int, Sequence[Reaction]], can_see_versions: bool, reply: Reply, owner: str
                        ) -> tuple[Markup, Markup]:
    """(the threads' HTML, #comment-template's HTML) for this reader; `owner`: the forms' stamp."""
    values = {} if user is None else {
        CSRF: str(escape(ensure_csrf_token(await get_session(request)))), OWNER: str(escape(owner))}
    kept = request.config_dict[COMMENT_HTML]
    macro = _macro(request)
    csrf, owner_placeholder = kept.placeholder(CSRF), kept.placeholder(OWNER)
    known, make, fill = kept.known, kept.make, kept.fill

    def add(comment: Comment, out: list[str]) -> None:
        given = tuple(reactions[comment.id]) if comment.id in reactions else ()
        if user is None:
            view = CommentView(post.id, post.slug, post.comments_open, False, can_see_versions, False, False,
                               given, (), csrf, owner_placeholder)
        else:
            view = CommentView(post.id, post.slug, post.comments_open, True, can_see_versions,
                               can_edit_comment(request.app, user, comment), can_delete_comment(user, comment, post),
                               given, tuple(found.emoji for found in given if user.username in found.usernames),
                               csrf, owner_placeholder)
        if reply.to == comment.id:  # one reader's own text: made for this request only, never kept
            view = view._replace(answering=True, kept=reply.kept, reply_body=reply.body, reply_error=reply.error)
            fill(kept.cut(macro(comment, view, EMOJIS, NAMES)), values, out)
            return
        key = (comment, view)
        fill(known(key) or make(key, lambda: macro(comment, view, EMOJIS, NAMES)), values, out)

    out: list[str] = []
    for thread in threads:
        add(thread.comment, out)
        out.append(REPLIES if thread.replies else NO_REPLIES)
        for comment in thread.replies:
            add(comment, out)
            out.append(END_ITEM)
        out.append(END_REPLIES)
        out.append(END_ITEM)
    skeleton = CommentView(post.id, post.slug, post.comments_open, user is not None, can_see_versions, True, True,
                           (), (), csrf, owner_placeholder, skeleton=True)
    template: list[str] = []
    fill(known((PLACEHOLDER_COMMENT, skeleton))
         or make((PLACEHOLDER_COMMENT, skeleton), lambda: macro(PLACEHOLDER_COMMENT, skeleton, EMOJIS, NAMES)),
         values, template)
    template += (NO_REPLIES, END_REPLIES, END_ITEM)
    return Markup("".join(out)), Markup("".join(template))


def _macro(request: web.Request) -> Callable[..., Markup]:
    env = aiohttp_jinja2.get_env(request.app)
    module = env.get_template("comments/_comment.html").module
    macro: Callable[..., Markup] = getattr(module, "comment_item")
    return macro
