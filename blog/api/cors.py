"""CORS for the origins in config.cors_origins (none by default).

Only the Origin is echoed, never credentials: the API does not use cookies, so a
page of an allowed origin gains nothing but what its own token allows."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from blog.api.errors import ApiError
from blog.keys import CONFIG

ALLOWED_METHODS = "GET, POST, PUT, DELETE"
ALLOWED_HEADERS = "Authorization, Content-Type"
EXPOSED_HEADERS = "Link, Location, Retry-After, WWW-Authenticate"
PREFLIGHT_MAX_AGE = "600"


def allowed_origin(request: web.Request) -> str | None:
    origin = request.headers.get("Origin")
    if origin and origin.rstrip("/") in request.config_dict[CONFIG].cors_origin_set:
        return origin
    return None


@web.middleware
async def answer_preflight(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
        return await handler(request)
    if allowed_origin(request) is None:
        raise ApiError(403, {"origin": ["is not allowed to call this API from a browser"]})
    return web.Response(status=204, headers={
        "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
    })


async def add_cors_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: every /api answer, errors and preflights included."""
    if not request.config_dict[CONFIG].cors_origin_set:
        return
    vary = [value.strip() for value in response.headers.get("Vary", "").split(",") if value.strip()]
    if "Origin" not in vary:
        response.headers["Vary"] = ", ".join([*vary, "Origin"])
    origin = allowed_origin(request)
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
