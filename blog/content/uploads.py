"""Post images from a form upload to files on disk, off the event loop.

Nothing here deletes a file: an image no post uses any more (replaced, removed, or
saved with a form that was then refused) is left to the cleanup (ops/maintenance.py,
hourly, and `python -m blog cleanup`), which deletes it once no row names it and
nobody has saved it for a grace period. See ImageFiles for why."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from blog.content.images import ImageFiles, process_image
from blog.keys import CONFIG, IMAGE_EXECUTOR, IMAGE_FILES

log = logging.getLogger(__name__)


async def save_upload(request: web.Request, field: object) -> tuple[str, str] | None:
    """Validates, re-encodes and stores an uploaded image; returns (display, thumbnail) names.

    None when no file was chosen. ImageRejected for a file that is not a usable
    image; a 413 for one over the size limit."""
    if not isinstance(field, web.FileField) or not field.filename:
        return None
    data = field.file.read()
    if not data:
        return None
    limit = request.config_dict[CONFIG].max_image_bytes
    if len(data) > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(data))
    loop = asyncio.get_running_loop()
    executor: ThreadPoolExecutor = request.config_dict[IMAGE_EXECUTOR]
    files: ImageFiles = request.config_dict[IMAGE_FILES]
    processed = await loop.run_in_executor(executor, process_image, data)

    def store() -> tuple[str, str]:
        return files.save(processed.display, processed.extension), files.save(processed.thumbnail, processed.extension)

    return await loop.run_in_executor(executor, store)

