"""Tests for blog.images: every image is generated here with Pillow."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import time
import warnings
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile, PngImagePlugin

from blog.content.image_files import ImageFiles
from blog.content.images import CONTENT_TYPES, ImageRejected, ProcessedImage, process_image

HEX = "0123456789abcdef" * 4


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def gradient(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A non-flat image, so encoders cannot shrink it to nothing."""
    image = Image.linear_gradient("L").resize(size)
    return image.convert(mode)


# --- accepted formats ------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mode", "extension", "content_type", "out_format"),
    [
        ("JPEG", "RGB", "jpg", "image/jpeg", "JPEG"),
        ("JPEG", "L", "jpg", "image/jpeg", "JPEG"),
        ("JPEG", "CMYK", "jpg", "image/jpeg", "JPEG"),
        ("PNG", "RGB", "png", "image/png", "PNG"),
        ("PNG", "RGBA", "png", "image/png", "PNG"),
        ("PNG", "P", "png", "image/png", "PNG"),
        ("PNG", "1", "png", "image/png", "PNG"),
        ("GIF", "P", "png", "image/png", "PNG"),
        ("WEBP", "RGB", "webp", "image/webp", "WEBP"),
        ("WEBP", "RGBA", "webp", "image/webp", "WEBP"),
    ],
)
def test_accepted_formats_are_reencoded(
    fmt: str, mode: str, extension: str, content_type: str, out_format: str
) -> None:
    result = process_image(encode(gradient((300, 200), mode), fmt))

    assert isinstance(result, ProcessedImage)
    assert result.extension == extension
    assert result.content_type == content_type == CONTENT_TYPES[extension]
    assert (result.width, result.height) == (300, 200)
    display, thumbnail = reopen(result.display), reopen(result.thumbnail)
    assert display.format == thumbnail.format == out_format
    assert display.size == (300, 200)
    assert display.mode in {"L", "LA", "RGB", "RGBA"}


def test_jpeg_output_is_progressive() -> None:
    result = process_image(encode(gradient((300, 200)), "JPEG"))
    assert reopen(result.display).info.get("progressive")


def test_transparency_survives() -> None:
    image = Image.new("RGBA", (40, 40), (255, 0, 0, 0))
    image.paste((0, 0, 255, 255), (10, 10, 30, 30))
    for fmt in ("PNG", "WEBP", "GIF"):
        result = process_image(encode(image, fmt))
        out = reopen(result.display).convert("RGBA")
        assert out.getpixel((0, 0))[3] == 0, fmt
        assert out.getpixel((20, 20))[3] == 255, fmt


def test_animated_gif_keeps_first_frame_as_png() -> None:
    frames = [Image.new("RGB", (30, 30), colour) for colour in ("red", "lime", "blue")]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    result = process_image(data)
    out = reopen(result.display).convert("RGB")
    assert result.extension == "png"
    assert getattr(out, "n_frames", 1) == 1
    assert out.getpixel((15, 15)) == (255, 0, 0)


def test_mpo_is_treated_as_jpeg() -> None:
    first, second = gradient((120, 80)), gradient((120, 80), "RGB").rotate(180)
    data = encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    result = process_image(data)
    assert result.content_type == "image/jpeg"
    assert reopen(result.display).format == "JPEG"


def test_sixteen_bit_grey_png_is_scaled_not_clipped() -> None:
    data = encode(Image.new("I;16", (20, 20), 40000), "PNG")
    out = reopen(process_image(data).display)
    assert out.mode == "L"
    assert 150 <= out.getpixel((5, 5)) <= 160  # 40000 / 256 = 156; clipping gives 255


# --- sizes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "display", "thumbnail"),
    [
        ((4000, 3000), (1600, 1200), (400, 300)),
        ((1000, 5000), (320, 1600), (80, 400)),
        ((1600, 1600), (1600, 1600), (400, 400)),
        ((50, 30), (50, 30), (50, 30)),
    ],
)
def test_display_and_thumbnail_fit_their_boxes_without_upscaling(
    size: tuple[int, int], display: tuple[int, int], thumbnail: tuple[int, int]
) -> None:
    result = process_image(encode(gradient(size), "JPEG"))
    assert reopen(result.display).size == display
    assert (result.width, result.height) == display
    assert reopen(result.thumbnail).size == thumbnail


