"""Writing: new posts and pages, edits without lost updates, and moving them to the trash.

Pages (About, Contact) are posts of the kind "page": the same form, history and trash;
only editors and admins write them, and they take no comments."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.accounts.current import current_user, require_login
from blog.accounts.kept_forms import form_owner, keeps_text, take_kept_text
from blog.content.images import ImageRejected
from blog.content.markdown import render_markdown
from blog.content.permissions import can_edit, can_write_pages
from blog.content.post_form import BODY_MAX, schedule_values, validate_post_request
from blog.content.uploads import alt_problem, oversized_file, save_inline_upload, save_upload, uploaded_bytes
from blog.keys import CONFIG, STORE
from blog.store.kept_forms import KeptForm
from blog.store.posts import Post, VersionConflict
from blog.views.posts import load_post, post_url
from blog.web.forms import FieldErrors, SubmittedForm, read_form, text_fields
from blog.web.site import current_site

FIELDS = ("title", "body", "summary", "tags", "status", "comments", "comments_shown", "image_alt", "publish_at",
          "timezone", "inline_image_alt")
EMPTY_FORM = {"title": "", "body": "", "summary": "", "tags": "", "status": "published", "comments": "",
              "image_alt": "", "publish_at": "", "timezone": "UTC", "inline_image_alt": ""}
KEPT_FILE_NOTE = "You had chosen an image, and a browser cannot keep one across a login: choose it again."


def _form_page(request: web.Request, context: dict[str, Any], status: int = 200,
               template: str = "posts/form.html") -> web.Response:
    post = context.get("post")
    defaults: dict[str, Any] = {"post": None, "errors": {}, "version": None, "kind": post.kind if post else "post",
                                "kept": False, "form_owner": form_owner(request), "body_max": BODY_MAX}
    return aiohttp_jinja2.render_template(template, request, {**defaults, **context}, status=status)


def _kept_context(kept: KeptForm, values: dict[str, str]) -> dict[str, Any]:
    """The form as it was sent before the session ended: every field, and a word about the file."""
    errors = {"image": KEPT_FILE_NOTE} if kept.had_file else {}
    restored = {**values, **kept.text(*FIELDS, "remove_image")}
    if "comments_shown" in kept.fields:  # an unticked box is sent as nothing: it was unticked
        restored["comments"] = kept.fields.get("comments", "")
    return {"values": restored, "errors": errors, "kept": True}


def _new_post_form(request: web.Request) -> str:
    return "post:new"


def _new_page_form(request: web.Request) -> str:
    return "page:new"


def _edit_form(request: web.Request) -> str:
    return f"post:{request.match_info['id']}:edit"


def _this_page(request: web.Request) -> str:
    return request.path


def _values_of(post: Post) -> dict[str, str]:
    return {"title": post.title, "body": post.body, "summary": post.summary, "tags": post.tag_text,
            "status": post.status, "comments": "on" if post.comments_open else "", "inline_image_alt": "",
            **schedule_values(post)}


async def _empty_form(request: web.Request) -> dict[str, str]:
    """A new post takes comments when the site's setting says so (its form can change that)."""
    return {**EMPTY_FORM, "comments": "on" if (await current_site(request)).comments_default else ""}


async def _read_form(request: web.Request) -> tuple[dict[str, str], SubmittedForm]:
    form = await read_form(request)
    values = form.text(*FIELDS, "version", "remove_image",
                       strip=("title", "summary", "tags", "image_alt", "publish_at", "timezone"))
    return values, form


async def _comments_open(request: web.Request, values: dict[str, str], post: Post | None) -> bool | None:
    """The form's choice; a form without the checkbox (a script's) keeps the post's setting,
    or for a new post takes the site's. Pages take no comments."""
    if (post.kind if post else values.get("kind", "post")) == "page":
        return False if post is None else None
    if values["comments_shown"]:
        return values["comments"] == "on"
    return (await current_site(request)).comments_default if post is None else None


def _page_writer(request: web.Request) -> None:
    if not can_write_pages(current_user(request)):
        raise web.HTTPForbidden(text="Only editors and admins write pages.")


