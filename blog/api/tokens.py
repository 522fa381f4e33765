"""Tokens for scripts and clients: POST /api/tokens with HTTP Basic credentials issues one,
DELETE /api/tokens revokes the one presented. Only their hashes are stored (blog/store/tokens.py)."""

from __future__ import annotations

import base64

from aiohttp import hdrs, web

from blog.api.auth import check_password, issue_token, require_caller
from blog.api.errors import BASIC_CHALLENGE, unauthorized
from blog.keys import STORE
from blog.web.json_errors import json_response


def _basic_credentials(request: web.Request) -> tuple[str, str]:
    """Login (username or email) and password from `Authorization: Basic ...` (RFC 7617, UTF-8)."""
    scheme, _, encoded = request.headers.get(hdrs.AUTHORIZATION, "").strip().partition(" ")
    login = password = ""
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(encoded.strip().encode("ascii"), validate=True).decode("utf-8")
        except ValueError:  # not ASCII, not base64, or not UTF-8 (binascii and Unicode errors are ValueErrors)
            decoded = ""
        login, _, password = decoded.partition(":")
    if not login or not password:
        raise unauthorized("credentials", "are missing", BASIC_CHALLENGE)
    return login, password


async def issue(request: web.Request) -> web.Response:
    login, password = _basic_credentials(request)
    user = await check_password(request, login, password, BASIC_CHALLENGE)
    return json_response({"token": await issue_token(request, user, "token")}, status=201)


async def revoke(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    await request.config_dict[STORE].tokens.revoke(caller.token)
    return web.Response(status=204)


def setup_routes(app: web.Application) -> None:
    app.router.add_post("/tokens", issue, name="tokens")
    app.router.add_delete("/tokens", revoke)
