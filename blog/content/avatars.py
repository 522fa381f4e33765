"""Square pictures (avatars, the site's icon) from an upload.

The upload goes through the post images' own pipeline first (process_image: the format
sniffed, the size bounded, the pixels re-encoded without metadata); the clean copy it
makes is then cropped to a centred square and scaled to the sizes pages use."""

from __future__ import annotations

import io
from dataclasses import dataclass

from aiohttp import web
from PIL import Image, ImageOps

from blog.content.images import process_image
from blog.content.uploads import decoded, uploaded_bytes
from blog.keys import CONFIG, IMAGE_FILES
from blog.web.forms import Upload

LARGE = 256  # the profile page
SMALL = 64  # bylines and comments, shown at 32 CSS pixels (sharp on a 2x screen)
_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 85, "method": 4},
}
_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}


@dataclass(frozen=True)
class SquarePicture:
    large: bytes
    small: bytes
    extension: str


def make_square(data: bytes, *, max_pixels: int) -> SquarePicture:
    """Validate and re-encode an upload, then crop and scale it. Raises ImageRejected."""
    clean = process_image(data, max_pixels=max_pixels)
    output_format = _FORMATS[clean.extension]
    with Image.open(io.BytesIO(clean.display), formats=[output_format]) as image:
        image.load()
        side = min(LARGE, image.width, image.height)
        square = ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS)
    small = square.resize((min(SMALL, side), min(SMALL, side)), Image.Resampling.LANCZOS)
    return SquarePicture(_encode(square, output_format), _encode(small, output_format), clean.extension)


def _encode(image: Image.Image, output_format: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, output_format, **_SAVE_OPTIONS[output_format])
    return buffer.getvalue()


async def save_square_upload(request: web.Request, upload: Upload | None) -> tuple[str, str] | None:
    """Stores an uploaded picture as a square in two sizes; returns the (large, small) file names.

    None when no file was chosen; ImageRejected for a file that is not a usable image;
    a 413 for one over the size limit."""
    data = uploaded_bytes(upload)
    if data is None:
        return None
    limit = request.config_dict[CONFIG].max_image_bytes
    if len(data) > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(data))
    picture = await decoded(request, make_square, data)
    large, small = await request.config_dict[IMAGE_FILES].save(
        [(picture.large, picture.extension), (picture.small, picture.extension)])
    return large, small
