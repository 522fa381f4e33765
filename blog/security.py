"""CSRF protection and the security headers every response carries."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp_session import Session, get_session

from .keys import CONFIG, REQUEST_ID

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_SESSION_KEY = "csrf_token"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_PATH_PREFIX = "/api/"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Server": "blog",
}
STATIC_CACHE_CONTROL = "public, max-age=31536000, immutable"


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
        value = (await request.post()).get(CSRF_FORM_FIELD)
        return value if isinstance(value, str) else None
    return None


@web.middleware
async def csrf_protect(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Unsafe requests must come from our own pages and carry the session's token."""
    # Unknown paths and methods fall through, so they answer 404/405 rather than 403.
    # The API authenticates with tokens only, never this cookie, so a forged request gains nothing there.
    if request.method in UNSAFE_METHODS and request.match_info.http_exception is None \
            and not request.path.startswith(API_PATH_PREFIX):
        if is_foreign_origin(request):
            raise CsrfRejected(text="This request came from another site, so it was refused.")
        expected = (await get_session(request)).get(CSRF_SESSION_KEY)
        supplied = await _supplied_token(request)
        if not (isinstance(expected, str) and supplied and hmac.compare_digest(expected, supplied)):
            raise CsrfRejected(
                text="This form has expired or was not sent by this site. Go back, reload the page and try again."
            )
    return await handler(request)


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: runs for every response, errors and static files included."""
    response.headers.update(SECURITY_HEADERS)
    request_id = request.get(REQUEST_ID)
    if request_id:
        response.headers["X-Request-Id"] = request_id
    if request.path.startswith("/static/") and "v" in request.query and response.status == 200:
        response.headers["Cache-Control"] = STATIC_CACHE_CONTROL
    if request.app[CONFIG].secure_cookies:
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
