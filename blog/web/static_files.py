"""Our own CSS and JavaScript: a missing file answers the site's 404 page.

aiohttp's static route hands a missing file to FileResponse, which answers an empty
application/octet-stream 404 that no middleware sees as an error. Checking first (a stat,
as FileResponse makes anyway) lets the error middleware show the page every 404 gets."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler

MISSING = "There is no file at this address."


@web.middleware
async def static_not_found(request: web.Request, handler: Handler) -> web.StreamResponse:
    resource = request.match_info.route.resource
    if isinstance(resource, web.StaticResource) and not _is_served_file(
            Path(resource.get_info()["directory"]), request.match_info.get("filename", "")):
        raise web.HTTPNotFound(text=MISSING)
    return await handler(request)


def _is_served_file(directory: Path, filename: str) -> bool:
    try:
        path = directory.joinpath(filename).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte
        return False
    return path.is_relative_to(directory.resolve()) and path.is_file()
