"""Who is calling the API: `Authorization: Token <token>` or `Bearer <token>`, nothing else.

The browser's session cookie is deliberately ignored here, which is why the API
needs no CSRF token. Passwords are checked only where a token is issued (login
and POST /api/tokens), with the same failure counting as the HTML login."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from .. import clock
from ..auth import client_address
from ..keys import CONFIG, PASSWORDS, STORE
from ..store.users import User
from ..views.auth import LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW
from .errors import ApiError, unauthorized

TOKEN_SCHEMES = frozenset({"token", "bearer"})
# Ours are 43 characters; anything much longer is not worth hashing.
TOKEN_MAX_LENGTH = 256


@dataclass(frozen=True)
class Caller:
    """An authenticated API client: the account and the token it presented."""

    user: User
    token: str


def presented_token(request: web.Request) -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    value = value.strip()
    return value if scheme.lower() in TOKEN_SCHEMES and value else None


async def optional_caller(request: web.Request) -> Caller | None:
    """The caller when a token is presented; a token that is unknown, revoked or expired is a 401."""
    token = presented_token(request)
    if token is None:
        return None
    user = None
    if len(token) <= TOKEN_MAX_LENGTH and token.isascii():
        user = await request.config_dict[STORE].tokens.resolve(token)
    if user is None:
        raise unauthorized(message="is invalid, revoked or expired")
    return Caller(user, token)


async def require_caller(request: web.Request) -> Caller:
    caller = await optional_caller(request)
    if caller is None:
        raise unauthorized()
    return caller


def viewer_id(caller: Caller | None) -> int | None:
    return None if caller is None else caller.user.id


async def issue_token(request: web.Request, user: User, how: str) -> str:
    """A new token for the user, labelled so the account page can tell where it came from."""
    agent = request.headers.get("User-Agent", "")
    label = f"API {how}" + (f" ({agent})" if agent else "")
    return await request.config_dict[STORE].tokens.issue(user.id, request.config_dict[CONFIG].api_token_max_age, label)


async def check_password(request: web.Request, login: str, password: str, challenge: str) -> User:
    """The account when the password is right; counts failures and answers 429 past the limit."""
    store, passwords, address = request.config_dict[STORE], request.config_dict[PASSWORDS], client_address(request)
    retry_at = await store.login_failures.blocked_until(login, address, LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW)
    if retry_at is not None:
        seconds = max(1, int((retry_at - clock.now()).total_seconds()) + 1)
        raise ApiError(429, {"credentials": [f"were wrong too many times; try again in {seconds} seconds"]},
                       {"Retry-After": str(seconds)})
    found = await store.users.credentials(login)
    if not await passwords.verify(found[1] if found else None, password) or found is None:
        await store.login_failures.record(login, address)
        raise unauthorized("credentials", "invalid", challenge)
    user, stored_hash = found
    await store.login_failures.clear_account(login)
    if passwords.needs_rehash(stored_hash):
        await store.users.set_password_hash(user.id, await passwords.hash(password))
    return user