def test_large_png_is_downscaled() -> None:
    result = process_image(encode(gradient((2400, 1800), "RGBA"), "PNG"))
    assert max(reopen(result.display).size) <= 1600
    assert max(reopen(result.thumbnail).size) <= 400


# --- orientation and metadata ------------------------------------------------


def jpeg_with_exif(orientation: int) -> bytes:
    image = Image.new("RGB", (200, 100), "white")
    image.paste((255, 0, 0), (0, 0, 100, 100))  # left half red
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.Model] = "Model 1"
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 0.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 0.0),
    }
    return encode(image, "JPEG", exif=exif, comment=b"secret comment")


def test_exif_orientation_is_applied() -> None:
    data = jpeg_with_exif(orientation=6)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    result = process_image(data)

    assert (result.width, result.height) == (100, 200)
    out = reopen(result.display).convert("RGB")
    assert out.size == (100, 200)
    # Orientation 6 means "rotate 90 degrees clockwise": the left half
    # (red) ends up on top.
    red, green, blue = out.getpixel((50, 20))
    assert red > 200 and green < 60 and blue < 60
    assert out.getpixel((50, 180)) == pytest.approx((255, 255, 255), abs=8)
    assert reopen(result.thumbnail).size == (100, 200)


def test_metadata_is_removed_from_jpeg() -> None:
    result = process_image(jpeg_with_exif(orientation=1))
    for data in (result.display, result.thumbnail):
        out = reopen(data)
        exif = out.getexif()
        assert ExifTags.Base.Orientation not in exif
        assert ExifTags.Base.Make not in exif
        assert ExifTags.Base.GPSInfo not in exif
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert "exif" not in out.info
        assert "comment" not in out.info
        assert b"SpyCam" not in data
        assert b"secret comment" not in data


def test_metadata_is_removed_from_png_and_webp() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "secret comment")
    text.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>SpyCam</x:xmpmeta>")
    png = encode(gradient((60, 40)), "PNG", exif=exif, pnginfo=text)
    webp = encode(gradient((60, 40)), "WEBP", exif=exif, xmp=b"<x:xmpmeta>SpyCam</x:xmpmeta>")
    assert b"SpyCam" in png and b"SpyCam" in webp

    for data in (png, webp):
        result = process_image(data)
        for output in (result.display, result.thumbnail):
            out = reopen(output)
            assert not out.getexif()
            assert "xmp" not in out.info and "Comment" not in out.info
            assert b"SpyCam" not in output
            assert b"secret comment" not in output


def test_matching_colour_profile_is_kept_and_mismatched_one_dropped() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    rgb = process_image(encode(gradient((60, 40)), "JPEG", icc_profile=srgb))
    assert reopen(rgb.display).info.get("icc_profile") == srgb

    fake_cmyk = bytes(16) + b"CMYK" + bytes(108)
    cmyk = process_image(encode(gradient((60, 40), "CMYK"), "JPEG", icc_profile=fake_cmyk))
    assert reopen(cmyk.display).mode == "RGB"
    assert not reopen(cmyk.display).info.get("icc_profile")


# --- rejected input ----------------------------------------------------------

NOT_AN_IMAGE = "This file is not a JPEG, PNG, GIF or WebP image."
DAMAGED = "This image file is damaged and cannot be read."

SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
    b'height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(SVG, id="svg"),
        pytest.param(b"just some plain text\n", id="text"),
        pytest.param(HTML, id="html"),
        pytest.param(encode(gradient((20, 20)), "BMP"), id="bmp"),
        pytest.param(encode(gradient((20, 20)), "TIFF"), id="tiff"),
        pytest.param(encode(gradient((20, 20)), "ICO"), id="ico"),
        pytest.param(b"", id="empty"),
        pytest.param(b"\x89PNG\r\n\x1a\n", id="png-signature-only"),
    ],
)
def test_other_files_are_rejected(data: bytes) -> None:
    with pytest.raises(ImageRejected) as caught:
        process_image(data)
    assert str(caught.value) == NOT_AN_IMAGE


