"""Errors in the RealWorld shape, `{"errors": {"<field>": ["<message>"]}}`, whatever raised them.

Handlers raise ApiError; the middleware also turns aiohttp's own exceptions
(unknown path, wrong method, body too large) and unexpected failures into that
shape, so an API client never sees an HTML page or a traceback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from aiohttp import web
from aiohttp.typedefs import Handler

from blog.keys import REQUEST_ID
from blog.web.json_errors import KEPT_HEADERS, TOKEN_CHALLENGE, generic_error, json_response

log = logging.getLogger(__name__)
Errors = dict[str, list[str]]

BASIC_CHALLENGE = 'Basic realm="api", charset="UTF-8"'


class ApiError(Exception):
    """An answer that is an error: its status, the errors per field, and any headers it needs."""

    def __init__(self, status: int, errors: Errors, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status, errors)
        self.status = status
        self.errors = errors
        self.headers = dict(headers or {})

    def response(self) -> web.Response:
        return json_response({"errors": self.errors}, status=self.status, headers=self.headers)


def not_found(field: str) -> ApiError:
    return ApiError(404, {field: ["not found"]})


def forbidden(field: str, message: str = "forbidden") -> ApiError:
    return ApiError(403, {field: [message]})


def invalid(errors: Errors) -> ApiError:
    return ApiError(422, errors)


def unauthorized(field: str = "token", message: str = "is missing", challenge: str = TOKEN_CHALLENGE) -> ApiError:
    return ApiError(401, {field: [message]}, {"WWW-Authenticate": challenge})


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
