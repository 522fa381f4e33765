"""Errors in the RealWorld shape, `{"errors": {"<field>": ["<message>"]}}`: what every
failure under the API's prefix answers, whichever layer it happened in."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

TOKEN_CHALLENGE = 'Token realm="api", Bearer realm="api"'
# Headers an exception may carry that must reach the client.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")
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


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(
        text=json.dumps(data, ensure_ascii=False), status=status, content_type="application/json",
        headers=headers,
    )


def generic_error(status: int, request_id: str, headers: Mapping[str, str] | None = None) -> web.Response:
    """The RealWorld-shaped answer for a status that no handler explained ."""
    if status >= 500:
        field, message = "server", f"something went wrong on our side; it has been logged as request {request_id}"
    else:
        field, message = GENERIC_ERRORS.get(status, ("request", "could not be handled"))
    extra = {"WWW-Authenticate": TOKEN_CHALLENGE} if status == 401 else {}
    return json_response({"errors": {field: [message]}}, status=status, headers={**extra, **(headers or {})})
