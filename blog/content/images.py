"""Validation and re-encoding of uploaded images (image_files.py stores them).

Uploaded bytes are untrusted: the declared name and content type are ignored,
the real format is sniffed by Pillow, the pixel count is bounded before any
pixels are decoded, and what we store is always a fresh encoding of the pixels
alone, so no metadata (EXIF, GPS, XMP, comments) and no polyglot payload from
the upload ever reaches a reader.

Output formats: JPEG stays JPEG, PNG stays PNG, WebP stays WebP, and a GIF
becomes a PNG of its first frame (animation is dropped: decoding and resizing
every frame multiplies the cost an attacker can make us pay, and PNG is a
better still-image format anyway). Animated WebP and APNG likewise keep only
their first frame.
"""

from __future__ import annotations

import contextlib
import io
import types
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

__all__ = [
    "CONTENT_TYPES",
    "DISPLAY_BOX",
    "THUMBNAIL_BOX",
    "ImageRejected",
    "ProcessedImage",
    "SizedImage",
    "check_image",
    "process_image",
    "process_inline_image",
]

#: Extension -> MIME type of every file ImageFiles (image_files.py) may hold.
CONTENT_TYPES: Mapping[str, str] = types.MappingProxyType(
    {
        "jpg": "image/jpeg",
        "png": "image/png",
        "gif": "image/gif",
        "webp": "image/webp",
    }
)

#: The display copy fits in this box; the thumbnail in the smaller one.
DISPLAY_BOX = (1600, 1600)
THUMBNAIL_BOX = (400, 400)

#: An image inside a post's text is also made at these widths (when it is wider), so a
#: phone fetches 400 pixels and a wide screen 1600; COLUMN_WIDTH is the one a body links
#: to: the text column's width on an ordinary screen.
INLINE_WIDTHS = (400, 800)
COLUMN_WIDTH = 800

_ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")

#: Input format -> output format. MPO is what Pillow calls a JPEG that carries
#: extra pictures (many phone cameras write these); it is still a JPEG.
_OUTPUT_FORMAT = types.MappingProxyType(
    {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "GIF": "PNG", "WEBP": "WEBP"}
)
_EXTENSION = types.MappingProxyType({"JPEG": "jpg", "PNG": "png", "WEBP": "webp"})
#: Format -> the extension of a stored file of that format.
_STORED_EXTENSION = types.MappingProxyType({"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"})

#: Encoder settings per output format. PNG is lossless, so only size matters;
#: JPEG and WebP trade a little quality for much smaller pages.
_SAVE_OPTIONS = types.MappingProxyType(
    {
        "JPEG": types.MappingProxyType(
            {"quality": 85, "optimize": True, "progressive": True}
        ),
        "PNG": types.MappingProxyType({"optimize": True}),
        "WEBP": types.MappingProxyType({"quality": 85, "method": 4}),
    }
)

#: ICC colour-space signature (header bytes 16..20) that fits each pixel mode;
#: a profile is kept only if it describes the pixels we actually write.
_ICC_SPACE = types.MappingProxyType(
    {"L": b"GRAY", "LA": b"GRAY", "RGB": b"RGB ", "RGBA": b"RGB "}
)

_SIXTEEN_BIT_GREY = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})

_NOT_AN_IMAGE = "This file is not a JPEG, PNG, GIF or WebP image."
_DAMAGED = "This image file is damaged and cannot be read."


class ImageRejected(Exception):
    """An upload we refuse; ``str(exc)`` is a sentence fit to show the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ProcessedImage:
    """The re-encoded display copy and thumbnail of one accepted upload.

    ``width`` and ``height`` are those of ``display`` (after EXIF rotation),
    which is what a page needs for its ``<img>`` attributes.
    """

    display: bytes
    thumbnail: bytes
    extension: str
    content_type: str
    width: int
    height: int


#: The default pixel limit: a 16-megapixel picture (4900 x 3265) decodes to 48 MiB (RGB) or
#: 64 MiB (RGBA) at most; a phone's 12-megapixel photo fits. Every later step works on a
#: copy already shrunk to about twice the display box (see _decode).
MAX_PIXELS = 16_000_000
_STRIP_ROWS = 128


def process_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> ProcessedImage:
    """Validate an upload and re-encode it into a display copy and a thumbnail.

    Synchronous and CPU-bound: run it in an executor. Raises ImageRejected,
    and nothing else, for anything that is not a readable JPEG, PNG, GIF or
    WebP of at most ``max_pixels`` pixels.
    """
    with warnings.catch_warnings():
        # Pillow only *warns* between MAX_IMAGE_PIXELS and twice that; make
        # it refuse, without touching the process-wide Image.MAX_IMAGE_PIXELS.
        # catch_warnings is not thread-safe before Python 3.14, so this is a
        # second line of defence: _check_size is what enforces max_pixels.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        source_format = _check_header(data, max_pixels)
        image = _decode(data, max_pixels)
        with _reading(max_pixels):
            return _encode(image, _OUTPUT_FORMAT[source_format])


@dataclass(frozen=True)
class EncodedSize:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class SizedImage:
    """An image for a post's text, re-encoded at every size a page may offer (smallest first).

    ``column`` is the size a body links to and a page shows at 1x: the smallest that is at
    least COLUMN_WIDTH wide, or the largest there is."""

    sizes: tuple[EncodedSize, ...]
    extension: str
    content_type: str

    @property
    def column(self) -> EncodedSize:
        return next((size for size in self.sizes if size.width >= COLUMN_WIDTH), self.sizes[-1])


def process_inline_image(data: bytes, *, max_pixels: int = 40_000_000) -> SizedImage:
    """The same checks and re-encoding as process_image, at the sizes of INLINE_WIDTHS and
    the display box. Synchronous and CPU-bound: run it in an executor."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        source_format = _check_header(data, max_pixels)
        image = _decode(data, max_pixels)
        with _reading(max_pixels):
            return _encode_sizes(image, _OUTPUT_FORMAT[source_format])


