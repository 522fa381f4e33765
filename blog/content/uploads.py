"""Uploaded pictures, from a form upload to files on disk, off the event loop: the header
image, pictures for the text at every size a page may offer, and square pictures (avatars,
the site's icon). Every decode takes its turn in the image queue (content/image_queue.py)
under the configured pixel limit, so a handful of uploads cannot take the server's memory.

Nothing here deletes a file: an image no post uses any more (replaced, removed, or
saved with a form that was then refused) is left to the cleanup (ops/maintenance.py,
hourly, and `python -m blog cleanup`), which deletes it once no row names it and
nobody has saved it for a grace period. See ImageFiles for why."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from aiohttp import web

from blog.content.images import process_image, process_inline_image
from blog.keys import CONFIG, IMAGE_EXECUTOR, IMAGE_FILES, IMAGE_QUEUE, STORE
from blog.ops.memory import give_back_free_memory
from blog.store.images import ImageSize
from blog.web.forms import SubmittedForm, Upload
from blog.web.paths import IMAGES_PREFIX

T = TypeVar("T")
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


def oversized_file(form: SubmittedForm, name: str, limit: int) -> str | None:
    """The error for a file the form reader left out for its size (web/forms.py), or None.
    Said at the file's own field: everything else the form held comes back with it."""
    size = form.oversized.get(name)
    if size is None:
        return None
    return f"This file is {size / 1e6:.1f} MB; an image can be at most {limit / 1e6:.1f} MB. Choose a smaller file."


def uploaded_bytes(upload: Upload | None) -> bytes | None:
    """The bytes of a chosen file as read_form kept it, or None when the file field was left
    empty (a file over the size limit is not kept: see SubmittedForm.oversized)."""
    if upload is None or not upload.filename:
        return None
    return upload.data or None


async def decoded(request: web.Request, make: Callable[..., T], data: bytes) -> T:
    """`make(data, max_pixels=...)` in the image threads, when the queue gives this upload its turn.
    ImageRejected for an unusable file, or when too many uploads are waiting already."""
    config = request.config_dict[CONFIG]
    executor: ThreadPoolExecutor = request.config_dict[IMAGE_EXECUTOR]
    async with request.config_dict[IMAGE_QUEUE].turn():
        return await asyncio.get_running_loop().run_in_executor(
            executor, functools.partial(_decode, make, data, config.max_image_pixels))


def _decode(make: Callable[..., T], data: bytes, max_pixels: int) -> T:
    try:
        return make(data, max_pixels=max_pixels)
    finally:
        give_back_free_memory()  # the decoded pixels' memory, which glibc would otherwise keep


async def save_upload(request: web.Request, upload: Upload | None) -> tuple[str, str] | None:
    """Validates, re-encodes and stores an uploaded image; returns (display, thumbnail) names.

    None when no file was chosen. ImageRejected for a file that is not a usable
    image; a 413 for one over the size limit."""
    data = uploaded_bytes(upload)
    if data is None:
        return None
    config = request.config_dict[CONFIG]
    if len(data) > config.max_image_bytes:
        raise web.HTTPRequestEntityTooLarge(max_size=config.max_image_bytes, actual_size=len(data))
    processed = await decoded(request, process_image, data)
    display, thumbnail = await request.config_dict[IMAGE_FILES].save(
        [(processed.display, processed.extension), (processed.thumbnail, processed.extension)])
    return display, thumbnail


async def save_inline_upload(request: web.Request, data: bytes, alt: str) -> InlineUpload:
    """Checks and re-encodes an image for a post's text exactly as a header image (ImageRejected
    for an unusable file; the caller checks the byte limit), stores every size, and records
    them so that pages can offer the browser the right one."""
    processed = await decoded(request, process_inline_image, data)
    names = await request.config_dict[IMAGE_FILES].save([(size.data, processed.extension) for size in processed.sizes])
    sizes = [ImageSize(name, size.width, size.height) for name, size in zip(names, processed.sizes)]
    column = sizes[processed.sizes.index(processed.column)]
    await request.config_dict[STORE].images.record_upload(column.name, sizes)
    url = f"{IMAGES_PREFIX}/{column.name}"
    return InlineUpload(url, column.width, column.height, image_markdown(alt, url))
