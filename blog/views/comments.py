"""Comments through plain HTML forms: add under a post, delete where allowed."""

from __future__ import annotations

from aiohttp import web

from blog.accounts.current import current_user, require_login
from blog.accounts.kept_forms import keeps_text
from blog.content.comments import (
    CLOSED,
    CommentsClosed,
    add_comment,
    can_delete_comment,
    comment_problem,
    delete_comment,
)
from blog.keys import STORE
from blog.views.posts import load_post, post_url, render_post_page
from blog.web.forms import read_form
from blog.web.ids import path_id


def _comment_form(request: web.Request) -> str:
    return f"post:{request.match_info['id']}:comment"


def _post_page(request: web.Request) -> str:
    return request.path.removesuffix("/comments") + "#comment-form"


@require_login
@keeps_text(_comment_form, _post_page)
async def create(request: web.Request) -> web.Response:
    user = current_user(request)
    assert user is not None
    post = await load_post(request)
    if not post.is_public:
        raise web.HTTPNotFound(text="Comments open once the post is published.")
    if not post.comments_open:
        raise web.HTTPForbidden(text=CLOSED)
    form = await read_form(request)
    body = form.text("body")["body"]
    problem = comment_problem(body, cut="body" in form.cut)
    if problem:
        return await render_post_page(request, post, comment_body=body, comment_error=problem, status=400)
    try:
        comment = await add_comment(request.app, post, user, body)
    except CommentsClosed:
        raise web.HTTPForbidden(text=CLOSED) from None
    raise web.HTTPSeeOther(location=post_url(request, post, f"#comment-{comment.id}"))


@require_login
async def delete(request: web.Request) -> web.Response:
    post = await load_post(request)
    missing = "This comment does not exist (any more)."
    comment = await request.config_dict[STORE].comments.by_id(path_id(request, "comment_id", missing))
    if comment is None or comment.post_id != post.id:
        raise web.HTTPNotFound(text="This comment does not exist (any more).")
    if not can_delete_comment(current_user(request), comment, post):
        raise web.HTTPForbidden(text="Only the comment's author, the post's author, editors and admins can delete it.")
    await delete_comment(request.app, comment)
    raise web.HTTPSeeOther(location=post_url(request, post, "#comments"))


def setup_routes(app: web.Application) -> None:
    app.router.add_post(r"/posts/{id:\d+}/{slug}/comments", create, name="add_comment")
    app.router.add_post(r"/posts/{id:\d+}/{slug}/comments/{comment_id:\d+}/delete", delete, name="delete_comment")
