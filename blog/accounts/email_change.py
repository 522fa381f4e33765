"""Changing one's email address: the new address is proven by a link mailed to it, and
changes nothing until that link is opened. The old address is told afterwards."""

from __future__ import annotations

from aiohttp import web

from blog.keys import STORE
from blog.mail.send import send_mail
from blog.store.account_tokens import AccountToken
from blog.store.users import EmailTaken, User
from blog.web.site import current_site
from blog.web.urls import public_base

CONFIRM_LIFETIME = 24 * 60 * 60
PURPOSE = "email_change"


class EmailLinkProblem(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


async def ask_for_change(request: web.Request, user: User, new_email: str) -> None:
    """Mails a confirmation link to the new address; EmailTaken if an account has it already."""
    store = request.config_dict[STORE]
    if (other := await store.users.by_email(new_email)) is not None and other.id != user.id:
        raise EmailTaken(new_email)
    token = await store.account_tokens.issue(user.id, PURPOSE, CONFIRM_LIFETIME, new_email)
    link = f"{public_base(request)}/account/email/{token}"
    title = (await current_site(request)).title
    await send_mail(request, new_email, f"Confirm your new email address on {title}", (
        f"Hello {user.name},\n\n"
        f"To use this address for your account {user.username} on {title}, open this link within a day:\n\n"
        f"{link}\n\nUntil then your account keeps its old address. "
        "If you did not ask for this, ignore this mail.\n"))


async def open_link(request: web.Request, token: str) -> tuple[AccountToken, User]:
    store = request.config_dict[STORE]
    record = await store.account_tokens.find(token, PURPOSE)
    user = await store.users.by_id(record.user_id) if record is not None else None
    if record is None or user is None or user.deleted_at is not None or record.new_email is None:
        raise EmailLinkProblem("This confirmation link is not valid.", 404)
    if record.used_at is not None:
        raise EmailLinkProblem("This confirmation link was used already.", 410)
    if record.expired:
        raise EmailLinkProblem("This confirmation link has expired: ask for a new one on your profile page.", 410)
    return record, user


async def confirm(request: web.Request, record: AccountToken, user: User) -> User:
    """Makes the new address the account's; the old one is told. EmailTaken if somebody took it meanwhile."""
    store = request.config_dict[STORE]
    assert record.new_email is not None
    if not await store.account_tokens.use(record.id):
        raise EmailLinkProblem("This confirmation link was used already.", 410)
    changed = await store.users.update_profile(user.id, {"email": record.new_email})
    title = (await current_site(request)).title
    await send_mail(request, user.email, f"Your email address on {title} has changed", (
        f"Hello {user.name},\n\nThe account {user.username} on {title} now uses the address {changed.email}.\n"
        "If you did not do this, reset your password and tell an admin of the blog.\n"))
    return changed
