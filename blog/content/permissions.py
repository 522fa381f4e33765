"""Who may see and change a post. Checked on the server for every request."""

from __future__ import annotations

from blog.store.posts import Post
from blog.store.users import User


def can_edit(user: User | None, post: Post) -> bool:
    """Authors change their own posts; editors and admins change any post, and only they change pages."""
    if post.kind == "page":
        return can_write_pages(user)
    return user is not None and (user.id == post.author_id or user.can_edit_any_post)


def can_write_pages(user: User | None) -> bool:
    """Pages (About, Contact) speak for the whole site: editors and admins write them."""
    return user is not None and user.can_edit_any_post


def can_view(user: User | None, post: Post) -> bool:
    """Published posts are for everybody; drafts only for those who may edit them."""
    if post.deleted_at is not None:
        return False
    return post.status == "published" or can_edit(user, post)


def can_purge(user: User | None) -> bool:
    return user is not None and user.is_admin
