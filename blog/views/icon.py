"""The site's icon at /favicon.ico, where browsers look for it whatever the page says."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

ICON = Path(__file__).resolve().parent.parent / "static" / "favicon.ico"
# Not versioned like /static files (the address is fixed), so kept a day rather than for ever.
ICON_CACHE_CONTROL = "public, max-age=86400"


async def favicon(request: web.Request) -> web.FileResponse:
    return web.FileResponse(ICON, headers={"Cache-Control": ICON_CACHE_CONTROL, "Content-Type": "image/x-icon"})


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/favicon.ico", favicon, name="favicon")
