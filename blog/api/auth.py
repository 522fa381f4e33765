"""Who is calling the API: `Authorization: Token <token>` or `Bearer <token>`, nothing else.

The browser's session cookie is deliberately ignored here, which is why the API
needs no CSRF token. Passwords are checked only where a token is issued (login
and POST /api/tokens), with the same failure counting as the HTML login."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from blog.accounts.login import AccountSuspended, WrongCredentials, authenticate
from blog.accounts.throttle import TooManyAttempts
from blog.api.errors import ApiError, unauthorized
from blog.keys import CONFIG, STORE
from blog.store.users import User

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
    """The account when the password is right; 401 when not, 429 while guessing is paused."""
    try:
        return await authenticate(request, login, password, device_cookies=False)
    except TooManyAttempts as exc:
        raise ApiError(429, {"credentials": [f"were wrong too many times; try again in {exc.seconds} seconds"]},
                       {"Retry-After": str(exc.seconds)}) from None
    except WrongCredentials:
        raise unauthorized("credentials", "invalid", challenge) from None
    except AccountSuspended:
        raise ApiError(403, {"account": ["is suspended"]}) from None
