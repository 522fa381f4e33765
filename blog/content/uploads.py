"""Post images from a form upload to files on disk, off the event loop."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from blog.content.images import ImageFiles, process_image
from blog.keys import CONFIG, IMAGE_EXECUTOR, IMAGE_FILES, STORE
from blog.web.forms import Upload

log = logging.getLogger(__name__)


async def save_upload(request: web.Request, upload: Upload | None) -> tuple[str, str] | None:
    """Validates, re-encodes and stores an uploaded image; returns (display, thumbnail) names.

    None when no file was chosen. ImageRejected for a file that is not a usable
    image; a 413 for one over the size limit."""
    if upload is None or not upload.filename:
        return None
    data = upload.data
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


async def release_images(request: web.Request, names: list[str]) -> None:
    """Deletes image files that no post refers to any more (they may be shared by content)."""
    store, files = request.config_dict[STORE], request.config_dict[IMAGE_FILES]
    for name in names:
        if not await store.posts.image_in_use(name):
            files.delete(name)