def _encode_sizes(image: Image.Image, output_format: str) -> SizedImage:
    icc_profile = image.info.get("icc_profile")
    oriented = ImageOps.exif_transpose(image)
    pixels = _strip_metadata(_normalise_mode(oriented, output_format))
    largest = _fit(pixels, DISPLAY_BOX)
    icc = _matching_icc(icc_profile, pixels.mode)
    fitted = [_to_width(largest, width) for width in INLINE_WIDTHS if width < largest.width] + [largest]
    extension = _EXTENSION[output_format]
    return SizedImage(
        sizes=tuple(EncodedSize(_save(size, output_format, icc), size.width, size.height) for size in fitted),
        extension=extension,
        content_type=CONTENT_TYPES[extension],
    )


def _to_width(image: Image.Image, width: int) -> Image.Image:
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def check_image(data: bytes, extension: str, *, max_pixels: int = 40_000_000) -> None:
    """Checks stored bytes brought from elsewhere (an import) without re-encoding them, which
    would change their names: a readable image, of the format its extension says. Raises
    ImageRejected."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        source_format = _check_header(data, max_pixels)
    if _STORED_EXTENSION.get(source_format) != extension:
        raise ImageRejected(_NOT_AN_IMAGE)


def _check_header(data: bytes, max_pixels: int) -> str:
    """Sniff the format and size, and run Pillow's structural check.

    Only the header is parsed here, so a decompression bomb is refused before
    a single pixel is allocated. ``verify()`` catches e.g. PNG checksum
    errors that decoding alone would not; it leaves the image unusable, hence
    the separate decode step.
    """
    with _reading(max_pixels):
        with _open(data) as image:
            _check_size(image, max_pixels)
            image.verify()
            return image.format or ""


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    """Decode the first frame fully, so truncated data fails here, not later.

    Memory is what a large picture costs: decoded, 4 bytes a pixel, and the steps after
    (orientation, mode, metadata stripping, resizing) each made a full-size copy: 470 MiB
    for a 40-megapixel PNG. So the decoded pixels are shrunk at once, by a whole factor
    (Image.reduce: a box filter, fast), to no less than the display box; the full-size
    pixels are let go before any other step, and the peak is the decode itself."""
    with _reading(max_pixels):
        image = _open(data)
        _check_size(image, max_pixels)
        # For a JPEG, let libjpeg decode at 1/2, 1/4 or 1/8 scale when the
        # result still covers the display box: much less CPU and memory.
        image.draft(None, DISPLAY_BOX)
        image.load()
        return _reduced(image)


def _reduced(image: ImageFile.ImageFile | Image.Image) -> Image.Image:
    """The image shrunk by the largest whole factor that keeps its long side at least the
    display box's (the resize to the display copy does the rest, with a better filter)."""
    factor = max(image.size) // max(DISPLAY_BOX)
    if factor < 2 or image.mode in ("P", "1"):  # palette images resize only nearest-neighbour
        return image
    # A whole number of blocks (at most factor-1 edge pixels dropped), so the aspect is kept.
    width, height = image.width - image.width % factor, image.height - image.height % factor
    reduced = Image.new(image.mode, (width // factor, height // factor))
    # In strips: reducing an image with alpha first converts all of it to premultiplied
    # alpha, one more full-size copy; a strip's copy is small.
    step = factor * _STRIP_ROWS
    for top in range(0, height, step):
        strip = image.crop((0, top, width, min(height, top + step))).reduce(factor)
        reduced.paste(strip, (0, top // factor))
    reduced.info = dict(image.info)  # the EXIF orientation and colour profile still apply
    image.close()
    return reduced


def _open(data: bytes) -> ImageFile.ImageFile:
    """Open ``data`` as one of the accepted formats, whatever it claims to be."""
    try:
        return Image.open(io.BytesIO(data), formats=list(_ACCEPTED_FORMATS))
    except UnidentifiedImageError:
        raise ImageRejected(_NOT_AN_IMAGE) from None


def _check_size(image: Image.Image, max_pixels: int) -> None:
    """Refuse images whose pixels would cost too much memory and CPU."""
    width, height = image.size
    if width < 1 or height < 1:
        raise ImageRejected(_DAMAGED)
    if width * height > max_pixels:
        raise ImageRejected(_too_large(_effective_limit(max_pixels)))


def _too_large(max_pixels: int) -> str:
    """The user-facing sentence for an image over the pixel limit."""
    megapixels = f"{max_pixels / 1_000_000:g}"
    return f"This image is too large to process (at most {megapixels} megapixels)."


@contextlib.contextmanager
def _reading(max_pixels: int) -> Iterator[None]:
    """Translate whatever Pillow raises on hostile input into ImageRejected.

    Decoders for untrusted data fail in many ways (OSError, SyntaxError,
    ValueError, struct.error, EOFError, ...); callers must only ever have to
    handle ImageRejected. MemoryError is a server condition, not a verdict on
    the file, so it is left alone.
    """
    try:
        yield
    except (ImageRejected, MemoryError):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected(_too_large(_effective_limit(max_pixels))) from exc
    except Exception as exc:
        raise ImageRejected(_DAMAGED) from exc


def _effective_limit(max_pixels: int) -> int:
    """Pillow's own bomb check also applies, so the lower limit wins."""
    pillow_limit = Image.MAX_IMAGE_PIXELS
    return max_pixels if pillow_limit is None else min(max_pixels, pillow_limit)


def _encode(image: Image.Image, output_format: str) -> ProcessedImage:
    """Orient, normalise, resize and re-encode the decoded image."""
    icc_profile = image.info.get("icc_profile")
    oriented = ImageOps.exif_transpose(image)
    pixels = _strip_metadata(_normalise_mode(oriented, output_format))
    display = _fit(pixels, DISPLAY_BOX)
    thumbnail = _fit(display, THUMBNAIL_BOX)
    icc = _matching_icc(icc_profile, pixels.mode)
    extension = _EXTENSION[output_format]
    return ProcessedImage(
        display=_save(display, output_format, icc),
        thumbnail=_save(thumbnail, output_format, icc),
        extension=extension,
        content_type=CONTENT_TYPES[extension],
        width=display.width,
        height=display.height,
    )


def _normalise_mode(image: Image.Image, output_format: str) -> Image.Image:
    """Convert to a pixel mode the output format holds and resizing handles well.

    Palette and 1-bit images resize only with nearest-neighbour, CMYK is not
    for the web, and JPEG cannot hold alpha (JPEG input never has any).
    """
    if image.mode in _SIXTEEN_BIT_GREY:
        # A plain convert("L") clips 16-bit values instead of scaling them.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if output_format == "JPEG":
        return image if image.mode in ("L", "RGB") else image.convert("RGB")
    if image.has_transparency_data:
        if output_format == "PNG" and image.mode in ("LA", "RGBA"):
            return image
        return image.convert("RGBA")
    if output_format == "PNG" and image.mode in ("1", "L"):
        return image.convert("L")
    return image if image.mode == "RGB" else image.convert("RGB")


def _strip_metadata(image: Image.Image) -> Image.Image:
    """Rebuild the image from its pixels alone.

    Some encoders fall back to ``image.info`` (EXIF, XMP, comments, text
    chunks) when not told otherwise; a fresh image has nothing to leak.
    """
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _fit(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """Shrink to fit inside ``box`` keeping the aspect ratio; never enlarge."""
    fitted = image.copy()
    fitted.thumbnail(box, Image.Resampling.LANCZOS)
    return fitted


def _matching_icc(profile: bytes | None, mode: str) -> bytes | None:
    """Keep the colour profile only if it describes the pixels we write.

    A wide-gamut phone photo looks wrong without its profile, but a CMYK
    profile attached to converted RGB pixels would be worse than none.
    """
    if not profile or len(profile) < 20:
        return None
    return profile if profile[16:20] == _ICC_SPACE.get(mode) else None


def _save(image: Image.Image, output_format: str, icc: bytes | None) -> bytes:
    """Encode ``image`` with the settings for ``output_format``."""
    buffer = io.BytesIO()
    options: dict[str, object] = dict(_SAVE_OPTIONS[output_format])
    if icc:
        options["icc_profile"] = icc
    image.save(buffer, output_format, **options)
    return buffer.getvalue()
