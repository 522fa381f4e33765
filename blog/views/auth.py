"""Registering, logging in and logging out through HTML forms."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from email_validator import EmailNotValidError, validate_email

from blog.accounts.current import current_user
from blog.accounts.kept_forms import has_kept_text
from blog.accounts.login import (
    LOGIN_MAX_LENGTH,
    AccountSuspended,
    WrongCredentials,
    authenticate,
    log_in,
    log_out,
    safe_next,
)
from blog.accounts.passwords import password_problem
from blog.accounts.throttle import TooManyAttempts, cancel_attempt, registration_limits, reserve_attempt
from blog.accounts.usernames import USERNAME_PATTERN, USERNAME_RULE
from blog.keys import PASSWORDS, STORE
from blog.store.users import EmailTaken, User, UsernameTaken
from blog.web.forms import FieldErrors, text_fields
from blog.web.site import current_site


def _render(template: str, request: web.Request, context: dict[str, Any], status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template(template, request, context, status=status)


# Registration ---------------------------------------------------------------


def validate_registration(fields: dict[str, str]) -> tuple[dict[str, str], FieldErrors]:
    errors: FieldErrors = {}
    username, password = fields["username"], fields["password"]
    if not USERNAME_PATTERN.fullmatch(username):
        errors["username"] = USERNAME_RULE
    email = fields["email"]
    if not email:
        errors["email"] = "Enter your email address."
    else:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            errors["email"] = f"This is not a valid email address: {exc}"
    problem = password_problem(password, username)
    if problem:
        errors["password"] = problem
    return {"username": username, "email": email, "password": password}, errors


def _already_logged_in(request: web.Request) -> None:
    """A logged-in visitor has no use for these forms: on to where they were going."""
    if current_user(request) is not None:
        raise web.HTTPSeeOther(location=safe_next(request.query.get("next")))


async def register_form(request: web.Request) -> web.Response:
    _already_logged_in(request)
    if not (await current_site(request)).registration_open:
        return _render("auth/registration_closed.html", request, {}, status=403)
    return _render("auth/register.html", request, _register_context(request, {}, {}))


def _register_context(request: web.Request, values: dict[str, str], errors: FieldErrors,
                      error: str = "") -> dict[str, Any]:
    return {
        "values": {"username": values.get("username", ""), "email": values.get("email", "")},
        "errors": errors,
        "error": error,
        "next": safe_next(request.query.get("next") or values.get("next"), ""),
    }


async def register(request: web.Request) -> web.Response:
    if not (await current_site(request)).registration_open:
        return _render("auth/registration_closed.html", request, {}, status=403)
    fields = await text_fields(request, "username", "email", "password", "next", strip=("username", "email"))
    clean, errors = validate_registration(fields)
    if not errors:
        try:
            user = await _create_account(request, clean, errors)
        except TooManyAttempts as refusal:
            return _too_many_registrations(request, fields, refusal)
        if user is not None:
            await log_in(request, user)
            raise web.HTTPSeeOther(location=safe_next(fields["next"]))
    context = _register_context(request, fields, errors)
    return _render("auth/register.html", request, context, status=400)


async def _create_account(request: web.Request, clean: dict[str, str], errors: FieldErrors) -> User | None:
    """The new account, counted against this client's registrations (TooManyAttempts past the limit)."""
    attempt = await reserve_attempt(request, registration_limits(request))
    password_hash = await request.config_dict[PASSWORDS].hash(clean["password"])
    try:
        return await request.config_dict[STORE].users.create(clean["username"], clean["email"], password_hash)
    except UsernameTaken:
        errors["username"] = "This username is taken; choose another."
    except EmailTaken:
        errors["email"] = "An account with this email already exists. Log in instead?"
    await cancel_attempt(request, attempt)  # no account was made
    return None


def _too_many_registrations(request: web.Request, fields: dict[str, str], refusal: TooManyAttempts) -> web.Response:
    error = (f"Too many accounts were created from your address lately. Try again in "
             f"{-(-refusal.seconds // 60)} minute(s), after {refusal.retry_at.strftime('%H:%M UTC')}.")
    response = _render("auth/register.html", request, _register_context(request, fields, {}, error), status=429)
    response.headers["Retry-After"] = str(refusal.seconds)
    return response


# Login -------------------------------------------------------------------------


async def login_form(request: web.Request) -> web.Response:
    _already_logged_in(request)
    context = {"login": "", "error": None, "next": safe_next(request.query.get("next"), ""),
               "kept": await has_kept_text(request)}
    return _render("auth/login.html", request, context)


async def login(request: web.Request) -> web.Response:
    fields = await text_fields(request, "username", "password", "next", strip=("username",))
    login_name, target = fields["username"], safe_next(fields["next"])
    context = {"login": login_name[:LOGIN_MAX_LENGTH], "next": safe_next(fields["next"], ""), "error": None,
               "kept": await has_kept_text(request)}
    try:
        user = await authenticate(request, login_name, fields["password"])
    except TooManyAttempts as exc:
        return _too_many_attempts(request, context, exc)
    except WrongCredentials:
        context["error"] = "The username or password is not right."
        return _render("auth/login.html", request, context, status=400)
    except AccountSuspended:
        context["error"] = "This account is suspended. Ask an admin of this blog to restore it."
        return _render("auth/login.html", request, context, status=403)
    await log_in(request, user)
    raise web.HTTPSeeOther(location=target)


def _too_many_attempts(request: web.Request, context: dict[str, Any], refusal: TooManyAttempts) -> web.Response:
    context["error"] = (
        f"Too many failed attempts. Try again in {-(-refusal.seconds // 60)} minute(s), "
        f"after {refusal.retry_at.strftime('%H:%M UTC')}."
    )
    response = _render("auth/login.html", request, context, status=429)
    response.headers["Retry-After"] = str(refusal.seconds)
    return response


# Logout --------------------------------------------------------------------------


async def logout_page(request: web.Request) -> web.Response:
    """GET never logs out (a link or a prefetch must not end a session): it offers the button."""
    return _render("auth/logout.html", request, {})


async def logout(request: web.Request) -> web.Response:
    if current_user(request) is not None:
        await log_out(request)
    raise web.HTTPSeeOther(location="/")


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/register", register_form, name="register")
    app.router.add_post("/register", register)
    app.router.add_get("/login", login_form, name="login")
    app.router.add_post("/login", login)
    app.router.add_get("/logout", logout_page, name="logout")
    app.router.add_post("/logout", logout)
