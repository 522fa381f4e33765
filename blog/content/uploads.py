"""Post images from a form upload to files on disk, off the event loop: the header image,
and pictures for the text at every size a page may offer."""

from __future__ import annotations

import asyncio
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from aiohttp import web

from blog.content.images import ImageFiles, SizedImage, process_image, process_inline_image
from blog.keys import CONFIG, IMAGE_EXECUTOR, IMAGE_FILES, STORE
from blog.store import Store
from blog.store.images import ImageSize
from blog.web.paths import IMAGES_PREFIX

log = logging.getLogger(__name__)
ALT_MAX = 300
# Characters that would end the alt text or turn it into markup inside ![...](...).
_MARKDOWN_SPECIAL = re.compile(r"([\\\[\]*_`<&!])")


@dataclass(frozen=True)
class InlineUpload:
    """An image stored for a post's text: the address and size a body links to, as Markdown."""

    url: str
    width: int
    height: int
    markdown: str


def image_markdown(alt: str, url: str) -> str:
    """`![alt](url)`, the alt text kept on one line and read as plain text."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(alt.split()))
    return f"![{text}]({url})"


def alt_problem(alt: str) -> str | None:
    if len(alt.strip()) > ALT_MAX:
        return f"Keep the description to {ALT_MAX} characters (it has {len(alt.strip())})."
    return None


def too_large(limit: int) -> str:
    return f"This image is larger than {limit / 1024 / 1024:g} MB, the most this site accepts. Choose a smaller file."


def uploaded_bytes(field: object) -> bytes | None:
    """The bytes of a chosen file, or None when the file field was left empty."""
    if not isinstance(field, web.FileField) or not field.filename:
        return None
    return field.file.read() or None


async def save_upload(request: web.Request, field: object) -> tuple[str, str] | None:
    """Validates, re-encodes and stores an uploaded image; returns (display, thumbnail) names.

    None when no file was chosen. ImageRejected for a file that is not a usable
    image; a 413 for one over the size limit."""
    data = uploaded_bytes(field)
    if data is None:
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


async def save_inline_upload(request: web.Request, data: bytes, alt: str) -> InlineUpload:
    """Checks and re-encodes an image for a post's text exactly as a header image (ImageRejected
    for an unusable file; the caller checks the byte limit), stores every size, and records
    them so that pages can offer the browser the right one."""
    loop = asyncio.get_running_loop()
    executor: ThreadPoolExecutor = request.config_dict[IMAGE_EXECUTOR]
    files: ImageFiles = request.config_dict[IMAGE_FILES]
    processed: SizedImage = await loop.run_in_executor(executor, process_inline_image, data)

    def store() -> list[ImageSize]:
        return [ImageSize(files.save(size.data, processed.extension), size.width, size.height)
                for size in processed.sizes]

    sizes = await loop.run_in_executor(executor, store)
    column = sizes[processed.sizes.index(processed.column)]
    await request.config_dict[STORE].images.record_upload(column.name, sizes)
    url = f"{IMAGES_PREFIX}/{column.name}"
    return InlineUpload(url, column.width, column.height, image_markdown(alt, url))


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
