"""Tags in use on public posts: /api/tags."""

from __future__ import annotations

from aiohttp import web

from blog.keys import STORE
from blog.web.json_errors import json_response


async def list_tags(request: web.Request) -> web.Response:
    return json_response({"tags": await request.config_dict[STORE].articles.tags()})


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/tags", list_tags, name="tags")
