"""/account/profile: display name, bio and avatar; a new email address, confirmed by mail."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from email_validator import EmailNotValidError, validate_email

from blog.accounts.current import current_user, require_login
from blog.accounts.email_change import EmailLinkProblem, ask_for_change, confirm, open_link
from blog.accounts.kept_forms import form_owner, keeps_text, take_kept_text
from blog.content.avatars import save_square_upload
from blog.content.images import ImageRejected
from blog.content.profiles import validate_profile
from blog.content.uploads import oversized_file
from blog.keys import CONFIG, STORE
from blog.store.users import EmailTaken, User
from blog.web.forms import FieldErrors, read_form, text_fields

NOTICES = {
    "profile": "Your profile is saved.",
    "email_sent": "We have sent a link to your new address. Your address changes when you open it.",
    "email": "Your email address is changed.",
}
PROFILE_FIELDS = ("display_name", "bio", "remove_avatar")
KEPT_FILE_NOTE = "You had chosen a picture, and a browser cannot keep one across a login: choose it again."


def _me(request: web.Request) -> User:
    user = current_user(request)
    assert user is not None  # @require_login ran first
    return user


def _page(request: web.Request, user: User, values: dict[str, str] | None = None, errors: FieldErrors | None = None,
          status: int = 200, *, kept: bool = False) -> web.Response:
    context: dict[str, Any] = {
        "user": user,
        "values": values or {"display_name": user.display_name, "bio": user.bio, "new_email": ""},
        "errors": errors or {},
        "notice": NOTICES.get(request.query.get("done", ""), "") if status == 200 and not kept else "",
        "kept": kept,
        "form_owner": form_owner(request),
    }
    return aiohttp_jinja2.render_template("account/profile.html", request, context, status=status)


def _done(request: web.Request, what: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(location=str(request.app.router["profile"].url_for().with_query(done=what)))


def _profile_form(request: web.Request) -> str:
    return "profile"


def _profile_page(request: web.Request) -> str:
    return str(request.app.router["profile"].url_for())


@require_login
async def profile(request: web.Request) -> web.Response:
    user = _me(request)
    kept = await take_kept_text(request, _profile_form(request))
    if kept is None:
        return _page(request, user)
    # Sent after the session had ended: back in the form, to be saved by pressing Save.
    values = {"display_name": user.display_name, "bio": user.bio, **kept.text(*PROFILE_FIELDS), "new_email": ""}
    return _page(request, user, values, {"avatar": KEPT_FILE_NOTE} if kept.had_file else {}, kept=True)


@require_login
@keeps_text(_profile_form, _profile_page)
async def save_profile(request: web.Request) -> web.Response:
    user = _me(request)
    form = await read_form(request)
    values = form.text(*PROFILE_FIELDS)
    clean, errors = validate_profile(values)
    too_large = oversized_file(form, "avatar", request.config_dict[CONFIG].max_image_bytes)
    if too_large:  # said whatever else is wrong
        errors["avatar"] = too_large
    avatar = None
    if not errors:
        try:
            avatar = await save_square_upload(request, form.files.get("avatar"))
        except ImageRejected as exc:
            errors["avatar"] = f"{exc} Choose another file."
    if errors:
        if "avatar" not in errors and form.chose_file("avatar"):  # a browser cannot put a file back
            errors["avatar"] = "Your profile was not saved, so the picture you chose was not kept: choose it again."
        return _page(request, user, {**values, "new_email": ""}, errors, status=400)
    changes: dict[str, str | None] = dict(clean)
    if avatar is not None:
        changes["avatar"], changes["avatar_small"] = avatar
    elif values["remove_avatar"]:
        changes["avatar"] = changes["avatar_small"] = None
    await request.config_dict[STORE].users.update_profile(user.id, changes)  # old files: the cleanup's
    raise _done(request, "profile")


@require_login
async def change_email(request: web.Request) -> web.Response:
    user = _me(request)
    new_email = (await text_fields(request, "new_email", strip=("new_email",)))["new_email"]
    values = {"display_name": user.display_name, "bio": user.bio, "new_email": new_email}
    error = None
    try:
        new_email = validate_email(new_email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        error = "Enter your new email address." if not new_email else f"This is not a valid email address: {exc}"
    if error is None and new_email.lower() == user.email.lower():
        error = "This is your address already."
    if error is None:
        try:
            await ask_for_change(request, user, new_email)
        except EmailTaken:
            error = "Another account uses this address."
    if error is not None:
        return _page(request, user, values, {"new_email": error}, status=400)
    raise _done(request, "email_sent")


def _link_problem(request: web.Request, problem: EmailLinkProblem) -> web.Response:
    return aiohttp_jinja2.render_template("account/email_link.html", request, {"problem": problem.message},
                                          status=problem.status)


async def email_link(request: web.Request) -> web.Response:
    """GET only shows a button: mail scanners that open links must not change anything."""
    try:
        record, user = await open_link(request, request.match_info["token"])
    except EmailLinkProblem as problem:
        return _link_problem(request, problem)
    return aiohttp_jinja2.render_template("account/email_link.html", request,
                                          {"problem": None, "new_email": record.new_email, "account": user})


async def confirm_email(request: web.Request) -> web.Response:
    try:
        record, user = await open_link(request, request.match_info["token"])
        await confirm(request, record, user)
    except EmailLinkProblem as problem:
        return _link_problem(request, problem)
    except EmailTaken:
        return _link_problem(request, EmailLinkProblem("Another account has taken this address meanwhile.", 409))
    if current_user(request) is not None:
        raise _done(request, "email")
    raise web.HTTPSeeOther(location=str(request.app.router["login"].url_for()))


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/account/profile", profile, name="profile")
    app.router.add_post("/account/profile", save_profile)
    app.router.add_post("/account/email", change_email, name="change_email")
    app.router.add_get("/account/email/{token}", email_link, name="email_link")
    app.router.add_post("/account/email/{token}", confirm_email)
