"""How fast clients may guess passwords and make accounts.

Logins follow OWASP's device-cookie scheme: what is slowed is the guessing client, never
the account's owner.

- A browser holding a valid device cookie for the account (accounts/device_cookies.py,
  issued at a successful login there) is counted on its own: at most DEVICE_FAILURE_LIMIT
  failures per window for that device. Strangers guessing at the account do not touch it.
- Every other client is a stranger to the account: failures against the account are
  counted whatever name or email was typed (both lead to the same account), at most
  ACCOUNT_FAILURE_LIMIT per window from all strangers together; and per client address,
  at most ADDRESS_FAILURE_LIMIT over every account, so guessing many accounts from one
  address is slowed too. That limit is larger than one account's, so one client's
  failures against one account never block other accounts' logins from its address.
- The API has no cookie jar: its logins are always strangers' (per account and address).

Each attempt is counted before its password is checked, in one write transaction
(store.attempts.reserve), so concurrent guesses cannot pass the limit; a right password
takes its attempt back. Registrations are limited per client address in the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from blog import clock
from blog.accounts.addresses import client_address
from blog.keys import CONFIG, STORE
from blog.store.attempts import Limit

ACCOUNT_FAILURE_LIMIT = 10
DEVICE_FAILURE_LIMIT = 10
ADDRESS_FAILURE_LIMIT = 3 * ACCOUNT_FAILURE_LIMIT
LOGIN_FAILURE_WINDOW = 5 * 60
REGISTRATION_WINDOW = 60 * 60


class TooManyAttempts(Exception):
    """Guessing is paused; the client may try again after `retry_at`."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__(retry_at)
        self.retry_at = retry_at

    @property
    def seconds(self) -> int:
        """Whole seconds until the next try (Retry-After), at least one."""
        return max(1, int((self.retry_at - clock.now()).total_seconds()) + 1)


@dataclass(frozen=True)
class Attempt:
    """An attempt counted against the limits, until cancel_attempt takes it back."""

    ids: list[int]


def login_limits(request: web.Request, account: str, device: str | None) -> list[Limit]:
    """The limits a login attempt counts against: its device's, or a stranger's."""
    if device is not None:
        return [Limit("device", device, DEVICE_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW)]
    return [Limit("account", account, ACCOUNT_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW),
            Limit("address", client_address(request), ADDRESS_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW)]


def registration_limits(request: web.Request) -> list[Limit]:
    most = request.config_dict[CONFIG].registrations_per_hour
    return [Limit("registration", client_address(request), most, REGISTRATION_WINDOW)]


async def reserve_attempt(request: web.Request, limits: list[Limit]) -> Attempt:
    """Counts the attempt, or raises TooManyAttempts (counting nothing) when a limit is reached."""
    reserved = await request.config_dict[STORE].attempts.reserve(limits)
    if isinstance(reserved, datetime):
        raise TooManyAttempts(reserved)
    return Attempt(reserved)


async def cancel_attempt(request: web.Request, attempt: Attempt) -> None:
    await request.config_dict[STORE].attempts.cancel(attempt.ids)