async def _add_inline_image(request: web.Request, form: SubmittedForm, values: dict[str, str],
                            errors: FieldErrors) -> None:
    """The form's own "add image" field, for writers without JavaScript: the picture is stored
    like any upload and its Markdown goes at the end of the body (kept even if the form has errors)."""
    too_large = oversized_file(form, "inline_image", request.config_dict[CONFIG].max_image_bytes)
    if too_large:
        errors["inline_image"] = too_large
        return
    data = uploaded_bytes(form.files.get("inline_image"))
    if data is None:
        return
    problem = alt_problem(values["inline_image_alt"])
    if problem is None:
        try:
            saved = await save_inline_upload(request, data, values["inline_image_alt"])
        except ImageRejected as exc:
            problem = f"{exc} Choose another file."
        else:
            values["body"] = (values["body"].rstrip() + "\n\n" if values["body"].strip() else "") + saved.markdown + "\n"
            values["inline_image_alt"] = ""
            return
    errors["inline_image"] = problem


async def _validate(request: web.Request, form: SubmittedForm, values: dict[str, str]) -> tuple[Any, FieldErrors]:
    """The form's values checked, after its "add image" file (if any) has joined the body; a
    header image over the size limit is an error at its field, whatever else is wrong."""
    upload_errors: FieldErrors = {}
    await _add_inline_image(request, form, values, upload_errors)
    fields, errors = await validate_post_request(request, values)
    errors.update(upload_errors)
    too_large = oversized_file(form, "image", request.config_dict[CONFIG].max_image_bytes)
    if too_large:  # said whatever else is wrong
        errors["image"] = too_large
    return (None if errors else fields), errors


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
    empty = await _empty_form(request)
    return _form_page(request, _kept_context(kept, empty) if kept else {"values": empty})


@require_login
async def new_page_form(request: web.Request) -> web.Response:
    _page_writer(request)
    kept = await take_kept_text(request, _new_page_form(request))
    context = _kept_context(kept, {**EMPTY_FORM}) if kept else {"values": {**EMPTY_FORM}}
    return _form_page(request, {**context, "kind": "page"})


@require_login
@keeps_text(_new_post_form, _this_page)
async def create(request: web.Request) -> web.Response:
    return await _create(request, "post")


@require_login
@keeps_text(_new_page_form, _this_page)
async def create_page(request: web.Request) -> web.Response:
    _page_writer(request)
    return await _create(request, "page")


async def _create(request: web.Request, kind: str) -> web.Response:
    user = current_user(request)
    assert user is not None
    values, form = await _read_form(request)
    fields, errors = await _validate(request, form, values)
    image = None if errors else await _image_from(request, form, errors)
    if fields is None or errors:
        _ask_for_the_file_again(form, errors)
        return _form_page(request, {"values": values, "errors": errors, "kind": kind}, status=400)
    comments_open = await _comments_open(request, {**values, "kind": kind}, None)
    post = await request.config_dict[STORE].posts.create(user.id, fields, image, kind=kind,
                                                         comments_open=bool(comments_open))
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
    fields, errors = await _validate(request, form, values)
    version = _version(values["version"], errors)
    image = None if errors else await _image_from(request, form, errors)
    if fields is None or errors or version is None:
        _ask_for_the_file_again(form, errors)
        context = {"values": values, "errors": errors, "post": post, "version": values["version"]}
        return _form_page(request, context, status=400)
    image_change: tuple[str, str] | None | bool = image or (None if values["remove_image"] else True)
    # An image saved for a form that is refused, or one this save lets go of, stays on disk
    # until the cleanup finds no post using it (content/uploads.py says why).
    try:
        saved = await request.config_dict[STORE].posts.update(
            post.id, version, user.id, fields, image_change,
            comments_open=await _comments_open(request, values, post))
    except VersionConflict as conflict:
        return _conflict_page(request, conflict.current, values, chose_image=image is not None)
    except LookupError:
        raise web.HTTPNotFound(text="This post was moved to the trash while you were editing it.") from None
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
    app.router.add_get("/pages/new", new_page_form, name="new_page")
    app.router.add_post("/pages/new", create_page)
    app.router.add_get(r"/posts/{id:\d+}/{slug}/edit", edit_form, name="edit_post")
    app.router.add_post(r"/posts/{id:\d+}/{slug}/edit", update)
    app.router.add_post(r"/posts/{id:\d+}/{slug}/delete", move_to_trash, name="delete_post")
    app.router.add_post("/preview", preview, name="preview")
