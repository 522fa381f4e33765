"""create_api(config): the /api sub-application, mounted by blog/app.py.

The blog's own middlewares run first (request ids, security headers, the session,
which the API then ignores); ours turn every failure into RealWorld JSON and
answer CORS preflights. The store, password hashing and the live broker are the
blog's, reached through request.config_dict."""

from __future__ import annotations

import json
from pathlib import Path

from aiohttp import web

from blog.api import articles, comment_talk, comments, favorites, messages, notifications, profiles, tags, tokens, users
from blog.api.cors import add_cors_headers, answer_preflight
from blog.api.errors import handle_api_errors
from blog.config import Config
from blog.keys import API_OPENAPI, CONFIG

OPENAPI_PATH = Path(__file__).with_name("openapi.json")


def load_openapi() -> str:
    """The document as served; parsed once so a broken file stops the start, not a client."""
    return json.dumps(json.loads(OPENAPI_PATH.read_text(encoding="utf-8")), ensure_ascii=False)


async def openapi(request: web.Request) -> web.Response:
    return web.Response(text=request.app[API_OPENAPI], content_type="application/json")


def create_api(config: Config) -> web.Application:
    api = web.Application(middlewares=[handle_api_errors, answer_preflight])
    api[CONFIG] = config
    api[API_OPENAPI] = load_openapi()
    api.on_response_prepare.append(add_cors_headers)
    api.router.add_get("/openapi.json", openapi, name="openapi")
    for module in (users, profiles, articles, favorites, comments, comment_talk, tags, tokens, messages, notifications):
        module.setup_routes(api)
    return api
