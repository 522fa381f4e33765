"""Favoriting articles: /api/articles/{slug}/favorite. Only public posts can be favorited."""

from __future__ import annotations

from aiohttp import web

from blog.api.articles import article_response, load_post
from blog.api.auth import require_caller
from blog.keys import STORE


async def favorite(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    post = await load_post(request, caller, public=True)
    await request.config_dict[STORE].social.favorite(caller.user.id, post.id)
    return await article_response(request, post.id, caller)


async def unfavorite(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    post = await load_post(request, caller, public=True)
    await request.config_dict[STORE].social.unfavorite(caller.user.id, post.id)
    return await article_response(request, post.id, caller)


def setup_routes(app: web.Application) -> None:
    app.router.add_post("/articles/{slug}/favorite", favorite, name="favorite")
    app.router.add_delete("/articles/{slug}/favorite", unfavorite)
