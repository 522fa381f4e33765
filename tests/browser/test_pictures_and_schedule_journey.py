"""A writer puts two pictures into a post's text by pasting and dropping them, each with its
description, and schedules a post a few seconds ahead, which appears on the home page on its own."""

from __future__ import annotations

import base64
import io
import re

from PIL import Image, ImageDraw
from playwright.async_api import Page, expect

from .conftest import register, screenshot
from .test_posts_journey import _expect_image_loaded

BODY_START = "Two pictures from the walk.\n\n"


def _picture(colour: tuple[int, int, int], size: tuple[int, int]) -> str:
    """A PNG with a shape in it, as base64, for the page's script to turn into a File."""
    image = Image.new("RGB", size, (240, 240, 235))
    ImageDraw.Draw(image).ellipse([size[0] // 5, size[1] // 5, size[0] * 4 // 5, size[1] * 4 // 5], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


PASTE = """([data, name]) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type: "image/png" }));
  const body = document.getElementById("field-body");
  body.focus();
  body.setSelectionRange(body.value.length, body.value.length);
  body.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
}"""
DROP = """([data, name]) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type: "image/png" }));
  const body = document.getElementById("field-body");
  body.setSelectionRange(body.value.length, body.value.length);
  body.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  body.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
}"""


async def test_two_pictures_pasted_and_dropped_with_their_descriptions(page: Page, live_server: str) -> None:
    await register(page, live_server, "alice", "alice@example.com")
    await page.goto(live_server + "/posts/new")
    form = page.locator("main form.post-form")
    await form.get_by_label("Title").fill("A walk in pictures")
    await form.get_by_label("Body").fill(BODY_START)
    status = page.locator("#upload-status")

    await form.get_by_label("Picture description").fill("A red sun over the field")
    await page.evaluate(PASTE, [_picture((200, 40, 30), (1800, 1000)), "sun.png"])
    await expect(status).to_have_text(re.compile(r"Added sun\.png \(800 × 444\)"))
    await form.get_by_label("Picture description").fill("A blue pond")
    await page.evaluate(DROP, [_picture((40, 90, 200), (600, 600)), "pond.png"])
    await expect(status).to_have_text(re.compile(r"Added pond\.png \(600 × 600\)"))
    body = await form.get_by_label("Body").input_value()
    assert re.fullmatch(r"Two pictures from the walk\.\n\n!\[A red sun over the field\]\(/images/[0-9a-f]{64}\.png\)\n\n"
                        r"!\[A blue pond\]\(/images/[0-9a-f]{64}\.png\)\n", body), body
    await expect(page.locator("#preview img")).to_have_count(2)  # the preview shows them as the post will
    await screenshot(page, "pictures-editor")
    await form.get_by_role("button", name="Save").click()

    await expect(page).to_have_url(re.compile(r"/posts/\d+/a-walk-in-pictures$"))
    article = page.locator("main article.post .post-body")
    sun, pond = article.get_by_role("img", name="A red sun over the field"), article.get_by_role("img", name="A blue pond")
    for image in (sun, pond):
        await _expect_image_loaded(image)
        await expect(image).to_have_attribute("loading", "lazy")
    await expect(sun).to_have_attribute("srcset", re.compile(r" 400w, .* 800w, .* 1600w$"))
    await expect(sun).to_have_attribute("width", "800")
    box = await sun.bounding_box()
    assert box is not None and box["width"] <= 44 * 16 + 1  # fits the text column
    await screenshot(page, "pictures-post")


async def test_a_post_scheduled_seconds_ahead_appears_on_the_home_page_on_its_own(live_server: str, new_page) -> None:
    # A writer far from UTC: the time typed is read in the browser's own zone.
    page = await new_page(viewport={"width": 1280, "height": 900}, timezone_id="Pacific/Auckland")
    await register(page, live_server, "alice", "alice@example.com")
    await page.goto(live_server + "/posts/new")
    form = page.locator("main form.post-form")
    await form.get_by_label("Title").fill("Right on time")
    await form.get_by_label("Body").fill("Published by the clock, not by a click.")
    publish_at = form.get_by_label("Publish at")
    await expect(publish_at).to_be_hidden()  # only asked for when scheduling
    await form.get_by_label("Scheduled").check()
    await expect(publish_at).to_be_visible()
    await expect(page.locator("#timezone-hint")).to_have_text("(your time, Pacific/Auckland)")
    # The browser's own local time, to the second: the field is read in the browser's zone.
    local_now = await page.evaluate("""() => { const d = new Date(Date.now() + 8000);
        const p = n => String(n).padStart(2, "0");
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`; }""")
    await publish_at.fill(local_now)
    await screenshot(page, "schedule-editor")
    await form.get_by_role("button", name="Save").click()
    await expect(page.locator("main .scheduled-note")).to_contain_text("Scheduled")
    await screenshot(page, "schedule-post")

    reader = await new_page(viewport={"width": 1280, "height": 800})
    await reader.goto(live_server + "/")
    heading = reader.get_by_role("heading", name="Right on time")
    await expect(heading).to_have_count(0)
    # The reader reloads now and then, as readers do; nothing they do publishes the post.
    for _ in range(30):
        await reader.reload()
        try:
            await expect(heading).to_be_visible(timeout=1000)
            break
        except AssertionError:
            continue
    await expect(heading).to_be_visible()
    await expect(reader.locator("main article.post-item .meta")).to_contain_text("by alice")
    await screenshot(reader, "schedule-home")
