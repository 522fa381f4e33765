"""Serving stored images: content-hash names, so they can be cached for a year."""

from __future__ import annotations

from aiohttp import web

from blog.content.images import CONTENT_TYPES
from blog.keys import IMAGE_FILES
from blog.web.paths import IMAGES_PREFIX

CACHE_FOREVER = "public, max-age=31536000, immutable"


async def image(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    try:
        path = await request.config_dict[IMAGE_FILES].local_path(name)
    except ValueError:
        raise web.HTTPNotFound(text="There is no image at this address.") from None
    if path is None:
        raise web.HTTPNotFound(text="There is no image at this address.")
    return web.FileResponse(path, headers={
        "Content-Type": CONTENT_TYPES[name.rsplit(".", 1)[1]],
        "Cache-Control": CACHE_FOREVER,
    })


def setup_routes(app: web.Application) -> None:
    app.router.add_get(IMAGES_PREFIX + "/{name}", image, name="image")
