"""The member's unread notifications and messages, shown in the nav on every page (and kept
current there by the member socket, which resumes after the last ids the page showed).
Read once per request, in one query."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from blog.accounts.current import current_user
from blog.keys import NAV_STATE, STORE


async def nav_state(request: web.Request) -> tuple[int, int, int, int]:
    """(unread notifications, unread messages, last message id, last notification id) of the
    signed-in member; zeros for anybody else."""
    state = request.get(NAV_STATE)
    if state is None:
        user = current_user(request)
        state = await request.config_dict[STORE].notifications.nav_state(user.id) if user else (0, 0, 0, 0)
        request[NAV_STATE] = state
    return state


async def nav_counts(request: web.Request) -> dict[str, Any]:
    """A context processor: the counts and resume points for nav.html."""
    notifications, messages, last_message, last_notification = await nav_state(request)
    return {"unread_notifications": notifications, "unread_messages": messages,
            "last_message_id": last_message, "last_notification_id": last_notification}
