"""Comments: validation, threads, and the services that save a comment, tell live readers
and notify the people it concerns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from aiohttp import web

from blog.content.mentions import render_comment, tell_mentioned
from blog.content.notifications import notify
from blog.keys import BROKER, STORE
from blog.store.comments import Comment
from blog.store.posts import Post
from blog.store.users import User

COMMENT_MAX = 5_000
CLOSED = "Comments are closed on this post."


class CommentsClosed(Exception):
    """The post takes no new comments (its author or the site's setting said so)."""


@dataclass
class Thread:
    """A comment and the replies under it, oldest first."""

    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def threads(comments: Sequence[Comment]) -> list[Thread]:
    """Comments (oldest first) as threads: each first comment with its replies under it.
    A reply whose thread is not among them (past the page's limit) shows on its own."""
    by_id: dict[int, Thread] = {}
    result: list[Thread] = []
    for comment in comments:
        thread = by_id.get(comment.parent_id) if comment.parent_id is not None else None
        if thread is not None:
            thread.replies.append(comment)
        else:
            by_id[comment.id] = Thread(comment)
            result.append(by_id[comment.id])
    return result


def comment_problem(body: str, *, cut: bool = False) -> str | None:
    """What is wrong with a comment, or None. `cut`: the form reader kept only the start of it."""
    if not body.strip():
        return "Write something before sending."
    if len(body) > COMMENT_MAX:
        length = f"more than {len(body):,}" if cut else f"{len(body):,}"
        return f"Keep comments to {COMMENT_MAX:,} characters (this one has {length})."
    return None


def can_delete_comment(user: User | None, comment: Comment, post: Post) -> bool:
    """A comment's author may delete it; so may the post's author, editors and admins (moderation)."""
    if user is None:
        return False
    return user.id in (comment.author_id, post.author_id) or user.can_edit_any_post


def can_moderate(user: User | None, post: Post) -> bool:
    return user is not None and (user.id == post.author_id or user.can_edit_any_post)


async def add_comment(app: web.Application, post: Post, author: User, body: str,
                      answering: Comment | None = None) -> Comment:
    """Saves the comment (a reply when `answering` another comment of the post), tells live
    readers and notifies: the author answered ("reply"), members named ("mention"), the
    post's author ("comment"), each once. CommentsClosed when the post takes none."""
    if not post.comments_open:
        raise CommentsClosed()
    body_html, mentioned = await render_comment(app, body)
    comment = await app[STORE].comments.add(
        post.id, author.id, body, body_html,
        parent_id=answering.thread_id if answering else None, reply_to_id=answering.id if answering else None)
    await app[BROKER].publish(post.id, comment.as_event())
    told = {author.id}
    if answering is not None and answering.author_id not in told and not answering.author_deleted:
        await notify(app, answering.author_id, "reply", author.id, post_id=post.id, comment_id=comment.id)
        told.add(answering.author_id)
    told |= await tell_mentioned(app, comment, mentioned, told)
    if post.author_id not in told:
        await notify(app, post.author_id, "comment", author.id, post_id=post.id, comment_id=comment.id)
    return comment


async def delete_comment(app: web.Application, comment: Comment) -> None:
    """Deletes the comment, and its replies with it when it begins a thread."""
    if await app[STORE].comments.delete(comment.id):
        await app[BROKER].publish(comment.post_id, {"kind": "comment_deleted", "id": comment.id})
