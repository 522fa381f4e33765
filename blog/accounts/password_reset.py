"""Forgotten passwords: a single-use link by mail, valid for an hour, that leads to a new password.

Asking for a link answers the same, in the same time, whether or not an account has the
address: the lookup, the link and the mail happen after the response, in the background.
Requests are limited per address and per client. Only a hash of each link's token is kept."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web

from blog.accounts.addresses import client_address
from blog.keys import MAILER, STORE
from blog.mail.sender import Mailer
from blog.store import Store
from blog.store.account_tokens import AccountToken
from blog.store.users import User
from blog.web.site import current_site
from blog.web.urls import public_base

log = logging.getLogger(__name__)
RESET_LIFETIME = 60 * 60
REQUEST_WINDOW = 60 * 60
REQUESTS_PER_ADDRESS = 3  # per email address and hour: a mailbox is not flooded
REQUESTS_PER_CLIENT = 10  # per client and hour: one client cannot write to many mailboxes
PURPOSE = "password_reset"


class TooManyResetRequests(Exception):
    """This address or this client asked too often within the window."""

    seconds = REQUEST_WINDOW


class LinkProblem(Exception):
    """A link that cannot be used; `message` says why, `status` is the page's."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class ResetLink:
    token: AccountToken
    user: User


async def request_reset(request: web.Request, email: str) -> None:
    """Counts the request and hands the rest (lookup, link, mail) to the background."""
    store, address = request.config_dict[STORE], client_address(request)
    by_email, by_client = await store.reset_requests.counts(email, address, REQUEST_WINDOW)
    if by_email >= REQUESTS_PER_ADDRESS or by_client >= REQUESTS_PER_CLIENT:
        raise TooManyResetRequests()
    await store.reset_requests.record(email, address)
    mailer: Mailer = request.config_dict[MAILER]
    site_title = (await current_site(request)).title
    mailer.in_background(mail_reset_link(store, mailer, email, public_base(request), site_title))


async def mail_reset_link(store: Store, mailer: Mailer, email: str, base_url: str, site_title: str) -> None:
    """Mails a fresh link to the account with this address, if there is one that may log in."""
    user = await store.users.by_email(email)
    if user is None or user.suspended_at is not None:
        return
    link = await new_reset_link(store, user, base_url)
    mailer.send(mailer.compose(user.email, f"Reset your password on {site_title}", reset_text(user, link, site_title),
                               site_title))


async def new_reset_link(store: Store, user: User, base_url: str) -> str:
    token = await store.account_tokens.issue(user.id, PURPOSE, RESET_LIFETIME)
    return f"{base_url}/password-reset/{token}"


def reset_text(user: User, link: str, site_title: str) -> str:
    return (
        f"Hello {user.name},\n\n"
        f"Somebody (we hope you) asked to reset the password of your account {user.username} on {site_title}.\n"
        f"Open this link within an hour to choose a new password; it works once:\n\n{link}\n\n"
        "If you did not ask for it, ignore this mail: your password stays as it is.\n"
    )


async def open_link(request: web.Request, token: str) -> ResetLink:
    """The link's record and account, or LinkProblem saying why it cannot be used."""
    store = request.config_dict[STORE]
    record = await store.account_tokens.find(token, PURPOSE)
    user = await store.users.by_id(record.user_id) if record is not None else None
    if record is None or user is None or user.deleted_at is not None or user.suspended_at is not None:
        raise LinkProblem("This password reset link is not valid.", 404)
    if record.used_at is not None:
        raise LinkProblem("This password reset link was used already: each link works once.", 410)
    if record.expired:
        raise LinkProblem("This password reset link has expired: links work for one hour.", 410)
    return ResetLink(record, user)


async def redeem(request: web.Request, link: ResetLink, password_hash: str) -> None:
    """Sets the new password; every session, API token and other reset link of the account ends."""
    store = request.config_dict[STORE]
    if not await store.account_tokens.use(link.token.id):
        raise LinkProblem("This password reset link was used already: each link works once.", 410)
    await store.users.reset_password(link.user.id, password_hash)
