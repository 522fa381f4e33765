"""Writing: new posts, edits without lost updates, and moving posts to the trash."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.accounts.current import current_user, require_login
from blog.accounts.kept_forms import form_owner, keeps_text, take_kept_text
from blog.content.images import ImageRejected
from blog.content.markdown import render_markdown
from blog.content.permissions import can_edit
from blog.content.post_form import BODY_MAX, validate_post
from blog.content.uploads import release_images, save_upload
from blog.keys import CONFIG, STORE
from blog.store.kept_forms import KeptForm
from blog.store.posts import Post, VersionConflict
from blog.views.posts import load_post, post_url
from blog.web.forms import FieldErrors, SubmittedForm, read_form, text_fields

FIELDS = ("title", "body", "summary", "tags", "status")
EMPTY_FORM = {"title": "", "body": "", "summary": "", "tags": "", "status": "published"}
KEPT_FILE_NOTE = "You had chosen an image, and a browser cannot keep one across a login: choose it again."


def _form_page(request: web.Request, context: dict[str, Any], status: int = 200,
               template: str = "posts/form.html") -> web.Response:
    defaults: dict[str, Any] = {"post": None, "errors": {}, "version": None, "kept": False,
                                "form_owner": form_owner(request), "body_max": BODY_MAX}
    return aiohttp_jinja2.render_template(template, request, {**defaults, **context}, status=status)


def _kept_context(kept: KeptForm, values: dict[str, str]) -> dict[str, Any]:
    """The form as it was sent before the session ended: every field, and a word about the file."""
    errors = {"image": KEPT_FILE_NOTE} if kept.had_file else {}
    return {"values": {**values, **kept.text(*FIELDS, "remove_image")}, "errors": errors, "kept": True}


def _new_post_form(request: web.Request) -> str:
    return "post:new"


def _edit_form(request: web.Request) -> str:
    return f"post:{request.match_info['id']}:edit"


def _this_page(request: web.Request) -> str:
    return request.path


def _values_of(post: Post) -> dict[str, str]:
    return {"title": post.title, "body": post.body, "summary": post.summary, "tags": post.tag_text,
            "status": post.status}


async def _read_form(request: web.Request) -> tuple[dict[str, str], SubmittedForm]:
    form = await read_form(request)
    return form.text(*FIELDS, "version", "remove_image", strip=("title", "summary", "tags")), form


def _oversized_image(form: SubmittedForm, errors: FieldErrors, limit: int) -> None:
    """A file over the limit was never kept: say so at the image field, whatever else is wrong."""
    size = form.oversized.get("image")
    if size is not None:
        errors["image"] = (f"This file is {size / 1e6:.1f} MB; an image can be at most {limit / 1e6:.1f} MB. "
                           "Choose a smaller file.")


def _ask_for_the_file_again(form: SubmittedForm, errors: FieldErrors) -> None:
    """A form that comes back cannot hold the file that was chosen (browsers do not allow it)."""
    if errors and "image" not in errors and form.chose_file("image"):
        errors["image"] = "The post was not saved, so the image you chose was not kept: choose it again."


async def _image_from(request: web.Request, form: SubmittedForm, errors: FieldErrors) -> tuple[str, str] | None:
    """The stored image names for an upload, or None; a bad file becomes a field error."""
    try:
        return await save_upload(request, form.files.get("image"))
    except ImageRejected as exc:
        errors["image"] = f"{exc} Choose another file."
        return None


@require_login
async def new_form(request: web.Request) -> web.Response:
    kept = await take_kept_text(request, _new_post_form(request))
    return _form_page(request, _kept_context(kept, EMPTY_FORM) if kept else {"values": EMPTY_FORM})


@require_login
@keeps_text(_new_post_form, _this_page)
async def create(request: web.Request) -> web.Response:
    user = current_user(request)
    assert user is not None
    values, form = await _read_form(request)
    fields, errors = validate_post(values)
    _oversized_image(form, errors, request.config_dict[CONFIG].max_image_bytes)
    image = None if errors else await _image_from(request, form, errors)
    if fields is None or errors:
        if image:
            await release_images(request, list(image))
        _ask_for_the_file_again(form, errors)
        return _form_page(request, {"values": values, "errors": errors}, status=400)
    post = await request.config_dict[STORE].posts.create(user.id, fields, image)
    raise web.HTTPSeeOther(location=post_url(request, post))


async def _editable_post(request: web.Request) -> Post:
    post = await load_post(request, canonical_suffix="/edit")
    if not can_edit(current_user(request), post):
        raise web.HTTPForbidden(text="Only the author, editors and admins can change this post.")
    return post


@require_login
async def edit_form(request: web.Request) -> web.Response:
    post = await _editable_post(request)
    context: dict[str, Any] = {"values": _values_of(post), "post": post, "version": post.version}
    kept = await take_kept_text(request, _edit_form(request))
    if kept:  # at the version it was loaded at: saving it over a newer one is a conflict, as ever
        context.update(_kept_context(kept, context["values"]), version=kept.fields.get("version", ""))
    return _form_page(request, context)


@require_login
@keeps_text(_edit_form, _this_page)
async def update(request: web.Request) -> web.Response:
    user = current_user(request)
    assert user is not None
    post = await _editable_post(request)
    values, form = await _read_form(request)
    fields, errors = validate_post(values)
    version = _version(values["version"], errors)
    _oversized_image(form, errors, request.config_dict[CONFIG].max_image_bytes)
    image = None if errors else await _image_from(request, form, errors)
    if fields is None or errors or version is None:
        if image:
            await release_images(request, list(image))
        _ask_for_the_file_again(form, errors)
        context = {"values": values, "errors": errors, "post": post, "version": values["version"]}
        return _form_page(request, context, status=400)
    image_change: tuple[str, str] | None | bool = image or (None if values["remove_image"] else True)
    try:
        saved, released = await request.config_dict[STORE].posts.update(
            post.id, version, user.id, fields, image_change)
    except VersionConflict as conflict:
        if image:
            await release_images(request, list(image))
        return _conflict_page(request, conflict.current, values, chose_image=image is not None)
    except LookupError:
        if image:
            await release_images(request, list(image))
        raise web.HTTPNotFound(text="This post was moved to the trash while you were editing it.") from None
    await release_images(request, released)
    raise web.HTTPSeeOther(location=post_url(request, saved))


def _version(raw: str, errors: FieldErrors) -> int | None:
    try:
        return int(raw)
    except ValueError:
        errors["version"] = "This form is incomplete. Reload the page and try again."
        return None


def _conflict_page(request: web.Request, current: Post, mine: dict[str, str], *, chose_image: bool) -> web.Response:
    """409: the current text beside the user's own, so they can merge and save again."""
    context = {"values": mine, "post": current, "version": current.version, "current": current,
               "errors": {"image": "If you chose an image, choose it again."} if chose_image else {}}
    return _form_page(request, context, status=409, template="posts/conflict.html")


@require_login
async def move_to_trash(request: web.Request) -> web.Response:
    post = await _editable_post(request)
    await request.config_dict[STORE].posts.move_to_trash(post.id)
    raise web.HTTPSeeOther(location=str(request.app.router["trash"].url_for().with_query(moved=str(post.id))))


@require_login
async def preview(request: web.Request) -> web.Response:
    """The body as it would be saved: the same renderer and sanitizer, nothing stored."""
    body = (await text_fields(request, "body"))["body"]
    if len(body) > BODY_MAX:
        raise web.HTTPRequestEntityTooLarge(max_size=BODY_MAX, actual_size=len(body))
    return web.Response(text=render_markdown(body), content_type="text/html")


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/posts/new", new_form, name="new_post")
    app.router.add_post("/posts/new", create)
    app.router.add_get(r"/posts/{id:\d+}/{slug}/edit", edit_form, name="edit_post")
    app.router.add_post(r"/posts/{id:\d+}/{slug}/edit", update)
    app.router.add_post(r"/posts/{id:\d+}/{slug}/delete", move_to_trash, name="delete_post")
    app.router.add_post("/preview", preview, name="preview")
