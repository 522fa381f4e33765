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

from blog import clock
from blog.content.comment_edits import can_edit_comment, editable_since, editable_until
from blog.content.comments import Thread, can_delete_comment, threads
from blog.content.reactions import EMOJIS, NAMES
from blog.keys import COMMENT_HTML
from blog.store.comments import Comment
from blog.store.posts import Post
from blog.store.reactions import Reaction
from blog.store.users import User
from blog.web.csrf import ensure_csrf_token
from blog.web.kept_html import Joined, Joining

# The comment live.js copies for comments arriving live (the page holds it hidden, with id 0).
PLACEHOLDER_COMMENT = Comment(0, 0, 0, "", "", "", "1970-01-01T00:00:00.000000Z")
# Where _comment.html's part ends: the thread's replies, then the end of its <li>.
REPLIES = b'\n  <ol class="replies">\n    '
NO_REPLIES = b'\n  <ol class="replies" hidden>\n    '
END_REPLIES = b"\n  </ol>\n"
END_ITEM = b"</li>\n"
# The placeholders' names (blog/web/kept_html.py) for what differs per session or request,
# and where the threads go in the page.
CSRF, OWNER, THREADS = "c", "o", "t"
NEVER = "9999"  # after every ISO 8601 moment


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


class CommentsHtml(NamedTuple):
    threads: bytes  # UTF-8
    template: Markup  # #comment-template's
    as_of: str  # the newest comment or edit: live.js asks for the edits after it


async def comments_html(request: web.Request, post: Post, user: User | None, comments: Sequence[Comment],
                        reactions: Mapping[int, Sequence[Reaction]], can_see_versions: bool, reply: Reply, owner: str
                        ) -> CommentsHtml:
    """The comments' HTML for this reader; `owner`: the forms' stamp.

    `comments` and `reactions` are the remembered query results (the same objects until the
    next change): the whole list, joined, is kept for as long as they are the same, per kind
    of reader, so a reader of an unchanged thread costs a replace of this request's values."""
    kept = request.config_dict[COMMENT_HTML]
    values = {} if user is None else {
        CSRF: str(escape(ensure_csrf_token(await get_session(request)))).encode(), OWNER: str(escape(owner)).encode()}
    if reply.to is not None or not comments:  # one reader's own text, or nothing worth keeping
        html, template = _joined(request, post, user, threads(comments), reactions, can_see_versions, reply,
                                 editable_since(request.app))
        return CommentsHtml(html.filled(values), Markup(template.filled(values).decode()), _as_of(comments))
    reader = None if user is None else (user.id, user.username, user.can_edit_any_post)
    key, sources, now = (post.id, post.slug, post.comments_open, post.author_id, can_see_versions, reader), \
        (comments, reactions), clock.now_iso()
    joined = kept.joins.get(key, sources, now)
    if joined is None:
        since = editable_since(request.app)  # one moment for the Edit links and for how long they stay
        html, template = _joined(request, post, user, threads(comments), reactions, can_see_versions, reply, since)
        joined = html._replace(extra=_as_of(comments)), template
        kept.joins.put(key, sources, _edits_close(request.app, user, comments, since), joined)
    return CommentsHtml(joined[0].filled(values), Markup(joined[1].filled(values).decode()), joined[0].extra)


def _as_of(comments: Sequence[Comment]) -> str:
    return max((comment.edited_at or comment.created_at for comment in comments), default="")


def _edits_close(app: web.Application, user: User | None, comments: Sequence[Comment], since: str) -> str:
    """When the first of the member's comments still in their edit window (written after
    `since`) leaves it (their Edit buttons go then), or never."""
    if user is None or user.can_edit_any_post:
        return NEVER
    oldest_open = min((comment for comment in comments if comment.author_id == user.id and comment.created_at > since),
                      key=lambda comment: comment.created_at, default=None)
    return NEVER if oldest_open is None else editable_until(app, oldest_open)


def _joined(request: web.Request, post: Post, user: User | None, thread_list: list[Thread],
            reactions: Mapping[int, Sequence[Reaction]], can_see_versions: bool, reply: Reply,
            since: str) -> tuple[Joined, Joined]:
    """The threads' HTML and the template's, from each comment's kept part, with placeholders
    where each reader's values go; comments written after `since` are still editable."""
    kept = request.config_dict[COMMENT_HTML]
    macro = _macro(request)
    csrf, owner_placeholder = kept.placeholder(CSRF), kept.placeholder(OWNER)
    known, make = kept.known, kept.make
    out = Joining()
    part, text = out.part, out.text

    def add(comment: Comment) -> None:
        given = tuple(reactions[comment.id]) if comment.id in reactions else ()
        if user is None:
            view = CommentView(post.id, post.slug, post.comments_open, False, can_see_versions, False, False,
                               given, (), csrf, owner_placeholder)
        else:
            view = CommentView(post.id, post.slug, post.comments_open, True, can_see_versions,
                               can_edit_comment(request.app, user, comment, since),
                               can_delete_comment(user, comment, post),
                               given, tuple(found.emoji for found in given if user.username in found.usernames),
                               csrf, owner_placeholder)
        if reply.to == comment.id:  # one reader's own text: made for this request only, never kept
            view = view._replace(answering=True, kept=reply.kept, reply_body=reply.body, reply_error=reply.error)
            part(kept.cut(macro(comment, view, EMOJIS, NAMES)))
            return
        key = (comment, view)
        part(known(key) or make(key, lambda: macro(comment, view, EMOJIS, NAMES)))

    for thread in thread_list:
        add(thread.comment)
        text(REPLIES if thread.replies else NO_REPLIES)
        for comment in thread.replies:
            add(comment)
            text(END_ITEM)
        text(END_REPLIES)
        text(END_ITEM)
    skeleton = CommentView(post.id, post.slug, post.comments_open, user is not None, can_see_versions, True, True,
                           (), (), csrf, owner_placeholder, skeleton=True)
    template = Joining()
    template.part(known((PLACEHOLDER_COMMENT, skeleton))
                  or make((PLACEHOLDER_COMMENT, skeleton), lambda: macro(PLACEHOLDER_COMMENT, skeleton, EMOJIS, NAMES)))
    for end in (NO_REPLIES, END_REPLIES, END_ITEM):
        template.text(end)
    return out.done(), template.done()


def _macro(request: web.Request) -> Callable[..., Markup]:
    env = aiohttp_jinja2.get_env(request.app)
    module = env.get_template("comments/_comment.html").module
    macro: Callable[..., Markup] = getattr(module, "comment_item")
    return macro
