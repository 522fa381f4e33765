"""The account page: active sessions, ending the others, changing the password."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from blog.accounts.current import current_user, require_login
from blog.accounts.passwords import password_problem
from blog.content.notifications import KIND_LABELS
from blog.keys import PASSWORDS, SESSION_ID, STORE
from blog.web.forms import FieldErrors, text_fields
from blog.web.ids import path_id


async def _page(request: web.Request, errors: FieldErrors | None = None, notice: str = "", status: int = 200) -> web.Response:
    user = current_user(request)
    assert user is not None
    store = request.config_dict[STORE]
    context: dict[str, Any] = {
        "user": user,
        "sessions": await store.sessions.of_user(user.id),
        "tokens": await store.tokens.of_user(user.id),
        "this_session_id": request[SESSION_ID],
        "errors": errors or {},
        "notice": notice,
        "mail_kinds": await store.notifications.mail_kinds(user.id),
        "kind_labels": KIND_LABELS,
    }
    return aiohttp_jinja2.render_template("account/account.html", request, context, status=status)


NOTICES = {
    "password": "Your password is changed. Every other session has been logged out and every API token revoked.",
    "sessions": "Every other session has been logged out.",
    "token": "The API token is revoked.",
    "mail": "Your choice of notifications by email is saved.",
    "reset": "Your new password is saved. Every other session has been logged out and every API token revoked.",
}


@require_login
async def account(request: web.Request) -> web.Response:
    return await _page(request, notice=NOTICES.get(request.query.get("done", ""), ""))


@require_login
async def change_password(request: web.Request) -> web.Response:
    user = current_user(request)
    assert user is not None
    store, passwords = request.config_dict[STORE], request.config_dict[PASSWORDS]
    fields = await text_fields(request, "current_password", "new_password")
    errors: FieldErrors = {}
    if not await passwords.verify(await store.users.password_hash(user.id), fields["current_password"]):
        errors["current_password"] = "This is not your current password."
    problem = password_problem(fields["new_password"], user.username)
    if problem:
        errors["new_password"] = problem
    elif not errors and fields["new_password"] == fields["current_password"]:
        # Saving it again would change nothing but end every other session and token.
        errors["new_password"] = "This is your current password. To change it, choose a different one."
    if errors:
        return await _page(request, errors, status=400)
    await store.users.set_password_hash(user.id, await passwords.hash(fields["new_password"]))
    await store.sessions.end_others(user.id, request[SESSION_ID])
    await store.tokens.revoke_all(user.id)  # a leaked password may have minted tokens too
    raise web.HTTPSeeOther(location=_account_url(request, "password"))


@require_login
async def end_other_sessions(request: web.Request) -> web.Response:
    user = current_user(request)
    assert user is not None
    await request.config_dict[STORE].sessions.end_others(user.id, request[SESSION_ID])
    raise web.HTTPSeeOther(location=_account_url(request, "sessions"))


@require_login
async def revoke_token(request: web.Request) -> web.Response:
    user = current_user(request)
    assert user is not None
    missing = "You have no such token (it may be revoked or expired already)."
    if not await request.config_dict[STORE].tokens.revoke_by_id(user.id, path_id(request, "token_id", missing)):
        raise web.HTTPNotFound(text=missing)
    raise web.HTTPSeeOther(location=_account_url(request, "token"))


def _account_url(request: web.Request, done: str) -> str:
    return str(request.app.router["account"].url_for().with_query(done=done))


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/account", account, name="account")
    app.router.add_post("/account/password", change_password, name="change_password")
    app.router.add_post("/account/sessions/end-others", end_other_sessions, name="end_other_sessions")
    app.router.add_post(r"/account/tokens/{token_id:\d+}/revoke", revoke_token, name="revoke_token")
