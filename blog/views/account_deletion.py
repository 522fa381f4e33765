"""/account/delete: deleting one's own account, after typing the password."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.accounts.current import current_user, require_login
from blog.accounts.deletion import CannotTransfer, delete_account, transfer_target
from blog.accounts.login import log_out
from blog.keys import PASSWORDS, STORE
from blog.store.users import LastAdmin, User
from blog.web.forms import FieldErrors, text_fields

POSTS_CHOICES = ("trash", "transfer")


def _form(request: web.Request, values: dict[str, str], errors: FieldErrors, status: int = 200) -> web.Response:
    context: dict[str, Any] = {"values": values, "errors": errors}
    return aiohttp_jinja2.render_template("account/delete.html", request, context, status=status)


@require_login
async def delete_form(request: web.Request) -> web.Response:
    return _form(request, {"posts": "trash", "new_author": ""}, {})


@require_login
async def delete(request: web.Request) -> web.Response:
    user = current_user(request)
    assert user is not None
    store = request.config_dict[STORE]
    values = await text_fields(request, "password", "posts", "new_author", strip=("new_author",))
    errors: FieldErrors = {}
    if not await request.config_dict[PASSWORDS].verify(await store.users.password_hash(user.id), values["password"]):
        errors["password"] = "This is not your password."
    if values["posts"] not in POSTS_CHOICES:
        errors["posts"] = "Choose what happens to your posts."
    new_author: User | None = None
    if values["posts"] == "transfer":
        try:
            new_author = await transfer_target(store, user, values["new_author"])
        except CannotTransfer as exc:
            errors["new_author"] = str(exc)
    if not errors:
        try:
            await delete_account(store, user, new_author)
        except CannotTransfer as exc:
            errors["new_author"] = str(exc)
        except LastAdmin:
            errors["posts"] = "You are the blog's last admin: make another account admin before deleting yours."
    if errors:
        return _form(request, {"posts": values["posts"], "new_author": values["new_author"]}, errors, status=400)
    await log_out(request)
    return aiohttp_jinja2.render_template("account/deleted.html", request, {})


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/account/delete", delete_form, name="delete_account")
    app.router.add_post("/account/delete", delete)
