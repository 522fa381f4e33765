"""Telling members what happened: the one way any feature notifies somebody."""

from __future__ import annotations

from aiohttp import web

from blog.keys import STORE


async def notify(app: web.Application, user_id: int, kind: str, actor_id: int | None, *,
                 post_id: int | None = None, comment_id: int | None = None, detail: str = "") -> int | None:
    """Records a notification for `user_id` (none for one's own doing); returns its id."""
    return await app[STORE].notifications.add(
        user_id, kind, actor_id, post_id=post_id, comment_id=comment_id, detail=detail)
