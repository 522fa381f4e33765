"""Registering, logging in, and the current user: /api/users, /api/users/login, /api/user.

Passwords follow the RealWorld contract here (8 to 1024 characters). The HTML forms
also refuse the most common passwords; the API does not, on purpose, because RealWorld
clients and suites register with passwords such as "password123" (see bench/API.md)."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from email_validator import EmailNotValidError, validate_email

from blog.accounts import usernames
from blog.accounts.passwords import MAX_LENGTH as PASSWORD_MAX
from blog.accounts.passwords import MIN_LENGTH as PASSWORD_MIN
from blog.accounts.throttle import TooManyAttempts, cancel_attempt, registration_limits, reserve_attempt
from blog.api.auth import check_password, issue_token, require_caller
from blog.api.errors import ApiError, Errors, invalid
from blog.api.serializers import user_json
from blog.api.validation import BLANK, is_blank, optional_text, read_object, required_text, too_long
from blog.content.profiles import bio_html
from blog.keys import PASSWORDS, STORE
from blog.store.users import EmailTaken, User, UsernameTaken
from blog.web.json_errors import TOKEN_CHALLENGE, json_response
from blog.web.site import current_site
from blog.web.urls import public_base

USERNAME_PATTERN = usernames.USERNAME_PATTERN.pattern  # as on the HTML registration form
USERNAME_RULE = "is invalid (use 3 to 30 letters, digits, '-' or '_')"
EMAIL_MAX = 254
BIO_MAX = 1000
IMAGE_MAX = 2000
# An avatar is an http(s) URL: no spaces, controls or quotes that could break out of an attribute.
IMAGE_PATTERN = 'https?://[^\\u0000-\\u0020\\u007f"<>\\\\^`{|}]+'
TAKEN = "has already been taken"


def _username(value: str | None, errors: Errors) -> None:
    if value is not None and "username" not in errors and not re.fullmatch(USERNAME_PATTERN, value):
        errors["username"] = [USERNAME_RULE]


def _email(value: str | None, errors: Errors) -> str | None:
    if value is None or "email" in errors:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        errors["email"] = ["is invalid"]
        return None


def _password(value: str | None, errors: Errors) -> None:
    if value is None or "password" in errors:
        return
    if is_blank(value):  # only spaces: no password at all
        errors["password"] = [BLANK]
    elif len(value) < PASSWORD_MIN:
        errors["password"] = [f"is too short (minimum is {PASSWORD_MIN} characters)"]
    elif len(value) > PASSWORD_MAX:
        errors["password"] = [too_long(PASSWORD_MAX)]


def validate_registration(data: dict[str, Any]) -> tuple[dict[str, str], Errors]:
    errors: Errors = {}
    username, email, password = (required_text(data, name, errors) for name in ("username", "email", "password"))
    _username(username, errors)
    email = _email(email, errors)
    _password(password, errors)
    return {"username": username or "", "email": email or "", "password": password or ""}, errors


def _taken(exc: Exception) -> ApiError:
    return ApiError(409, {"username" if isinstance(exc, UsernameTaken) else "email": [TAKEN]})


async def register(request: web.Request) -> web.Response:
    if not (await current_site(request)).registration_open:
        raise ApiError(403, {"registration": ["is closed"]})
    clean, errors = validate_registration(await read_object(request, "user"))
    if errors:
        raise invalid(errors)
    try:  # counted with the HTML form's registrations from the same client
        attempt = await reserve_attempt(request, registration_limits(request))
    except TooManyAttempts as refusal:
        raise ApiError(429, {"registration": [f"too many accounts were created from your address lately; "
                                              f"try again in {refusal.seconds} seconds"]},
                       {"Retry-After": str(refusal.seconds)}) from None
    password_hash = await request.config_dict[PASSWORDS].hash(clean["password"])
    try:
        user = await request.config_dict[STORE].users.create(clean["username"], clean["email"], password_hash)
    except (UsernameTaken, EmailTaken) as exc:
        await cancel_attempt(request, attempt)
        raise _taken(exc) from None
    token = await issue_token(request, user, "registration")
    return json_response({"user": user_json(user, token, public_base(request))}, status=201)


async def login(request: web.Request) -> web.Response:
    data = await read_object(request, "user")
    errors: Errors = {}
    email, password = required_text(data, "email", errors), required_text(data, "password", errors)
    if errors or email is None or password is None:
        raise invalid(errors)
    user = await check_password(request, email, password, TOKEN_CHALLENGE)
    token = await issue_token(request, user, "login")
    return json_response({"user": user_json(user, token, public_base(request))})


async def current(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    return json_response({"user": user_json(caller.user, caller.token, public_base(request))})


def _clearable(data: dict[str, Any], name: str, maximum: int, errors: Errors) -> str | None:
    """bio or image: "" and null both clear the field."""
    value = optional_text(data, name, errors, nullable=True)
    if value and len(value) > maximum:
        errors[name] = [too_long(maximum)]
    return value or None


def _profile_changes(data: dict[str, Any]) -> tuple[dict[str, str | None], str | None, Errors]:
    """What PUT /api/user changes (username, email, bio, image), and the new password if any."""
    errors: Errors = {}
    changes: dict[str, str | None] = {}
    if "username" in data:
        changes["username"] = required_text(data, "username", errors)
        _username(changes["username"], errors)
    if "email" in data:
        changes["email"] = _email(required_text(data, "email", errors), errors)
    password = required_text(data, "password", errors) if "password" in data else None
    _password(password, errors)
    for name, maximum in (("bio", BIO_MAX), ("image", IMAGE_MAX)):
        if name in data:
            changes[name] = _clearable(data, name, maximum, errors)
    image = changes.get("image")
    if image and "image" not in errors and not re.fullmatch(IMAGE_PATTERN, image):
        errors["image"] = ["must be an http:// or https:// URL"]
    return changes, password, errors


async def update(request: web.Request) -> web.Response:
    caller = await require_caller(request)
    changes, password, errors = _profile_changes(await read_object(request, "user"))
    if errors:
        raise invalid(errors)
    store = request.config_dict[STORE]
    if "bio" in changes:
        bio = changes["bio"] = changes["bio"] or ""  # the column keeps "" for no bio
        changes["bio_html"] = bio_html(bio)  # the profile page shows it, rendered like the form's
    if "image" in changes:  # a picture URL of the client's replaces an uploaded one
        changes["avatar"] = changes["avatar_small"] = None
    if password is not None:
        changes["password_hash"] = await request.config_dict[PASSWORDS].hash(password)
    try:
        user: User = await store.users.update_profile(caller.user.id, changes)
    except (UsernameTaken, EmailTaken) as exc:
        raise _taken(exc) from None
    if password is not None:
        # Whoever knew the old password may hold tokens or sessions: only the caller's token lives on.
        await store.tokens.revoke_others(user.id, caller.token)
        await store.sessions.end_others(user.id, None)
    return json_response({"user": user_json(user, caller.token, public_base(request))})


def setup_routes(app: web.Application) -> None:
    app.router.add_post("/users", register, name="register")
    app.router.add_post("/users/login", login, name="login")
    app.router.add_get("/user", current, name="current_user")
    app.router.add_put("/user", update, name="update_user")
