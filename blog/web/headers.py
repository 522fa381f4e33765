"""The security headers every response carries, errors and static files included."""

from __future__ import annotations

from aiohttp import web

from blog.keys import CONFIG, REQUEST_ID
from blog.web.paths import STATIC_PREFIX

# Images may also come from https addresses: authors' avatars are URLs (as RealWorld
# profiles have them), and Markdown may show a picture from elsewhere. Nothing else may.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
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


HSTS = "max-age=63072000; includeSubDomains"


class ReadyResponse(web.Response):
    """A response that already carries every security header (a cached page's, built once)."""


def security_headers(*, secure: bool) -> dict[str, str]:
    """The headers of every page, for a response built ahead of its request."""
    return {**SECURITY_HEADERS, "Strict-Transport-Security": HSTS} if secure else dict(SECURITY_HEADERS)


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: runs for every response, errors and static files included."""
    if type(response) is ReadyResponse:
        return
    response.headers.update(SECURITY_HEADERS)
    request_id = request.get(REQUEST_ID)
    if request_id:
        response.headers["X-Request-Id"] = request_id
    if request.path.startswith(STATIC_PREFIX + "/") and "v" in request.query and response.status == 200:
        response.headers["Cache-Control"] = STATIC_CACHE_CONTROL
    if request.app[CONFIG].secure_cookies:
        response.headers["Strict-Transport-Security"] = HSTS
