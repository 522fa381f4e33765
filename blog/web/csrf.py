"""CSRF protection: unsafe requests from cookie sessions must come from our own pages
and carry the session's token."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler
from aiohttp_session import Session, get_session

from blog.web.forms import FORM_TYPES, read_form
from blog.web.paths import is_api_path

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_SESSION_KEY = "csrf_token"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class CsrfRejected(web.HTTPForbidden):
    """A form that cannot be trusted: its token is missing, stale, or it came from another site."""


def ensure_csrf_token(session: Session) -> str:
    token = session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str):
        token = rotate_csrf_token(session)
    return token


def rotate_csrf_token(session: Session) -> str:
    token = secrets.token_urlsafe(32)
    session[CSRF_SESSION_KEY] = token
    return token


def is_foreign_origin(request: web.Request) -> bool:
    """True when the browser says the request was made by a page of another site."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    if origin == "null":
        return True
    return urlsplit(origin).netloc.lower() != request.host.lower()


async def _supplied_token(request: web.Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.content_type in FORM_TYPES:
        return (await read_form(request)).fields.get(CSRF_FORM_FIELD)
    return None


async def carries_session_token(request: web.Request) -> bool:
    """True when the request (header or form field) carries this session's CSRF token."""
    expected = (await get_session(request)).get(CSRF_SESSION_KEY)
    supplied = await _supplied_token(request)
    return bool(isinstance(expected, str) and supplied and hmac.compare_digest(expected, supplied))


@web.middleware
async def csrf_protect(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Unsafe requests must come from our own pages and carry the session's token."""
    # Unknown paths and methods fall through, so they answer 404/405 rather than 403.
    # The API authenticates with tokens only, never this cookie, so a forged request gains nothing there.
    if request.method in UNSAFE_METHODS and request.match_info.http_exception is None \
            and not is_api_path(request.path):
        if is_foreign_origin(request):
            raise CsrfRejected(text="This request came from another site, so it was refused.")
        if not await carries_session_token(request):
            raise CsrfRejected(
                text="This form has expired or was not sent by this site. Go back, reload the page and try again."
            )
    return await handler(request)


