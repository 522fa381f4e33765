"""How fast a client may guess passwords: failed logins within a sliding window."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from blog import clock
from blog.accounts.addresses import client_address
from blog.keys import STORE

LOGIN_FAILURE_LIMIT = 10
LOGIN_FAILURE_WINDOW = 5 * 60


class TooManyAttempts(Exception):
    """Guessing is paused; the client may try again after `retry_at`."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__(retry_at)
        self.retry_at = retry_at

    @property
    def seconds(self) -> int:
        """Whole seconds until the next try (Retry-After), at least one."""
        return max(1, int((self.retry_at - clock.now()).total_seconds()) + 1)


async def check_not_blocked(request: web.Request, login: str) -> None:
    """Raises TooManyAttempts when this account or this client failed too often lately."""
    retry_at = await request.config_dict[STORE].login_failures.blocked_until(
        login, client_address(request), LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW)
    if retry_at is not None:
        raise TooManyAttempts(retry_at)


async def record_failure(request: web.Request, login: str) -> None:
    await request.config_dict[STORE].login_failures.record(login, client_address(request))


async def forget_failures(request: web.Request, login: str) -> None:
    await request.config_dict[STORE].login_failures.clear_account(login)
