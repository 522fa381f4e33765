"""Reading: the home page, a post, and the lists by tag and by author."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from blog.accounts.current import current_user
from blog.accounts.kept_forms import form_owner, take_kept_text
from blog.content.comments import can_moderate
from blog.content.permissions import can_edit, can_view
from blog.content.post_form import normalise_tag
from blog.keys import SHARED_PAGES, STORE
from blog.store.post_lists import ListedPost, Page
from blog.store.posts import Post
from blog.views.comment_threads import comments_context, threads_mark
from blog.views.feeds import author_feed_link, tag_feed_link
from blog.views.link_previews import PAGING_PARAMETERS, list_preview, post_preview
from blog.views.nav_counts import nav_state
from blog.web.csrf import CSRF_SESSION_KEY
from blog.web.ids import path_id
from blog.web.shared_pages import render_shared
from blog.web.site import current_site


def post_url(request: web.Request, post: Post, suffix: str = "") -> str:
    """The canonical address of a post (or of one of its sub-pages: edit, history...).

    A page is read at /pages/<slug>; its editor, history and trash are the posts' own."""
    if post.kind == "page" and not suffix.startswith("/"):
        return str(request.app.router["page"].url_for(slug=post.slug)) + suffix
    base = str(request.app.router["post"].url_for(id=str(post.id), slug=post.slug))
    return base + suffix


async def load_post(request: web.Request, *, canonical_suffix: str | None = None) -> Post:
    """The post in the URL if this visitor may see it, else 404 (drafts are not admitted to exist).

    With `canonical_suffix`, a GET at an outdated slug is sent to the current URL (301)."""
    posts, post_id = request.config_dict[STORE].posts, path_id(request, missing="There is no post at this address.")
    post = await (posts.shown(post_id) if request.method in ("GET", "HEAD") else posts.by_id(post_id))
    user = current_user(request)
    if post is not None and post.deleted_at is not None and can_edit(user, post):
        raise web.HTTPNotFound(text="This post is in the trash. Restore it from the trash to see it again.")
    if post is None or not can_view(user, post):
        raise web.HTTPNotFound(text="There is no post at this address.")
    if canonical_suffix is not None and request.method in ("GET", "HEAD") and request.match_info.get("slug") != post.slug:
        location = post_url(request, post, canonical_suffix)
        raise web.HTTPMovedPermanently(location=location + (f"?{request.query_string}" if request.query_string else ""))
    return post


def _cursors(request: web.Request, prefix: str = "") -> tuple[str | None, str | None]:
    """The page's (before, after) cursors from the query, under these names with `prefix`."""
    return request.query.get(prefix + "before") or None, request.query.get(prefix + "after") or None


async def _page(request: web.Request, **filters: Any) -> Page:
    before, after = _cursors(request)
    try:
        return await request.config_dict[STORE].posts.page(before=before, after=after, **filters)
    except ValueError:
        raise web.HTTPBadRequest(text="This page link is not valid. Start again from the first page.") from None


async def _drafts(request: web.Request, author_id: int) -> Page:
    """A page of the author's own drafts, paged by drafts_before / drafts_after."""
    before, after = _cursors(request, "drafts_")
    try:
        return await request.config_dict[STORE].posts.drafts_page(author_id, before=before, after=after)
    except ValueError:
        raise web.HTTPBadRequest(text="This page link is not valid. Start again from the first page.") from None


async def _scheduled(request: web.Request, author_id: int) -> list[ListedPost]:
    """The author's scheduled posts, above the first page of their drafts (not repeated on the next ones)."""
    if any(request.query.get(name) for name in ("drafts_before", "drafts_after")):
        return []
    return await request.config_dict[STORE].posts.scheduled_of(author_id)


async def list_page(request: web.Request, heading: str | None, empty: str, **filters: Any) -> dict[str, Any]:
    """The context of posts/list.html: a page of posts and what to say when there are none."""
    return {"page": await _page(request, **filters), "heading": heading, "empty": empty, "drafts": None,
            "scheduled": []}


async def nav_identity(request: web.Request) -> tuple[object, ...] | None:
    """Everything the nav shows that differs between readers (see shared_pages)."""
    user = current_user(request)
    if user is None:
        return ("anonymous", (await current_site(request)).registration_open)
    token = (await get_session(request)).get(CSRF_SESSION_KEY)
    return (user.id, user.username, user.role, token, *await nav_state(request)) if token else None


async def index(request: web.Request) -> web.Response:
    async def context() -> dict[str, Any]:
        site = await current_site(request)
        return {**await list_page(request, None, "There are no posts here yet."),
                "preview": list_preview(request, site, site.title, site.description)}

    return await render_shared(request, request.config_dict[SHARED_PAGES], "posts/list.html", context,
                               await nav_identity(request), reads=PAGING_PARAMETERS)


