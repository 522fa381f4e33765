"""Following a member: the one service behind the page's button and the API, so the
followed member is told (once, not again for a follow that was there already)."""

from __future__ import annotations

from aiohttp import web

from blog.content.notifications import notify
from blog.keys import STORE


async def follow(app: web.Application, follower_id: int, followed_id: int, *, base_url: str | None = None) -> None:
    if await app[STORE].social.follow(follower_id, followed_id):
        await notify(app, followed_id, "follow", follower_id, base_url=base_url)
