"""Deleting an account, by its owner on the profile page or by an admin on the command line.

Sessions and API tokens end at once; the posts go to the trash or to another author;
comments stay, shown as by "deleted user" (see Users.delete_account)."""

from __future__ import annotations

from blog.store import Store
from blog.store.users import NewAuthorGone, User


class CannotTransfer(Exception):
    """The posts cannot go to that account; `str()` says why."""


async def transfer_target(store: Store, user: User, username: str) -> User:
    """The account that is to receive the posts: an active account other than the deleted one."""
    target = await store.users.by_username(username)
    if target is None or target.deleted_at is not None:
        raise CannotTransfer(f"There is no account named {username!r}.")
    if target.id == user.id:
        raise CannotTransfer("Choose an account other than the one being deleted.")
    if target.suspended_at is not None:
        raise CannotTransfer(f"{target.username} is suspended; choose an active account.")
    return target


async def delete_account(store: Store, user: User, posts_to: User | None) -> None:
    """Deletes the account (LastAdmin for the last admin; CannotTransfer if `posts_to` was
    deleted or suspended since it was chosen); its avatar files are the cleanup's."""
    try:
        await store.users.delete_account(user.id, posts_to.id if posts_to else None)
    except NewAuthorGone:
        assert posts_to is not None
        raise CannotTransfer(f"{posts_to.username} was deleted or suspended a moment ago;"
                             " choose another account.") from None