async def by_tag(request: web.Request) -> web.Response:
    tag, normal = request.match_info["tag"], normalise_tag(request.match_info["tag"])
    if not normal:  # no post can ever carry it
        raise web.HTTPNotFound(text="There is no such tag: tags are made of letters, digits, - and _.")
    if normal != tag:
        raise web.HTTPMovedPermanently(location=str(request.app.router["tag"].url_for(tag=normal)))

    async def context() -> dict[str, Any]:
        site, heading = await current_site(request), f"Posts tagged “{tag}”"
        return {**await list_page(request, heading, "No posts have this tag yet.", tag=tag), "tag_feed": tag,
                "preview": list_preview(request, site, heading, f"{heading} on {site.title}.",
                                        [tag_feed_link(request, site, tag)])}

    return await render_shared(request, request.config_dict[SHARED_PAGES], "posts/list.html", context,
                               await nav_identity(request), reads=PAGING_PARAMETERS)


@aiohttp_jinja2.template("posts/list.html")
async def by_author(request: web.Request) -> dict[str, Any]:
    store = request.config_dict[STORE]
    author = await store.users.by_username(request.match_info["username"])
    if author is None or author.deleted_at is not None:
        raise web.HTTPNotFound(text="There is nobody with that name here.")
    viewer, site, heading = current_user(request), await current_site(request), f"Posts by {author.name}"
    context = await list_page(request, heading, f"{author.name} has not published anything yet.",
                              author_id=author.id)
    return {
        **context,
        "drafts": await _drafts(request, author.id) if viewer and viewer.id == author.id else None,
        "scheduled": await _scheduled(request, author.id) if viewer and viewer.id == author.id else [],
        "author": author,
        "following": await store.social.is_following(viewer.id if viewer else None, author.id),
        "followers": await store.social.follower_count(author.id),
        "following_count": await store.catalog.following_count(author.id),
        "preview": list_preview(request, site, heading, author.bio or f"{heading} on {site.title}.",
                                [author_feed_link(request, site, author.username)]),
    }


async def show(request: web.Request) -> web.Response:
    post = await load_post(request, canonical_suffix="")
    if post.kind == "page":
        raise web.HTTPMovedPermanently(location=post_url(request, post))
    # Only where the comment form shows: a kept comment is handed over once.
    kept = await take_kept_text(request, f"post:{post.id}:comment") if post.is_public and post.comments_open else None
    if kept is not None:  # a comment sent after the session ended, back in its form
        body, parent = kept.fields.get("body", ""), kept.fields.get("parent_id", "")
        if parent.isascii() and parent.isdigit() and len(parent) <= 18:  # a reply: back in its own form
            return await render_post_page(request, post, reply_to=int(parent), reply_body=body, comment_kept=True)
        return await render_post_page(request, post, comment_body=body, comment_kept=True)
    return await render_post_page(request, post)


async def render_post_page(request: web.Request, post: Post, *, comment_body: str = "", comment_kept: bool = False,
                           comment_error: str | None = None, reply_to: int | None = None, reply_body: str = "",
                           reply_error: str | None = None, status: int = 200) -> web.Response:
    """The post with its comments in threads; the comment form (or the reply form of the comment
    answered) shows again with its error when one failed."""
    user = current_user(request)
    store = request.config_dict[STORE]
    comments = await store.comments.shown_on_page(post.id) if post.is_public else ()
    favorites, favorited = await store.social.favorites_shown(user.id if user else None, post.id)
    owner = form_owner(request)
    section, threads = await comments_context(request, post, user, comments, reply_to=reply_to,
                                              reply_body=reply_body, reply_error=reply_error,
                                              comment_kept=comment_kept, owner=owner)
    context = {
        **section,
        "favorites": favorites,
        "favorited": favorited,
        "post": post,
        "can_edit": can_edit(user, post),
        "comments": comments,
        "can_moderate": can_moderate(user, post),
        "comment_body": comment_body,
        "comment_error": comment_error,
        "preview": post_preview(request, await current_site(request), post),
        "comment_kept": comment_kept,
        "form_owner": owner,
    }
    # The threads (up to hundreds of KB, kept encoded) go into the page's bytes where the
    # template left their mark, rather than through the template as text.
    before, mark, after = aiohttp_jinja2.render_string("posts/post.html", request, context).partition(
        threads_mark(request))
    body = b"".join((before.encode(), threads, after.encode())) if mark else before.encode()
    return web.Response(body=body, status=status, content_type="text/html", charset="utf-8")


async def redirect_to_canonical(request: web.Request) -> web.Response:
    post = await load_post(request)
    raise web.HTTPMovedPermanently(location=post_url(request, post))


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/", index, name="index")
    app.router.add_get(r"/posts/{id:\d+}", redirect_to_canonical, name="post_by_id")
    app.router.add_get(r"/posts/{id:\d+}/{slug}", show, name="post")
    app.router.add_get("/tags/{tag}", by_tag, name="tag")
    app.router.add_get("/authors/{username}", by_author, name="author")
