"""Logging in and out: the one password check (throttle, verify, rehash) that the HTML
form and the API both use, and the sessions it starts and ends."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web
from aiohttp_session import get_session, new_session

from blog.accounts.addresses import client_address
from blog.accounts.current import SESSION_TOKEN
from blog.accounts.kept_forms import KEPT_SESSION_KEY
from blog.accounts.throttle import cancel_attempt, login_limits, reserve_attempt
from blog.keys import CONFIG, CURRENT_USER, DEVICE_COOKIES, PASSWORDS, SESSION_ID, STORE
from blog.store.users import User
from blog.web.csrf import rotate_csrf_token

# No username (30) or email (254) is longer: a longer login names no account, and is
# bounded before anything of it is stored.
LOGIN_MAX_LENGTH = 254


class WrongCredentials(Exception):
    """No account has this login and password (which of the two is wrong is not said)."""


class AccountSuspended(Exception):
    """The password is right, but an admin suspended the account."""


async def authenticate(request: web.Request, login: str, password: str, *, device_cookies: bool = True) -> User:
    """The account when the password is right. Raises TooManyAttempts while this client may
    not try (see accounts/throttle.py), WrongCredentials otherwise, and AccountSuspended for
    a suspended account; upgrades an old hash on success. `device_cookies=False` for the
    API, whose clients keep no cookies."""
    store, passwords = request.config_dict[STORE], request.config_dict[PASSWORDS]
    found = await store.users.credentials(login) if login and len(login) <= LOGIN_MAX_LENGTH else None
    # Failures count against the account, whichever of its names was typed.
    account = f"user:{found[0].id}" if found else f"name:{login[:LOGIN_MAX_LENGTH].lower()}"
    device = request.config_dict[DEVICE_COOKIES].nonce_for(request, found[0].id) if found and device_cookies else None
    attempt = await reserve_attempt(request, login_limits(request, account, device))
    if not await passwords.verify(found[1] if found else None, password) or found is None:
        raise WrongCredentials()  # the attempt stays counted: it was a failure
    await cancel_attempt(request, attempt)
    user, stored_hash = found
    if user.suspended_at is not None:  # said only to whoever knows the password
        raise AccountSuspended()
    if passwords.needs_rehash(stored_hash):
        await store.users.set_password_hash(user.id, await passwords.hash(password))
    return user


async def log_in(request: web.Request, user: User) -> None:
    """Starts a fresh session (never reusing the anonymous one) tied to a server-side row."""
    config = request.app[CONFIG]
    session_id, token = await request.app[STORE].sessions.start(
        user.id, config.session_max_age, request.headers.get("User-Agent", ""), client_address(request)
    )
    kept = (await get_session(request)).get(KEPT_SESSION_KEY)  # text kept for after this login
    session = await new_session(request)
    session[SESSION_TOKEN] = token
    if kept is not None:
        session[KEPT_SESSION_KEY] = kept
    rotate_csrf_token(session)
    request[CURRENT_USER], request[SESSION_ID] = user, session_id
    request.config_dict[DEVICE_COOKIES].remember(request, user.id)  # this browser may log in while strangers guess


async def log_out(request: web.Request) -> None:
    session_id = request.get(SESSION_ID)
    if session_id is not None:
        await request.app[STORE].sessions.end(session_id)
    (await get_session(request)).invalidate()
    request.pop(CURRENT_USER, None)
    request.pop(SESSION_ID, None)


def safe_next(target: str | None, default: str = "/") -> str:
    """A redirect target only when it is a path on this site: never //other.site or a scheme."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
