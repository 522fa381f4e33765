"""Who is asking: require_login, the check_login middleware, logging in and out."""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp_session import get_session, new_session

from .keys import CONFIG, CURRENT_USER, SESSION_ID, STORE
from .security import rotate_csrf_token
from .store.users import User

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LOGIN_REQUIRED = "__blog_login_required__"
SESSION_TOKEN = "session_token"  # the key of the session token inside the encrypted cookie


def require_login(handler: Handler) -> Handler:
    """Marks a handler; check_login sends anonymous visitors to the login form instead."""
    setattr(handler, LOGIN_REQUIRED, True)
    return handler


def current_user(request: web.Request) -> User | None:
    return request.get(CURRENT_USER)


def login_url(request: web.Request) -> str:
    return str(request.app.router["login"].url_for().with_query(next=request.path_qs))


@web.middleware
async def check_login(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Loads the current user from the session and guards handlers marked @require_login."""
    request[CURRENT_USER], request[SESSION_ID] = await _resolve_session(request)
    if request[CURRENT_USER] is None and getattr(handler, LOGIN_REQUIRED, False):
        raise web.HTTPSeeOther(location=login_url(request))
    return await handler(request)


async def _resolve_session(request: web.Request) -> tuple[User | None, int | None]:
    session = await get_session(request)
    token = session.get(SESSION_TOKEN)
    if not isinstance(token, str):
        return None, None
    resolved = await request.app[STORE].sessions.resolve(token)
    if resolved is None:  # ended on the server (logout elsewhere, password change) or expired
        session.pop(SESSION_TOKEN, None)
        return None, None
    session_id, user = resolved
    return user, session_id


async def log_in(request: web.Request, user: User) -> None:
    """Starts a fresh session (never reusing the anonymous one) tied to a server-side row."""
    config = request.app[CONFIG]
    session_id, token = await request.app[STORE].sessions.start(
        user.id, config.session_max_age, request.headers.get("User-Agent", ""), client_address(request)
    )
    session = await new_session(request)
    session[SESSION_TOKEN] = token
    rotate_csrf_token(session)
    request[CURRENT_USER], request[SESSION_ID] = user, session_id


async def log_out(request: web.Request) -> None:
    session_id = request.get(SESSION_ID)
    if session_id is not None:
        await request.app[STORE].sessions.end(session_id)
    (await get_session(request)).invalidate()
    request[CURRENT_USER], request[SESSION_ID] = None, None


def client_address(request: web.Request) -> str:
    """The peer's address; behind a proxy, run with aiohttp's forwarded-header support."""
    remote = request.remote or ""
    try:
        return str(ipaddress.ip_address(remote))
    except ValueError:
        return remote or "unknown"


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
