"""Costly pictures: decoding is bounded in memory (a lower pixel limit, pixels shrunk as
soon as they are decoded) and in concurrency (one decode at a time, a few waiting)."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import textwrap

from PIL import Image

from blog.keys import IMAGE_QUEUE, STORE

from .conftest import register
from .posts_helpers import field_errors, form_values, new_post_fields, submit


def flat_png(size: tuple[int, int], mode: str = "RGBA") -> bytes:
    """Millions of pixels in a few kilobytes: what makes decoding costly, not uploading."""
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 100, 50, 128) if mode == "RGBA" else (200, 100, 50)).save(buffer, "PNG")
    return buffer.getvalue()


async def test_the_reported_40_megapixel_png_is_refused_at_the_image_field(client):
    await register(client, "alice")
    data = flat_png((7000, 5670), "RGB")  # 39.7 megapixels, as in the report
    assert len(data) < 200_000
    response = await submit(client, "/posts/new", new_post_fields(title="Kept", body="Kept body"),
                            ("huge.png", data, "image/png"))
    assert response.status == 400
    page = await response.text()
    assert "too large to process (at most 16 megapixels)" in field_errors(page)["image"]
    assert form_values(page)["title"] == "Kept" and form_values(page)["body"] == "Kept body"


MEASURE = textwrap.dedent("""
    import io, resource, sys
    from PIL import Image
    from blog.content.images import MAX_PIXELS, process_image
    buffer = io.BytesIO()
    Image.new("RGBA", (4000, 4000), (200, 100, 50, 128)).save(buffer, "PNG")  # 16 megapixels, the limit
    assert 4000 * 4000 <= MAX_PIXELS
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    processed = process_image(buffer.getvalue())
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(processed.width, processed.height, grew // 1024)
""")


def test_decoding_a_picture_at_the_limit_costs_little_more_than_its_pixels():
    """The peak of one decode (in a fresh process, its largest resident size): the decoded
    pixels (61 MiB at 4 bytes a pixel) and little more; every step used to copy them whole."""
    result = subprocess.run([sys.executable, "-c", MEASURE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    width, height, grew_mib = map(int, result.stdout.split())
    assert (width, height) == (1600, 1600)
    assert grew_mib < 128, f"decoding took {grew_mib} MiB"


async def test_uploads_beyond_the_queue_are_asked_to_try_again_keeping_the_form(client):
    await register(client, "alice")
    queue = client.app[IMAGE_QUEUE]
    held = [queue.turn() for _ in range(9)]  # one decoding and eight waiting: the queue is full
    entered = [await turn.__aenter__() for turn in held[:1]]
    waiting = []
    for turn in held[1:]:
        waiting.append(asyncio.create_task(turn.__aenter__()))
    await asyncio.sleep(0)
    try:
        response = await submit(client, "/posts/new", new_post_fields(title="Kept title"),
                                ("small.png", flat_png((64, 64)), "image/png"))
        assert response.status == 400
        page = await response.text()
        assert "Too many images are being processed right now" in field_errors(page)["image"]
        assert form_values(page)["title"] == "Kept title"
        assert await client.app[STORE].db.fetchvalue("SELECT COUNT(*) FROM posts") == 0
    finally:
        await held[0].__aexit__(None, None, None)
        for task, turn in zip(waiting, held[1:]):
            await task
            await turn.__aexit__(None, None, None)
        assert entered == [None]
    response = await submit(client, "/posts/new", new_post_fields(title="Now it fits"),
                            ("small.png", flat_png((64, 64)), "image/png"))
    assert response.status == 303
