"""Articles, which are our posts: lists with filters and paging, the feed, and one article
read, written, changed and moved to the trash.

`description` is the post's summary, `body` its Markdown, `tagList` its tags. Articles
written here are published at once; the HTML editor shows them like any other post."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from blog.api.auth import Caller, optional_caller, require_caller, viewer_id
from blog.api.errors import ApiError, Errors, forbidden, invalid, not_found
from blog.api.serializers import article_json
from blog.api.validation import (
    BLANK,
    Window,
    is_blank,
    optional_text,
    query_text,
    read_object,
    too_long,
    window,
)
from blog.content.permissions import can_edit, can_view
from blog.content.post_form import (
    BODY_MAX,
    SUMMARY_MAX,
    TAGS_MAX,
    TITLE_MAX,
    parse_tags,
    schedule_values,
    validate_post_request,
)
from blog.keys import STORE
from blog.store.articles import Filters
from blog.store.posts import Post, PostFields, VersionConflict
from blog.web.json_errors import json_response
from blog.web.site import current_site
from blog.web.urls import public_base

# The article's own fields, their post columns' limits, and the post form's field names.
TEXT_FIELDS = (("title", TITLE_MAX, "title"), ("description", SUMMARY_MAX, "summary"), ("body", BODY_MAX, "body"))
FORM_TO_API = {"title": "title", "summary": "description", "body": "body", "tags": "tagList"}


# Reading -------------------------------------------------------------------------


async def load_post(request: web.Request, caller: Caller | None, *, public: bool = False) -> Post:
    """The post behind the slug, if this caller may see it (public ones only, with `public`)."""
    post = await request.config_dict[STORE].posts.by_slug(request.match_info["slug"])
    # Pages (About, Contact) are not articles: the API lists and serves posts only.
    if post is None or post.kind != "post" or not can_view(None if caller is None else caller.user, post) or (public and not post.is_public):
        raise not_found("article")
    return post


async def article_response(request: web.Request, post_id: int, caller: Caller | None, status: int = 200,
                           headers: dict[str, str] | None = None) -> web.Response:
    article = await request.config_dict[STORE].articles.one(post_id, viewer_id(caller))
    if article is None:  # purged a moment ago
        raise not_found("article")
    return json_response({"article": article_json(article, public_base(request))}, status=status, headers=headers)


def _links(request: web.Request, page: Window, total: int) -> dict[str, str]:
    """RFC 8288 links to the neighbouring pages, keeping the client's filters."""
    targets = []
    if page.offset + page.limit < total:
        targets.append(("next", page.offset + page.limit))
    if page.offset > 0:
        targets.append(("prev", max(0, min(page.offset - page.limit, total - page.limit))))
    links = [f'<{request.rel_url.update_query(limit=page.limit, offset=offset)}>; rel="{rel}"'
             for rel, offset in targets]
    return {"Link": ", ".join(links)} if links else {}


async def _list(request: web.Request, filters: Filters, caller: Caller | None) -> web.Response:
    page = window(request)
    articles, total = await request.config_dict[STORE].articles.page(
        filters, viewer_id(caller), page.limit, page.offset)
    base = public_base(request)
    body = {"articles": [article_json(article, base) for article in articles], "articlesCount": total}
    return json_response(body, headers=_links(request, page, total))


async def list_articles(request: web.Request) -> web.Response:
    caller = await optional_caller(request)
    filters = Filters(tag=query_text(request, "tag"), author=query_text(request, "author"),
                      favorited_by=query_text(request, "favorited"))
    return await _list(request, filters, caller)


