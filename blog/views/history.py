"""A post's history: every saved revision, a diff against the current text, and restore."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.accounts.current import current_user, require_login
from blog.content.diffs import line_diff
from blog.content.permissions import can_edit
from blog.content.post_form import schedule_values, validate_post_request
from blog.keys import STORE
from blog.store.posts import Post, VersionConflict
from blog.store.revisions import Revision
from blog.views.posts import load_post, post_url
from blog.web.ids import path_id


async def _post_for_history(request: web.Request, suffix: str) -> Post:
    post = await load_post(request, canonical_suffix=suffix)
    if not can_edit(current_user(request), post):
        raise web.HTTPForbidden(text="Only the author, editors and admins can see this post's history.")
    return post


async def _revision(request: web.Request, post: Post) -> Revision:
    missing = "This post has no such revision."
    revision = await request.config_dict[STORE].revisions.by_id(post.id, path_id(request, "rev", missing))
    if revision is None:
        raise web.HTTPNotFound(text="This post has no such revision.")
    return revision


def _text_of(item: Post | Revision) -> tuple[str, str, str, str]:
    """What a restore would bring back: the title, summary, tags and body."""
    if isinstance(item, Post):
        return item.title, item.summary, item.tag_text, item.body
    return item.title, item.summary, item.tags, item.body


@require_login
@aiohttp_jinja2.template("posts/history.html")
async def history(request: web.Request) -> dict[str, Any]:
    post = await _post_for_history(request, "/history")
    return {"post": post, "revisions": await request.config_dict[STORE].revisions.of_post(post.id)}


@require_login
@aiohttp_jinja2.template("posts/revision.html")
async def revision(request: web.Request) -> dict[str, Any]:
    post = await _post_for_history(request, f"/history/{request.match_info['rev']}")
    rev = await _revision(request, post)
    names = ("Title", "Summary", "Tags", "Body")
    fields = {name: line_diff(old, new) for name, old, new in zip(names, _text_of(rev), _text_of(post))}
    return {"post": post, "revision": rev, "diffs": fields, "is_current": rev.version == post.version,
            "same_text": _text_of(rev) == _text_of(post)}


@require_login
async def restore(request: web.Request) -> web.Response:
    """Restoring saves the old text as a new revision; nothing in the history is lost."""
    post = await _post_for_history(request, "")
    rev = await _revision(request, post)
    user = current_user(request)
    assert user is not None
    if _text_of(rev) == _text_of(post):  # nothing to bring back: no empty revision either
        raise web.HTTPSeeOther(location=post_url(request, post))
    values = {"title": rev.title, "body": rev.body, "summary": rev.summary, "tags": rev.tags, "status": post.status,
              **schedule_values(post)}
    fields, errors = await validate_post_request(request, values)
    if fields is None:
        raise web.HTTPBadRequest(text="This revision cannot be restored: " + " ".join(errors.values()))
    try:
        saved = await request.config_dict[STORE].posts.update(post.id, post.version, user.id, fields)
    except VersionConflict:
        raise web.HTTPConflict(text="The post changed while you were restoring. Look at its history again.") from None
    raise web.HTTPSeeOther(location=post_url(request, saved))


def setup_routes(app: web.Application) -> None:
    app.router.add_get(r"/posts/{id:\d+}/{slug}/history", history, name="post_history")
    app.router.add_get(r"/posts/{id:\d+}/{slug}/history/{rev:\d+}", revision, name="revision")
    app.router.add_post(r"/posts/{id:\d+}/{slug}/history/{rev:\d+}/restore", restore, name="restore_revision")
