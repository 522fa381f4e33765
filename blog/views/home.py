"""The front page."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web


@aiohttp_jinja2.template("home.html")
async def index(request: web.Request) -> dict[str, Any]:
    return {"posts": []}


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/", index, name="index")
