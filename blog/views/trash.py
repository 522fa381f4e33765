"""The trash: posts moved out of sight, restorable by those who may edit them, purged by admins."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.accounts.current import current_user, require_login
from blog.content.permissions import can_edit, can_purge
from blog.keys import STORE
from blog.store.posts import Post
from blog.web.ids import path_id


@require_login
@aiohttp_jinja2.template("posts/trash.html")
async def trash(request: web.Request) -> dict[str, Any]:
    user = current_user(request)
    assert user is not None
    posts = await request.config_dict[STORE].posts.trashed(None if user.can_edit_any_post else user.id)
    return {"posts": posts, "can_purge": can_purge(user), "moved": request.query.get("moved")}


async def _trashed_post(request: web.Request) -> Post:
    post = await request.config_dict[STORE].posts.by_id(path_id(request, missing="There is no such post in your trash."))
    if post is None or post.deleted_at is None or not can_edit(current_user(request), post):
        raise web.HTTPNotFound(text="There is no such post in your trash.")
    return post


@require_login
async def restore(request: web.Request) -> web.Response:
    post = await _trashed_post(request)
    await request.config_dict[STORE].posts.restore_from_trash(post.id)
    raise web.HTTPSeeOther(location=str(request.app.router["post"].url_for(id=str(post.id), slug=post.slug)))


@require_login
async def purge(request: web.Request) -> web.Response:
    # The role first: every non-admin gets 403, whether or not the post exists or is theirs.
    if not can_purge(current_user(request)):
        raise web.HTTPForbidden(text="Only admins can delete posts for good.")
    post = await _trashed_post(request)
    await request.config_dict[STORE].posts.purge(post.id)  # its images go at the next cleanup
    raise web.HTTPSeeOther(location=str(request.app.router["trash"].url_for()))


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/trash", trash, name="trash")
    app.router.add_post(r"/trash/{id:\d+}/restore", restore, name="restore_post")
    app.router.add_post(r"/trash/{id:\d+}/purge", purge, name="purge_post")
