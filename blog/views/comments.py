"""Comments through plain HTML forms: add under a post or reply to a comment, delete where allowed."""

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
from blog.store.comments import Comment
from blog.store.posts import Post
from blog.views.posts import load_post, post_url, render_post_page
from blog.web.forms import read_form
from blog.web.ids import path_id

MISSING = "This comment does not exist (any more)."
NOT_ANSWERABLE = "The comment you answered does not exist any more, so your reply was not sent. Here it is again."


def _comment_form(request: web.Request) -> str:
    return f"post:{request.match_info['id']}:comment"


def _post_page(request: web.Request) -> str:
    return request.path.removesuffix("/comments") + "#comment-form"


async def comment_of(request: web.Request, post: Post) -> Comment:
    """The comment in the URL, if it is one of this post's; else 404."""
    comment = await request.config_dict[STORE].comments.by_id(path_id(request, "comment_id", MISSING))
    if comment is None or comment.post_id != post.id:
        raise web.HTTPNotFound(text=MISSING)
    return comment


async def _answered(request: web.Request, post: Post, raw: str) -> Comment | None | str:
    """The comment a reply answers (None for a new thread), or what is wrong with `parent_id`."""
    if not raw.strip():
        return None
    value = raw.strip()
    parent_id = int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else 0
    answered = await request.config_dict[STORE].comments.by_id(parent_id) if parent_id else None
    if answered is None or answered.post_id != post.id:
        return NOT_ANSWERABLE
    return answered


@require_login
@keeps_text(_comment_form, _post_page)
async def create(request: web.Request) -> web.Response:
    """A new comment, or with `parent_id` a reply: it joins the thread of the comment it answers."""
    user = current_user(request)
    assert user is not None
    post = await load_post(request)
    if not post.is_public:
        raise web.HTTPNotFound(text="Comments open once the post is published.")
    if not post.comments_open:
        raise web.HTTPForbidden(text=CLOSED)
    form = await read_form(request)
    fields = form.text("body", "parent_id")
    body = fields["body"]
    answered = await _answered(request, post, fields["parent_id"])
    problem = answered if isinstance(answered, str) else comment_problem(body, cut="body" in form.cut)
    if problem:
        if isinstance(answered, Comment):
            return await render_post_page(request, post, reply_to=answered.id, reply_body=body, reply_error=problem,
                                          status=400)
        return await render_post_page(request, post, comment_body=body, comment_error=problem, status=400)
    try:
        comment = await add_comment(request.app, post, user, body, answered if isinstance(answered, Comment) else None)
    except CommentsClosed:
        raise web.HTTPForbidden(text=CLOSED) from None
    raise web.HTTPSeeOther(location=post_url(request, post, f"#comment-{comment.id}"))


@require_login
async def delete(request: web.Request) -> web.Response:
    post = await load_post(request)
    comment = await comment_of(request, post)
    if not can_delete_comment(current_user(request), comment, post):
        raise web.HTTPForbidden(text="Only the comment's author, the post's author, editors and admins can delete it.")
    await delete_comment(request.app, comment)
    raise web.HTTPSeeOther(location=post_url(request, post, "#comments"))


def setup_routes(app: web.Application) -> None:
    app.router.add_post(r"/posts/{id:\d+}/{slug}/comments", create, name="add_comment")
    app.router.add_post(r"/posts/{id:\d+}/{slug}/comments/{comment_id:\d+}/delete", delete, name="delete_comment")
