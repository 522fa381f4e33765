"""/admin/users: every account with its role and last login; admins change roles, suspend
and restore accounts, by the command line's rules (the last admin stays an admin)."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from blog.accounts.current import admin_user, require_login
from blog.keys import STORE
from blog.store.users import ROLES, LastAdmin, User
from blog.web.forms import text_fields

LAST_ADMIN = "The blog needs at least one active admin: make another account admin first."
NOTICES = {
    "role": "The role is changed.",
    "suspended": "The account is suspended: its sessions and API tokens have ended, and it cannot log in.",
    "restored": "The account is restored: it can log in again.",
}


async def _page(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    context = {"users": await request.config_dict[STORE].users.everyone(), "roles": ROLES, "error": error,
               "notice": NOTICES.get(request.query.get("done", ""), "") if not error else ""}
    return aiohttp_jinja2.render_template("admin/users.html", request, context, status=status)


async def _target(request: web.Request) -> User:
    user = await request.config_dict[STORE].users.by_id(int(request.match_info["id"]))
    if user is None or user.deleted_at is not None:
        raise web.HTTPNotFound(text="There is no such account.")
    return user


def _done(request: web.Request, what: str, user: User) -> web.HTTPSeeOther:
    url = request.app.router["admin_users"].url_for().with_query(done=what)
    return web.HTTPSeeOther(location=f"{url}#user-{user.id}")


@require_login
async def users(request: web.Request) -> web.Response:
    admin_user(request)
    return await _page(request)


@require_login
async def change_role(request: web.Request) -> web.Response:
    admin_user(request)
    user = await _target(request)
    role = (await text_fields(request, "role"))["role"]
    if role not in ROLES:
        return await _page(request, f"Choose a role: {', '.join(ROLES)}.", status=400)
    try:
        await request.config_dict[STORE].users.set_role(user.username, role)
    except LastAdmin:
        return await _page(request, LAST_ADMIN, status=409)
    raise _done(request, "role", user)


@require_login
async def suspend(request: web.Request) -> web.Response:
    me = admin_user(request)
    user = await _target(request)
    if user.id == me.id:
        return await _page(request, "You cannot suspend yourself.", status=409)
    try:
        await request.config_dict[STORE].users.suspend(user.id)
    except LastAdmin:
        return await _page(request, LAST_ADMIN, status=409)
    raise _done(request, "suspended", user)


@require_login
async def restore(request: web.Request) -> web.Response:
    admin_user(request)
    user = await _target(request)
    await request.config_dict[STORE].users.restore(user.id)
    raise _done(request, "restored", user)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/admin/users", users, name="admin_users")
    app.router.add_post(r"/admin/users/{id:\d+}/role", change_role, name="admin_user_role")
    app.router.add_post(r"/admin/users/{id:\d+}/suspend", suspend, name="admin_user_suspend")
    app.router.add_post(r"/admin/users/{id:\d+}/restore", restore, name="admin_user_restore")