async def feed(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    return await _list(request, Filters(feed_of=caller.user.id), caller)


async def show(request: web.Request) -> web.Response:
    caller = await optional_caller(request)
    post = await load_post(request, caller)
    return await article_response(request, post.id, caller)


# Writing -------------------------------------------------------------------------


def _tag_list(data: dict[str, Any], errors: Errors) -> list[str] | None:
    """The client's tags, normalised like the post form's, in the client's order."""
    if "tagList" not in data:
        return None
    tags = data["tagList"]
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        errors["tagList"] = ["must be a list of strings"]
        return None
    if len(tags) > TAGS_MAX:
        errors["tagList"] = [f"is too long (maximum is {TAGS_MAX} tags)"]
        return None
    # A comma inside one tag must not make two of it.
    return parse_tags(",".join(tag.replace(",", " ") for tag in tags))


def _text_values(data: dict[str, Any], current: Post | None, errors: Errors) -> dict[str, str]:
    values = {}
    for name, maximum, column in TEXT_FIELDS:
        value = optional_text(data, name, errors)
        if name in errors:
            continue
        if (value is None and current is None) or (value is not None and is_blank(value)):
            errors[name] = [BLANK]
        elif value is not None and len(value) > maximum:
            errors[name] = [too_long(maximum)]
        elif value is not None:
            values[column] = value
    return values


def _form_values(current: Post | None) -> dict[str, str]:
    """The post form's values: empty for a new post (published at once), else the current post's
    (a scheduled post stays scheduled for its time, its header image keeps its description)."""
    if current is None:
        return {"title": "", "summary": "", "body": "", "tags": "", "status": "published"}
    return {"title": current.title, "summary": current.summary, "body": current.body,
            "tags": ",".join(current.tags), "status": current.status, **schedule_values(current)}


async def post_fields(request: web.Request, data: dict[str, Any], current: Post | None) -> PostFields:
    """The post to save: the client's fields over the current ones (for an update), validated."""
    errors: Errors = {}
    form = {**_form_values(current), **_text_values(data, current, errors)}
    tags = _tag_list(data, errors)
    if errors:
        raise invalid(errors)
    if tags is not None:
        form["tags"] = ",".join(tags)
    fields, form_errors = await validate_post_request(request, form)
    if fields is None:  # rules of the post form that the checks above do not already cover
        raise invalid({FORM_TO_API.get(name, name): [message] for name, message in form_errors.items()})
    return fields


def _unchanged(post: Post, fields: PostFields) -> bool:
    return (post.title, post.summary, post.body, post.tags) == (fields.title, fields.summary, fields.body, fields.tags)


async def create(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    fields = await post_fields(request, await read_object(request, "article"), None)
    post = await request.config_dict[STORE].posts.create(
        caller.user.id, fields, None, comments_open=(await current_site(request)).comments_default)
    location = str(request.app.router["article"].url_for(slug=post.slug))
    return await article_response(request, post.id, caller, status=201, headers={"Location": location})


async def _editable(request: web.Request) -> tuple[Caller, Post]:
    caller = await require_caller(request)
    post = await load_post(request, caller)
    if not can_edit(caller.user, post):
        raise forbidden("article")
    return caller, post


async def update(request: web.Request) -> web.Response:
    caller, post = await _editable(request)
    fields = await post_fields(request, await read_object(request, "article"), post)
    if not _unchanged(post, fields):
        try:
            await request.config_dict[STORE].posts.update(post.id, post.version, caller.user.id, fields)
        except VersionConflict:
            raise ApiError(409, {"article": ["was changed by someone else meanwhile; load it again"]}) from None
        except LookupError:
            raise not_found("article") from None
    return await article_response(request, post.id, caller)


async def delete(request: web.Request) -> web.Response:
    """Moves the post to the trash, where its author or an admin can still restore it."""
    _, post = await _editable(request)
    await request.config_dict[STORE].posts.move_to_trash(post.id)
    return web.Response(status=204)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/articles", list_articles, name="articles")
    app.router.add_post("/articles", create)
    app.router.add_get("/articles/feed", feed, name="feed")
    # A slug is anything but "feed", so PUT /articles/feed is a 405 and its Allow header tells the truth.
    article = app.router.add_resource(r"/articles/{slug:(?!feed$)[^/]+}", name="article")
    article.add_route("GET", show)
    article.add_route("PUT", update)
    article.add_route("DELETE", delete)
