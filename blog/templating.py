"""Jinja2 set-up: the loader, filters, and the context every template receives."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import get_session

from . import clock
from .devices import device_name
from .keys import CONFIG, CURRENT_USER
from .security import ensure_csrf_token


async def site_context(request: web.Request) -> dict[str, Any]:
    """Puts the user (and the session's username) and a CSRF token maker in every template.

    The token is made only when a template asks for it, so pages without a form
    never start a session for an anonymous reader."""
    user = request.get(CURRENT_USER)
    session = await get_session(request)
    return {
        "current_user": user,
        "username": user.username if user else None,
        "csrf_token": lambda: ensure_csrf_token(session),
        "registration_open": request.config_dict[CONFIG].registration_open,
    }


def format_time(value: str | datetime | None, style: str = "%d %b %Y, %H:%M UTC") -> str:
    if value is None:
        return ""
    moment = clock.parse(value) if isinstance(value, str) else value
    return moment.strftime(style)


def setup_templates(app: web.Application) -> None:
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("blog", "templates"),
        autoescape=True,
        context_processors=[aiohttp_jinja2.request_processor, site_context],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["time"] = format_time
    env.filters["device"] = device_name
