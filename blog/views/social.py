"""Following authors, favoriting posts, and the feed of followed authors' posts."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.accounts.current import current_user, require_login
from blog.content.following import follow as follow_member
from blog.keys import STORE
from blog.store.posts import Post
from blog.store.users import User
from blog.views.posts import list_page, load_post, post_url
from blog.web.urls import public_base


def _me(request: web.Request) -> User:
    user = current_user(request)
    assert user is not None  # @require_login ran first
    return user


async def _author(request: web.Request) -> User:
    author = await request.config_dict[STORE].users.by_username(request.match_info["username"])
    if author is None:
        raise web.HTTPNotFound(text="There is nobody with that name here.")
    return author


def _author_url(request: web.Request, author: User) -> str:
    return str(request.app.router["author"].url_for(username=author.username))


@require_login
async def follow(request: web.Request) -> web.Response:
    me, author = _me(request), await _author(request)
    if author.id == me.id:
        raise web.HTTPBadRequest(text="You cannot follow yourself.")
    await follow_member(request.app, me.id, author.id, base_url=public_base(request))
    raise web.HTTPSeeOther(location=_author_url(request, author))


@require_login
async def unfollow(request: web.Request) -> web.Response:
    me, author = _me(request), await _author(request)
    await request.config_dict[STORE].social.unfollow(me.id, author.id)
    raise web.HTTPSeeOther(location=_author_url(request, author))


async def _public_post_for(request: web.Request) -> Post:
    post = await load_post(request)
    if not post.is_public:
        raise web.HTTPNotFound(text="Only published posts can be favorited.")
    return post


@require_login
async def favorite(request: web.Request) -> web.Response:
    post = await _public_post_for(request)
    await request.config_dict[STORE].social.favorite(_me(request).id, post.id)
    raise web.HTTPSeeOther(location=post_url(request, post, "#favorite"))


@require_login
async def unfavorite(request: web.Request) -> web.Response:
    post = await _public_post_for(request)
    await request.config_dict[STORE].social.unfavorite(_me(request).id, post.id)
    raise web.HTTPSeeOther(location=post_url(request, post, "#favorite"))


@require_login
@aiohttp_jinja2.template("posts/list.html")
async def feed(request: web.Request) -> dict[str, Any]:
    return await list_page(request, "Your feed", "Nobody you follow has published anything yet. "
                           "Follow authors from their pages.", followed_by=_me(request).id)


def setup_routes(app: web.Application) -> None:
    app.router.add_post("/authors/{username}/follow", follow, name="follow")
    app.router.add_post("/authors/{username}/unfollow", unfollow, name="unfollow")
    app.router.add_post(r"/posts/{id:\d+}/{slug}/favorite", favorite, name="favorite")
    app.router.add_post(r"/posts/{id:\d+}/{slug}/unfavorite", unfavorite, name="unfavorite")
    app.router.add_get("/feed", feed, name="feed")
