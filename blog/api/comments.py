"""Comments on articles: /api/articles/{slug}/comments[/{id}].

Adding and deleting go through blog.comments' services, so readers of the post in a
browser see API comments arrive (and leave) live, exactly like those of the HTML form."""

from __future__ import annotations

from aiohttp import web

from blog.api.articles import load_post
from blog.api.auth import optional_caller, require_caller, viewer_id
from blog.api.errors import Errors, forbidden, invalid, not_found
from blog.api.serializers import comment_json
from blog.api.validation import BIG_DIGITS, BLANK, INTEGER, is_blank, optional_text, read_object, too_long
from blog.content.comments import COMMENT_MAX, CommentsClosed, add_comment, can_delete_comment, delete_comment
from blog.keys import STORE
from blog.store.comments import Comment
from blog.store.db import SQLITE_INTEGER_MAX
from blog.store.posts import Post
from blog.web.json_errors import json_response
from blog.web.urls import public_base


def root_app(request: web.Request) -> web.Application:
    """The blog itself (this API is its sub-application): the live broker and the store live there."""
    return request.match_info.apps[0]


async def list_comments(request: web.Request) -> web.Response:
    caller = await optional_caller(request)
    post = await load_post(request, caller, public=True)
    store = request.config_dict[STORE]
    comments = await store.comments.of_post(post.id)
    author_ids = sorted({comment.author_id for comment in comments})
    authors = await store.users.by_ids(author_ids)
    followed = await store.social.followed_among(viewer_id(caller), author_ids)
    reactions = await store.reactions.of_post(post.id) if comments else {}
    base = public_base(request)
    return json_response({"comments": [
        comment_json(comment, authors[comment.author_id], comment.author_id in followed, base, reactions.get(comment.id))
        for comment in comments]})


def comment_body(data: dict[str, object]) -> str:
    errors: Errors = {}
    body = optional_text(data, "body", errors)
    if "body" not in errors and (body is None or is_blank(body)):
        errors["body"] = [BLANK]
    elif body is not None and len(body) > COMMENT_MAX:
        errors["body"] = [too_long(COMMENT_MAX)]
    if errors or body is None:
        raise invalid(errors)
    return body


async def create(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    post = await load_post(request, caller, public=True)
    if not post.comments_open:
        raise forbidden("comment", "comments are closed on this article")
    body = comment_body(await read_object(request, "comment"))
    try:
        comment = await add_comment(root_app(request), post, caller.user, body)
    except CommentsClosed:
        raise forbidden("comment", "comments are closed on this article") from None
    return json_response({"comment": comment_json(comment, caller.user, False, public_base(request))}, status=201)


async def comment_of(request: web.Request, post: Post) -> Comment:
    match = INTEGER.fullmatch(request.match_info["id"])
    if match is None:
        raise invalid({"id": ["must be an integer"]})
    sign, digits = match.groups()
    comment = None
    if sign != "-" and 0 < len(digits) <= BIG_DIGITS and 0 < int(digits) <= SQLITE_INTEGER_MAX:
        comment = await request.config_dict[STORE].comments.by_id(int(digits))
    if comment is None or comment.post_id != post.id:
        raise not_found("comment")
    return comment


async def delete(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    post = await load_post(request, caller, public=True)
    comment = await comment_of(request, post)
    if not can_delete_comment(caller.user, comment, post):
        raise forbidden("comment")
    await delete_comment(root_app(request), comment)
    return web.Response(status=204)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/articles/{slug}/comments", list_comments, name="comments")
    app.router.add_post("/articles/{slug}/comments", create)
    app.router.add_delete("/articles/{slug}/comments/{id}", delete, name="comment")
