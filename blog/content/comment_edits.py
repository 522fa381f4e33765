"""Editing a comment: who may, until when, and the service that saves the new text,
keeps the old one for moderators and tells live readers."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from blog import clock
from blog.content.comments import can_moderate
from blog.content.mentions import render_comment, tell_mentioned
from blog.keys import BROKER, CONFIG, STORE
from blog.store.comments import Comment
from blog.store.posts import Post
from blog.store.users import User


def edit_window(app: web.Application) -> timedelta:
    return timedelta(minutes=app[CONFIG].comment_edit_minutes)


def window_words(app: web.Application) -> str:
    """The window as the pages say it: "30 minutes", "1 hour"."""
    minutes = app[CONFIG].comment_edit_minutes
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'' if hours == 1 else 's'}"
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def editable_until(app: web.Application, comment: Comment) -> str:
    """Until when the comment's author may edit it (ISO 8601, UTC)."""
    return clock.iso(clock.parse(comment.created_at) + edit_window(app))


def editable_since(app: web.Application) -> str:
    """Comments written after this moment are still in their edit window (ISO 8601, UTC)."""
    return clock.iso(clock.now() - edit_window(app))


def can_edit_comment(app: web.Application, user: User | None, comment: Comment, since: str | None = None) -> bool:
    """Its author, within the edit window; editors and admins, always (they moderate every post).
    `since`: editable_since(app), for a caller asking about many comments at one moment."""
    if user is None:
        return False
    if user.can_edit_any_post:
        return True
    # Times are stored at a fixed width (clock.iso), so text order is time order.
    return user.id == comment.author_id and comment.created_at > (since or editable_since(app))


def can_see_versions(user: User | None, post: Post) -> bool:
    """Earlier versions are for those who moderate the post: its author, editors and admins."""
    return can_moderate(user, post)


async def edit_comment(app: web.Application, comment: Comment, editor: User, body: str) -> Comment:
    """Saves the new text (the old one becomes an earlier version), tells live readers, and
    notifies the members it newly names. Returns the comment as it now is."""
    body_html, mentioned = await render_comment(app, body)
    edited = await app[STORE].comments.edit(comment.id, editor.id, body, body_html)
    if edited is None:  # deleted meanwhile
        raise web.HTTPNotFound(text="This comment does not exist (any more).")
    await app[BROKER].publish(comment.post_id, edited.as_event("comment_edited"))
    _, named_before = await render_comment(app, comment.body)
    already = {user_id for user_id, _ in named_before.values()} | {comment.author_id}
    await tell_mentioned(app, edited, mentioned, already)
    return edited
