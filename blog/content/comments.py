"""Comments: validation, and the service that saves a comment and tells live readers."""

from __future__ import annotations

from aiohttp import web

from blog.content.markdown import render_markdown
from blog.keys import BROKER, STORE
from blog.store.comments import Comment
from blog.store.posts import Post
from blog.store.users import User

COMMENT_MAX = 5_000
CLOSED = "Comments are closed on this post."


class CommentsClosed(Exception):
    """The post takes no new comments (its author or the site's setting said so)."""


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


async def add_comment(app: web.Application, post: Post, author: User, body: str) -> Comment:
    """Saves the comment and tells live readers; CommentsClosed when the post takes none."""
    if not post.comments_open:
        raise CommentsClosed()
    comment = await app[STORE].comments.add(post.id, author.id, body, render_markdown(body))
    await app[BROKER].publish(post.id, comment.as_event())
    return comment


async def delete_comment(app: web.Application, comment: Comment) -> None:
    if await app[STORE].comments.delete(comment.id):
        await app[BROKER].publish(comment.post_id, {"kind": "comment_deleted", "id": comment.id})
