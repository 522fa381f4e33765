"""/password-reset: ask for a link by mail; /password-reset/<token>: choose a new password."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from email_validator import EmailNotValidError, validate_email

from blog.accounts.login import log_in
from blog.accounts.password_reset import LinkProblem, TooManyResetRequests, open_link, redeem, request_reset
from blog.accounts.passwords import password_problem
from blog.keys import PASSWORDS
from blog.web.forms import text_fields

SENT = ("If an account uses this address, we have sent it a link to choose a new password. "
        "The link works once, within an hour. Look in your spam folder too.")


def _render(request: web.Request, template: str, context: dict[str, Any], status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template(template, request, context, status=status)


def _ask_page(request: web.Request, email: str = "", error: str = "", status: int = 200) -> web.Response:
    notice = SENT if request.query.get("sent") == "1" and not error else ""
    return _render(request, "auth/password_reset.html", {"email": email, "errors": {"email": error} if error else {},
                                                          "notice": notice}, status)


async def ask_form(request: web.Request) -> web.Response:
    return _ask_page(request)


async def ask(request: web.Request) -> web.Response:
    email = (await text_fields(request, "email", strip=("email",)))["email"]
    if not email:
        return _ask_page(request, email, "Enter the email address of your account.", 400)
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        return _ask_page(request, email, f"This is not a valid email address: {exc}", 400)
    try:
        await request_reset(request, email)
    except TooManyResetRequests as exc:
        response = _ask_page(request, email, "Too many links were asked for this address or from your network. "
                                             "Try again in an hour.", 429)
        response.headers["Retry-After"] = str(exc.seconds)
        return response
    raise web.HTTPSeeOther(location=str(request.app.router["password_reset"].url_for().with_query(sent="1")))


def _problem_page(request: web.Request, problem: LinkProblem) -> web.Response:
    return _render(request, "auth/password_reset_problem.html", {"message": problem.message}, problem.status)


async def new_password_form(request: web.Request) -> web.Response:
    try:
        link = await open_link(request, request.match_info["token"])
    except LinkProblem as problem:
        return _problem_page(request, problem)
    return _render(request, "auth/new_password.html", {"account": link.user, "errors": {}})


async def set_new_password(request: web.Request) -> web.Response:
    try:
        link = await open_link(request, request.match_info["token"])
    except LinkProblem as problem:
        return _problem_page(request, problem)
    password = (await text_fields(request, "password"))["password"]
    weakness = password_problem(password, link.user.username)
    if weakness:
        return _render(request, "auth/new_password.html", {"account": link.user, "errors": {"password": weakness}},
                       400)
    try:
        await redeem(request, link, await request.config_dict[PASSWORDS].hash(password))
    except LinkProblem as used:
        return _problem_page(request, used)
    await log_in(request, link.user)
    raise web.HTTPSeeOther(location=str(request.app.router["account"].url_for().with_query(done="reset")))


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/password-reset", ask_form, name="password_reset")
    app.router.add_post("/password-reset", ask)
    app.router.add_get("/password-reset/{token}", new_password_form, name="password_reset_link")
    app.router.add_post("/password-reset/{token}", set_new_password)
