"""Errors in the RealWorld shape, `{"errors": {"<field>": ["<message>"]}}`, whatever raised them.

Handlers raise ApiError; the middleware also turns aiohttp's own exceptions
(unknown path, wrong method, body too large) and unexpected failures into that
shape, so an API client never sees an HTML page or a traceback."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from ..keys import REQUEST_ID

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Errors = dict[str, list[str]]

API_PREFIX = "/api"
TOKEN_CHALLENGE = 'Token realm="api", Bearer realm="api"'
BASIC_CHALLENGE = 'Basic realm="api", charset="UTF-8"'
# What aiohttp's own exceptions mean to an API client: the field at fault and a short message.
GENERIC_ERRORS = {
    400: ("body", "could not be understood"),
    401: ("token", "is missing"),
    403: ("request", "is not allowed"),
    404: ("path", "not found"),
    405: ("method", "is not allowed here"),
    413: ("body", "is too large"),
    415: ("body", "must be sent as application/json"),
    429: ("request", "too many requests; wait a little and try again"),
}
# Headers an exception may carry that must reach the client.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiError(Exception):
    """An answer that is an error: its status, the errors per field, and any headers it needs."""

    def __init__(self, status: int, errors: Errors, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status, errors)
        self.status = status
        self.errors = errors
        self.headers = dict(headers or {})

    def response(self) -> web.Response:
        return json_response({"errors": self.errors}, status=self.status, headers=self.headers)


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(
        text=json.dumps(data, ensure_ascii=False), status=status, content_type="application/json",
        headers=headers,
    )


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def not_found(field: str) -> ApiError:
    return ApiError(404, {field: ["not found"]})


def forbidden(field: str, message: str = "forbidden") -> ApiError:
    return ApiError(403, {field: [message]})


def invalid(errors: Errors) -> ApiError:
    return ApiError(422, errors)


def unauthorized(field: str = "token", message: str = "is missing", challenge: str = TOKEN_CHALLENGE) -> ApiError:
    return ApiError(401, {field: [message]}, {"WWW-Authenticate": challenge})


def generic_error(status: int, request_id: str, headers: Mapping[str, str] | None = None) -> web.Response:
    """The RealWorld-shaped answer for a status that no handler explained (used by blog/errors.py too)."""
    if status >= 500:
        field, message = "server", f"something went wrong on our side; it has been logged as request {request_id}"
    else:
        field, message = GENERIC_ERRORS.get(status, ("request", "could not be handled"))
    extra = {"WWW-Authenticate": TOKEN_CHALLENGE} if status == 401 else {}
    return json_response({"errors": {field: [message]}}, status=status, headers={**extra, **(headers or {})})


@web.middleware
async def handle_api_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return exc.response()
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        kept = {name: exc.headers[name] for name in KEPT_HEADERS if name in exc.headers}
        return generic_error(exc.status, request.get(REQUEST_ID, ""), kept)
    except (asyncio.CancelledError, ConnectionResetError):
        raise
    except Exception:
        request_id = request.get(REQUEST_ID, "")
        log.exception("API request %s failed: %s %s", request_id, request.method, request.path)
        return generic_error(500, request_id)