def test_html_disguised_behind_gif_header_is_not_an_image() -> None:
    with pytest.raises(ImageRejected):
        process_image(b"GIF89a" + HTML)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
def test_truncated_images_are_rejected(fmt: str) -> None:
    data = encode(gradient((400, 300)), fmt)
    with pytest.raises(ImageRejected) as caught:
        process_image(data[: len(data) // 2])
    assert str(caught.value) in {DAMAGED, NOT_AN_IMAGE}


def test_truncated_jpeg_is_damaged() -> None:
    data = encode(gradient((400, 300)), "JPEG")
    with pytest.raises(ImageRejected) as caught:
        process_image(data[: len(data) // 2])
    assert str(caught.value) == DAMAGED


def test_png_with_corrupt_pixel_data_is_damaged() -> None:
    data = bytearray(encode(gradient((100, 100)), "PNG"))
    idat = data.index(b"IDAT")
    data[idat + 20 : idat + 40] = b"\xff" * 20
    with pytest.raises(ImageRejected) as caught:
        process_image(bytes(data))
    assert str(caught.value) == DAMAGED


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of ``width`` x ``height`` zeros, a few hundred KB."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    rows = row * 1000
    idat = b"".join(compressor.compress(rows) for _ in range(height // 1000))
    idat += compressor.compress(row * (height % 1000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "size",
    [
        pytest.param((8_000, 8_000), id="over-max_pixels"),
        pytest.param((10_000, 10_000), id="over-pillow-warning-limit"),
        pytest.param((20_000, 20_000), id="over-pillow-error-limit"),
    ],
)
def test_decompression_bomb_is_rejected_before_decoding(
    size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = png_bomb(*size)
    assert len(data) < 2_000_000
    loads: list[object] = []
    original_load = ImageFile.ImageFile.load

    def spy_load(self: ImageFile.ImageFile) -> object:
        loads.append(self)
        return original_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy_load)

    started = time.perf_counter()
    with pytest.raises(ImageRejected) as caught:
        process_image(data)
    assert time.perf_counter() - started < 2.0
    assert loads == []
    assert str(caught.value).startswith("This image is too large to process (at most ")


def test_bomb_check_does_not_depend_on_the_callers_warning_filters() -> None:
    data = png_bomb(10_000, 10_000)  # between Pillow's warning and error limits
    filters_before = list(warnings.filters)
    limit_before = Image.MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ImageRejected):
            process_image(data, max_pixels=10**9)
    assert list(warnings.filters) == filters_before
    assert Image.MAX_IMAGE_PIXELS == limit_before


def test_max_pixels_is_configurable() -> None:
    data = encode(gradient((300, 200)), "PNG")
    with pytest.raises(ImageRejected) as caught:
        process_image(data, max_pixels=50_000)
    assert str(caught.value) == "This image is too large to process (at most 0.05 megapixels)."
    assert process_image(data, max_pixels=60_000).width == 300


# --- storage ------------------------------------------------------------------


def test_save_is_content_addressed(tmp_path: Path) -> None:
    files = ImageFiles(tmp_path / "images")
    name = files.save(b"picture bytes", "png")
    assert name == hashlib.sha256(b"picture bytes").hexdigest() + ".png"
    assert files.path(name) == tmp_path / "images" / name
    assert files.path(name).read_bytes() == b"picture bytes"
    assert files.save(b"other bytes", "png") != name


def test_save_twice_is_a_no_op(tmp_path: Path) -> None:
    files = ImageFiles(tmp_path)
    first = files.save(b"same", "jpg")
    second = files.save(b"same", "jpg")
    assert first == second
    assert sorted(os.listdir(tmp_path)) == [first]  # no temp files left behind
    assert files.names() == {first}


def test_save_refuses_unknown_extensions(tmp_path: Path) -> None:
    files = ImageFiles(tmp_path)
    for extension in ("svg", "html", "JPG", "png/../x", ""):
        with pytest.raises(ValueError):
            files.save(b"data", extension)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "a.svg",
        HEX.upper() + ".png",
        HEX + ".JPG",
        HEX + ".svg",
        HEX[:-1] + ".png",
        HEX + "0.png",
        "g" * 64 + ".png",
        HEX + ".png\n",
        HEX + ".png/..",
        "../" + HEX + ".png",
        "/" + HEX + ".png",
        HEX,
        "",
        ".",
    ],
)
def test_path_rejects_anything_but_stored_names(tmp_path: Path, name: str) -> None:
    files = ImageFiles(tmp_path)
    with pytest.raises(ValueError):
        files.path(name)


@pytest.mark.parametrize("extension", ["jpg", "png", "gif", "webp"])
def test_path_accepts_stored_names(tmp_path: Path, extension: str) -> None:
    assert ImageFiles(tmp_path).path(f"{HEX}.{extension}") == tmp_path / f"{HEX}.{extension}"


def test_saving_again_makes_an_old_file_young_so_the_cleanup_spares_it(tmp_path: Path) -> None:
    files = ImageFiles(tmp_path)
    name = files.save(b"shared", "png")
    make_old(files.path(name))
    assert files.save(b"shared", "png") == name  # a second upload of the same picture
    assert files.remove_orphans(set(), min_age=3600) == []
    assert files.path(name).read_bytes() == b"shared"


def test_saving_a_file_the_cleanup_just_removed_writes_it_again(tmp_path: Path) -> None:
    files = ImageFiles(tmp_path)
    name = files.save(b"shared", "png")
    make_old(files.path(name))
    assert files.remove_orphans(set(), min_age=3600) == [name]
    assert files.save(b"shared", "png") == name
    assert files.path(name).read_bytes() == b"shared"


def test_names_ignores_temp_and_foreign_files(tmp_path: Path) -> None:
    files = ImageFiles(tmp_path)
    assert ImageFiles(tmp_path / "missing").names() == set()
    kept = files.save(b"kept", "webp")
    (tmp_path / ".upload-abc.tmp").write_bytes(b"partial")
    (tmp_path / "README").write_text("hello")
    (tmp_path / ("f" * 64 + ".png")).mkdir()
    assert files.names() == {kept}


def make_old(path: Path) -> None:
    old = time.time() - 2 * 3600
    os.utime(path, (old, old))


def test_remove_orphans_deletes_only_unreferenced_files(tmp_path: Path) -> None:
    files = ImageFiles(tmp_path)
    used = files.save(b"used", "png")
    orphan = files.save(b"orphan", "jpg")
    fresh_temp = tmp_path / ".upload-fresh.tmp"
    stale_temp = tmp_path / ".upload-stale.tmp"
    foreign = tmp_path / "notes.txt"
    for path in (fresh_temp, stale_temp, foreign):
        path.write_bytes(b"x")
    make_old(stale_temp)
    make_old(foreign)

    removed = files.remove_orphans({used, HEX + ".png"})

    assert removed == sorted([orphan, stale_temp.name])
    assert files.names() == {used}
    assert fresh_temp.exists()
    assert not stale_temp.exists()
    assert foreign.exists()
    assert files.remove_orphans({used}) == []


def test_remove_orphans_min_age_spares_new_files(tmp_path: Path) -> None:
    files = ImageFiles(tmp_path)
    new = files.save(b"just uploaded", "png")
    old = files.save(b"long forgotten", "png")
    make_old(files.path(old))

    assert files.remove_orphans(set(), min_age=3600) == [old]
    assert files.names() == {new}


def test_saving_existing_bytes_refreshes_age(tmp_path: Path) -> None:
    files = ImageFiles(tmp_path)
    name = files.save(b"again", "png")
    make_old(files.path(name))
    files.save(b"again", "png")
    assert files.remove_orphans(set(), min_age=3600) == []


def test_saved_files_are_readable_by_others(tmp_path: Path) -> None:
    files = ImageFiles(tmp_path)
    name = files.save(b"public", "png")
    assert files.path(name).stat().st_mode & 0o777 == 0o644


def test_end_to_end(tmp_path: Path) -> None:
    files = ImageFiles(tmp_path)
    result = process_image(encode(gradient((2000, 1000)), "WEBP"))
    display = files.save(result.display, result.extension)
    thumbnail = files.save(result.thumbnail, result.extension)
    assert files.names() == {display, thumbnail}
    assert reopen(files.path(display).read_bytes()).size == (1600, 800)
    assert CONTENT_TYPES[display.rsplit(".", 1)[1]] == "image/webp"
