"""Reading: the home page, a post, and the lists by tag and by author."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from ..auth import current_user
from ..comments import can_delete_comment, can_moderate
from ..keys import STORE
from ..permissions import can_edit, can_view
from ..store.posts import Page, Post


def post_url(request: web.Request, post: Post, suffix: str = "") -> str:
    """The canonical address of a post (or of one of its sub-pages)."""
    base = str(request.app.router["post"].url_for(id=str(post.id), slug=post.slug))
    return base + suffix


async def load_post(request: web.Request, *, canonical_suffix: str | None = None) -> Post:
    """The post in the URL if this visitor may see it, else 404 (drafts are not admitted to exist).

    With `canonical_suffix`, a GET at an outdated slug is sent to the current URL (301)."""
    try:
        post_id = int(request.match_info["id"])
    except (KeyError, ValueError):
        raise web.HTTPNotFound() from None
    post = await request.config_dict[STORE].posts.by_id(post_id)
    if post is None or not can_view(current_user(request), post):
        raise web.HTTPNotFound(text="There is no post at this address.")
    if canonical_suffix is not None and request.method == "GET" and request.match_info.get("slug") != post.slug:
        location = post_url(request, post, canonical_suffix)
        raise web.HTTPMovedPermanently(location=location + (f"?{request.query_string}" if request.query_string else ""))
    return post


async def _page(request: web.Request, **filters: Any) -> Page:
    before, after = request.query.get("before"), request.query.get("after")
    try:
        return await request.config_dict[STORE].posts.page(before=before, after=after, **filters)
    except ValueError:
        raise web.HTTPBadRequest(text="This page link is not valid. Start again from the first page.") from None


@aiohttp_jinja2.template("posts/list.html")
async def index(request: web.Request) -> dict[str, Any]:
    return {"page": await _page(request), "heading": None, "drafts": [], "empty": "There are no posts here yet."}


@aiohttp_jinja2.template("posts/list.html")
async def by_tag(request: web.Request) -> dict[str, Any]:
    tag = request.match_info["tag"]
    page = await _page(request, tag=tag)
    return {"page": page, "heading": f"Posts tagged “{tag}”", "drafts": [], "empty": "No posts have this tag yet."}


@aiohttp_jinja2.template("posts/list.html")
async def by_author(request: web.Request) -> dict[str, Any]:
    store = request.config_dict[STORE]
    author = await store.users.by_username(request.match_info["username"])
    if author is None:
        raise web.HTTPNotFound(text="There is nobody with that name here.")
    page = await _page(request, author_id=author.id)
    viewer = current_user(request)
    drafts = await store.posts.drafts_of(author.id) if viewer and viewer.id == author.id else []
    return {"page": page, "heading": f"Posts by {author.username}", "drafts": drafts,
            "empty": f"{author.username} has not published anything yet."}


async def show(request: web.Request) -> web.Response:
    post = await load_post(request, canonical_suffix="")
    return await render_post_page(request, post)


async def render_post_page(request: web.Request, post: Post, *, comment_body: str = "",
                           comment_error: str | None = None, status: int = 200) -> web.Response:
    """The post with its comments; the comment form shows again with its error when one failed."""
    user = current_user(request)
    comments = await request.config_dict[STORE].comments.of_post(post.id) if post.is_public else []
    context = {
        "post": post,
        "can_edit": can_edit(user, post),
        "comments": comments,
        "can_delete": lambda comment: can_delete_comment(user, comment, post),
        "can_moderate": can_moderate(user, post),
        "comment_body": comment_body,
        "comment_error": comment_error,
    }
    return aiohttp_jinja2.render_template("posts/post.html", request, context, status=status)


async def redirect_to_canonical(request: web.Request) -> web.Response:
    post = await load_post(request)
    raise web.HTTPMovedPermanently(location=post_url(request, post))


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/", index, name="index")
    app.router.add_get(r"/posts/{id:\d+}", redirect_to_canonical, name="post_by_id")
    app.router.add_get(r"/posts/{id:\d+}/{slug}", show, name="post")
    app.router.add_get("/tags/{tag}", by_tag, name="tag")
    app.router.add_get("/authors/{username}", by_author, name="author")
