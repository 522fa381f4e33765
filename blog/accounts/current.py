"""Who is asking: the check_login middleware loads the user behind the session cookie,
and a handler marked @require_login sends anonymous visitors to the login form."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler
from aiohttp_session import get_session

from blog.accounts.kept_forms import form_spot, keep_for_later
from blog.keys import CURRENT_USER, SESSION_EXPIRES, SESSION_ID, STORE
from blog.store.users import User

LOGIN_REQUIRED = "__blog_login_required__"
SESSION_TOKEN = "session_token"  # the key of the session token inside the encrypted cookie


def require_login(handler: Handler) -> Handler:
    """Marks a handler; check_login sends anonymous visitors to the login form instead."""
    setattr(handler, LOGIN_REQUIRED, True)
    return handler


def current_user(request: web.Request) -> User | None:
    return request.get(CURRENT_USER)


def admin_user(request: web.Request) -> User:
    """The current user when an admin (the handler is marked @require_login); 403 otherwise."""
    user = current_user(request)
    if user is None or not user.is_admin:
        raise web.HTTPForbidden(text="Only admins can do that.")
    return user


def login_url(request: web.Request) -> str:
    return str(request.app.router["login"].url_for().with_query(next=request.path_qs))


@web.middleware
async def check_login(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Loads the current user from the session and guards handlers marked @require_login;
    keeps what a form marked @keeps_text sent after its session ended (see kept_forms)."""
    user, session_id, expires = await _resolve_session(request)
    if user is not None and session_id is not None:
        request[CURRENT_USER], request[SESSION_ID], request[SESSION_EXPIRES] = user, session_id, expires
    spot = form_spot(handler)
    if spot is not None:  # a form sent from a session that has ended is kept, never acted on
        await keep_for_later(request, spot, user)
    if user is None and getattr(handler, LOGIN_REQUIRED, False):
        raise web.HTTPSeeOther(location=login_url(request))
    return await handler(request)


async def _resolve_session(request: web.Request) -> tuple[User | None, int | None, float]:
    session = await get_session(request)
    token = session.get(SESSION_TOKEN)
    if not isinstance(token, str):
        return None, None, 0.0
    resolved = await request.app[STORE].sessions.resolve(token)
    if resolved is None:  # ended on the server (logout elsewhere, password change) or expired
        session.pop(SESSION_TOKEN, None)
        return None, None, 0.0
    session_id, user, expires = resolved
    return user, session_id, expires
