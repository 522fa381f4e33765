"""P/comments/<id>/edit: a comment's author fixes it within the edit window (editors and
admins at any time); P/comments/<id>/versions: what it said before, for moderators."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.accounts.current import current_user, require_login
from blog.content.comment_edits import (
    can_edit_comment,
    can_see_versions,
    edit_comment,
    editable_until,
    window_words,
)
from blog.content.comments import comment_problem
from blog.keys import STORE
from blog.store.comments import Comment
from blog.store.posts import Post
from blog.views.comments import comment_of
from blog.views.posts import load_post, post_url
from blog.web.forms import read_form


def _window_passed(request: web.Request) -> str:
    return (f"Comments can be edited for {window_words(request.app)} after they are written, and this one "
            "no longer can. Your text is below: copy it to keep it.")


def _render(request: web.Request, post: Post, comment: Comment, body: str, error: str | None,
            status: int = 200) -> web.Response:
    user = current_user(request)
    context: dict[str, Any] = {
        "post": post, "comment": comment, "body": body, "error": error,
        "window": window_words(request.app), "until": editable_until(request.app, comment),
        "moderating": user is not None and user.can_edit_any_post,
        "own": user is not None and user.id == comment.author_id,
        "can_save": can_edit_comment(request.app, user, comment),
    }
    return aiohttp_jinja2.render_template("comments/edit.html", request, context, status=status)


@require_login
async def edit_form(request: web.Request) -> web.Response:
    post = await load_post(request)
    comment = await comment_of(request, post)
    user = current_user(request)
    if not can_edit_comment(request.app, user, comment):
        if user is None or user.id != comment.author_id:
            raise web.HTTPForbidden(text="Only a comment's author (and editors and admins) can edit it.")
        return _render(request, post, comment, comment.body, _window_passed(request), status=403)
    return _render(request, post, comment, comment.body, None)


@require_login
async def save(request: web.Request) -> web.Response:
    post = await load_post(request)
    comment = await comment_of(request, post)
    user = current_user(request)
    assert user is not None
    form = await read_form(request)
    body = form.text("body")["body"]
    if not can_edit_comment(request.app, user, comment):
        if user.id != comment.author_id:
            raise web.HTTPForbidden(text="Only a comment's author (and editors and admins) can edit it.")
        return _render(request, post, comment, body, _window_passed(request), status=403)
    problem = comment_problem(body, cut="body" in form.cut)
    if problem:
        return _render(request, post, comment, body, problem, status=400)
    if body != comment.body:
        await edit_comment(request.app, comment, user, body)
    raise web.HTTPSeeOther(location=post_url(request, post, f"#comment-{comment.id}"))


@require_login
@aiohttp_jinja2.template("comments/versions.html")
async def versions(request: web.Request) -> dict[str, Any]:
    post = await load_post(request)
    comment = await comment_of(request, post)
    if not can_see_versions(current_user(request), post):
        raise web.HTTPForbidden(text="Earlier versions of comments are for the post's author, editors and admins.")
    return {"post": post, "comment": comment,
            "versions": list(reversed(await request.config_dict[STORE].comments.versions(comment.id)))}


def setup_routes(app: web.Application) -> None:
    path = r"/posts/{id:\d+}/{slug}/comments/{comment_id:\d+}"
    app.router.add_get(path + "/edit", edit_form, name="edit_comment")
    app.router.add_post(path + "/edit", save)
    app.router.add_get(path + "/versions", versions, name="comment_versions")
