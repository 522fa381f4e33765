"""Profiles, and following their authors: /api/profiles/{username}[/follow]."""

from __future__ import annotations

from aiohttp import web

from blog.api.auth import optional_caller, require_caller, viewer_id
from blog.api.errors import forbidden, not_found
from blog.api.serializers import user_profile_json
from blog.content.following import follow as follow_member
from blog.keys import STORE
from blog.store.users import User
from blog.web.json_errors import json_response
from blog.web.urls import public_base


async def _profile_user(request: web.Request) -> User:
    user = await request.config_dict[STORE].users.by_username(request.match_info["username"])
    if user is None:
        raise not_found("profile")
    return user


def _answer(request: web.Request, user: User, following: bool) -> web.Response:
    return json_response({"profile": user_profile_json(user, following, public_base(request))})


async def show(request: web.Request) -> web.Response:
    caller = await optional_caller(request)
    user = await _profile_user(request)
    return _answer(request, user, await request.config_dict[STORE].social.is_following(viewer_id(caller), user.id))


async def follow(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    user = await _profile_user(request)
    if user.id == caller.user.id:
        raise forbidden("profile", "can't follow yourself")
    await follow_member(request.match_info.apps[0], caller.user.id, user.id, base_url=public_base(request))
    return _answer(request, user, True)


async def unfollow(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    user = await _profile_user(request)
    await request.config_dict[STORE].social.unfollow(caller.user.id, user.id)
    return _answer(request, user, False)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/profiles/{username}", show, name="profile")
    app.router.add_post("/profiles/{username}/follow", follow, name="follow")
    app.router.add_delete("/profiles/{username}/follow", unfollow)
