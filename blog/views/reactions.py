"""P/comments/<id>/react: a member's reaction to a comment, given or taken back (a toggle).

A plain form POST answers with the post page again (303); live.js sends the same form with
`Accept: application/json` and gets the comment's reactions back."""

from __future__ import annotations

from aiohttp import web

from blog.accounts.current import current_user, require_login
from blog.content.reactions import UNKNOWN, known_emoji, react
from blog.views.comments import comment_of
from blog.views.posts import load_post, post_url
from blog.web.forms import read_form


def _wants_json(request: web.Request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


@require_login
async def toggle(request: web.Request) -> web.Response:
    post = await load_post(request)
    if not post.is_public:
        raise web.HTTPNotFound(text="There is no post at this address.")
    comment = await comment_of(request, post)
    user = current_user(request)
    assert user is not None
    emoji = known_emoji((await read_form(request)).fields.get("emoji"))
    if emoji is None:
        if _wants_json(request):
            return web.json_response({"error": "unknown_emoji", "message": UNKNOWN}, status=400)
        raise web.HTTPBadRequest(text=UNKNOWN)
    reactions = await react(request.app, comment, user, emoji)
    if _wants_json(request):
        return web.json_response({"id": comment.id, "reactions": [reaction.as_json() for reaction in reactions]})
    raise web.HTTPSeeOther(location=post_url(request, post, f"#comment-{comment.id}"))


def setup_routes(app: web.Application) -> None:
    app.router.add_post(r"/posts/{id:\d+}/{slug}/comments/{comment_id:\d+}/react", toggle, name="react_comment")
