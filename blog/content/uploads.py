"""Post images from a form upload to files on disk, off the event loop.

Nothing here deletes a file: an image no post uses any more (replaced, removed, or
saved with a form that was then refused) is left to the cleanup (ops/maintenance.py,
hourly, and `python -m blog cleanup`), which deletes it once no row names it and
nobody has saved it for a grace period. See ImageFiles for why."""

from __future__ import annotations

import asyncio
import functools
import logging
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from blog.content.images import ImageFiles, ProcessedImage, process_image
from blog.keys import CONFIG, IMAGE_EXECUTOR, IMAGE_FILES, IMAGE_QUEUE
from blog.ops.memory import give_back_free_memory

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
    config = request.config_dict[CONFIG]
    if len(data) > config.max_image_bytes:
        raise web.HTTPRequestEntityTooLarge(max_size=config.max_image_bytes, actual_size=len(data))
    loop = asyncio.get_running_loop()
    executor: ThreadPoolExecutor = request.config_dict[IMAGE_EXECUTOR]
    files: ImageFiles = request.config_dict[IMAGE_FILES]
    async with request.config_dict[IMAGE_QUEUE].turn():  # one decode at a time (content/image_queue.py)
        processed = await loop.run_in_executor(
            executor, functools.partial(_process, data, max_pixels=config.max_image_pixels))

    def store() -> tuple[str, str]:
        return files.save(processed.display, processed.extension), files.save(processed.thumbnail, processed.extension)

    return await loop.run_in_executor(executor, store)


def _process(data: bytes, *, max_pixels: int) -> ProcessedImage:
    try:
        return process_image(data, max_pixels=max_pixels)
    finally:
        give_back_free_memory()  # the decoded pixels' memory, which glibc would otherwise keep

