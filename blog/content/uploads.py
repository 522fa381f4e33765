"""Post images from a form upload to files on disk, off the event loop."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from blog.content.images import ImageFiles, process_image
from blog.keys import CONFIG, IMAGE_EXECUTOR, IMAGE_FILES, STORE
from blog.store import Store

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


async def release_images(request: web.Request, names: list[str]) -> None:
    """Deletes image files that nothing refers to any more (they may be shared by content)."""
    await release_files(request.config_dict[STORE], request.config_dict[IMAGE_FILES], names)


async def release_files(store: Store, files: ImageFiles, names: list[str]) -> None:
    """Deletes those of these image files that no post, avatar or site icon refers to."""
    icons = await store.settings.image_names() if names else set()
    for name in names:
        if name not in icons and not await store.posts.image_in_use(name) \
                and not await store.users.avatar_in_use(name):
            files.delete(name)

