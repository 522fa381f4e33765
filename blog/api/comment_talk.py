"""Conversations in the API, beside RealWorld's comments (which stay as they are):

  POST   /articles/{slug}/comments/{id}/replies           a reply to a comment
  PUT    /articles/{slug}/comments/{id}                   edit (its author within the window; editors, admins)
  GET    /articles/{slug}/comments/{id}/versions          earlier versions (the post's author, editors, admins)
  PUT    /articles/{slug}/comments/{id}/reactions/{emoji} give a reaction (idempotent)
  DELETE /articles/{slug}/comments/{id}/reactions/{emoji} take it back

They go through the same services as the HTML forms, so browsers see them live."""

from __future__ import annotations

from aiohttp import web

from blog.api.articles import load_post
from blog.api.auth import Caller, require_caller
from blog.api.comments import comment_body, comment_of, root_app
from blog.api.errors import ApiError, forbidden
from blog.api.serializers import comment_json
from blog.api.validation import read_object
from blog.content.comment_edits import can_edit_comment, can_see_versions, edit_comment, window_words
from blog.content.comments import CommentsClosed, add_comment
from blog.content.reactions import EMOJIS, known_emoji, react
from blog.keys import STORE
from blog.store.comments import Comment
from blog.web.json_errors import json_response
from blog.web.urls import public_base


async def _comment_response(request: web.Request, comment: Comment, caller: Caller, status: int = 200) -> web.Response:
    store = request.config_dict[STORE]
    author = await store.users.by_id(comment.author_id)
    assert author is not None  # accounts are anonymised, never removed
    following = comment.author_id in await store.social.followed_among(caller.user.id, [comment.author_id])
    reactions = await store.reactions.of_comment(comment.id)
    return json_response({"comment": comment_json(comment, author, following, public_base(request), reactions)},
                         status=status)


async def reply(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    post = await load_post(request, caller, public=True)
    answered = await comment_of(request, post)
    if not post.comments_open:
        raise forbidden("comment", "comments are closed on this article")
    body = comment_body(await read_object(request, "comment"))
    try:
        comment = await add_comment(root_app(request), post, caller.user, body, answered)
    except CommentsClosed:
        raise forbidden("comment", "comments are closed on this article") from None
    return await _comment_response(request, comment, caller, status=201)


async def edit(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    post = await load_post(request, caller, public=True)
    comment = await comment_of(request, post)
    app = root_app(request)
    if not can_edit_comment(app, caller.user, comment):
        if caller.user.id == comment.author_id:
            raise forbidden("comment", f"comments can be edited for {window_words(app)} after they are written")
        raise forbidden("comment")
    body = comment_body(await read_object(request, "comment"))
    if body != comment.body:
        comment = await edit_comment(app, comment, caller.user, body)
    return await _comment_response(request, comment, caller)


async def versions(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    post = await load_post(request, caller, public=True)
    comment = await comment_of(request, post)
    if not can_see_versions(caller.user, post):
        raise forbidden("comment", "earlier versions are for the article's author, editors and admins")
    found = await request.config_dict[STORE].comments.versions(comment.id)
    return json_response({"versions": [
        {"body": version.body, "writtenAt": version.written_at, "replacedAt": version.replaced_at,
         "replacedBy": version.replaced_by} for version in reversed(found)]})


async def _reaction(request: web.Request, present: bool) -> web.Response:
    caller = await require_caller(request)
    post = await load_post(request, caller, public=True)
    comment = await comment_of(request, post)
    emoji = known_emoji(request.match_info["emoji"])
    if emoji is None:
        raise ApiError(422, {"emoji": [f"must be one of {' '.join(EMOJIS)}"]})
    await react(root_app(request), comment, caller.user, emoji, present)
    return await _comment_response(request, comment, caller)


async def give_reaction(request: web.Request) -> web.Response:
    return await _reaction(request, True)


async def take_back_reaction(request: web.Request) -> web.Response:
    return await _reaction(request, False)


def setup_routes(app: web.Application) -> None:
    comment = "/articles/{slug}/comments/{id}"
    app.router.add_put(comment, edit)
    app.router.add_post(comment + "/replies", reply)
    app.router.add_get(comment + "/versions", versions)
    app.router.add_put(comment + "/reactions/{emoji}", give_reaction)
    app.router.add_delete(comment + "/reactions/{emoji}", take_back_reaction)
