"""An author writes a post with an image, edits it, reads its history, trashes it and restores it."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.async_api import Locator, Page, expect

from .conftest import register, screenshot

USERNAME = "alice"
TITLE = "Hello from the browser"
NEW_TITLE = "Hello again from the browser"
BODY = """Some words before the heading.

## Getting started

Install it and run:

```python
print("hello, world")
```

The end.
"""
NEW_BODY = BODY.replace("The end.", "The end, now edited.")


def _make_png(path: Path) -> Path:
    """A small PNG with a gradient and a shape, so thumbnails are visibly an image."""
    image = Image.new("RGB", (640, 400))
    draw = ImageDraw.Draw(image)
    for x in range(640):
        draw.line([(x, 0), (x, 399)], fill=(x * 255 // 639, 120, 255 - x * 255 // 639))
    draw.ellipse([220, 100, 420, 300], fill=(255, 220, 0), outline=(0, 0, 0), width=6)
    image.save(path, format="PNG")
    return path


async def _expect_image_loaded(image: Locator) -> None:
    """The <img> is visible and its file really decoded (not a broken-image icon)."""
    await image.scroll_into_view_if_needed()
    await expect(image).to_be_visible()
    await expect(image).to_have_js_property("complete", True)
    width = await image.evaluate("img => img.naturalWidth")
    assert width > 0, f"the image {await image.get_attribute('src')} did not load"


async def test_write_edit_history_trash_and_restore_a_post(page: Page, live_server: str, tmp_path: Path) -> None:
    nav = page.get_by_role("navigation", name="Main")
    picture = _make_png(tmp_path / "sunrise.png")

    await register(page, live_server, USERNAME, "alice@example.com")

    # Write ------------------------------------------------------------------------
    await nav.get_by_role("link", name="Write").click()
    await expect(page).to_have_url(live_server + "/posts/new")
    await expect(page.get_by_role("heading", name="New post")).to_be_visible()
    form = page.locator("main form.post-form")
    await form.get_by_label("Title").fill(TITLE)
    await form.get_by_label("Body").fill(BODY)
    await form.get_by_label("Tags").fill("python, testing")
    await form.get_by_label("Header image (JPEG").set_input_files(picture)
    await form.get_by_label("Header image description").fill("A sun over a gradient")
    await expect(page.locator("#preview-panel")).to_be_visible()  # the preview caught up with the body
    await screenshot(page, "posts-new-form")
    await form.get_by_role("button", name="Save").click()

    # The post page --------------------------------------------------------------
    await expect(page).to_have_url(re.compile(r"/posts/\d+/[\w-]+$"))
    post_url = page.url
    article = page.locator("main article.post")
    await expect(article.get_by_role("heading", level=1)).to_have_text(TITLE)
    body = article.locator(".post-body")
    await expect(body.get_by_role("heading", level=2, name="Getting started")).to_be_visible()
    await expect(body.locator("pre code")).to_contain_text('print("hello, world")')
    await expect(article.locator(".tags a")).to_have_text(["python", "testing"])
    await expect(article.locator(".meta")).to_contain_text(f"by {USERNAME}")
    await expect(article.locator(".edited")).to_have_count(0)
    await _expect_image_loaded(article.get_by_role("img", name="A sun over a gradient"))
    await page.evaluate("window.scrollTo(0, 0)")
    await screenshot(page, "posts-post-page")

    # The home list ----------------------------------------------------------------
    await page.get_by_role("link", name="blog", exact=True).click()
    await expect(page).to_have_url(live_server + "/")
    item = page.locator("article.post-item").filter(has=page.get_by_role("link", name=TITLE))
    await expect(item).to_have_count(1)
    await expect(item.locator(".meta")).to_contain_text(f"by {USERNAME}")
    await expect(item.locator(".excerpt")).to_contain_text("Some words before the heading.")
    await _expect_image_loaded(item.locator(".thumb img"))
    await screenshot(page, "posts-home-list")
    await item.get_by_role("link", name=TITLE).click()
    await expect(page).to_have_url(post_url)
    await expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    # Edit -------------------------------------------------------------------------
    await page.locator("main").get_by_role("link", name="Edit", exact=True).click()
    await expect(page.get_by_role("heading", name="Edit post")).to_be_visible()
    form = page.locator("main form.post-form")
    await expect(form.get_by_label("Title")).to_have_value(TITLE)
    await expect(form.get_by_label("Body")).to_have_value(BODY)
    await expect(form.get_by_role("img", name="The current header image")).to_be_visible()
    await form.get_by_label("Title").fill(NEW_TITLE)
    await form.get_by_label("Body").fill(NEW_BODY)
    await screenshot(page, "posts-edit-form")
    await form.get_by_role("button", name="Save").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    post_url = page.url  # the slug follows the new title
    article = page.locator("main article.post")
    await expect(article.locator(".edited")).to_contain_text(f"edited by {USERNAME}")
    await expect(article.locator(".post-body")).to_contain_text("The end, now edited.")
    await _expect_image_loaded(article.locator("figure.post-image img"))  # kept through the edit
    await page.evaluate("window.scrollTo(0, 0)")
    await screenshot(page, "posts-post-page-edited")

    # History and diff ----------------------------------------------------------
    await article.get_by_role("link", name="History").click()
    await expect(page).to_have_url(post_url + "/history")
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"History of “{NEW_TITLE}”")
    versions = page.locator("ul.history > li")
    await expect(versions).to_have_count(2)
    await expect(versions.filter(has_text="Version 2")).to_contain_text("current")
    await expect(versions.filter(has_text="Version 1")).not_to_contain_text("current")
    await screenshot(page, "posts-history")

    await page.get_by_role("link", name="Version 1").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Version 1: “{TITLE}”")
    title_diff = page.locator("section.card").filter(has=page.get_by_role("heading", name="Title", exact=True))
    await expect(title_diff.locator(".diff-line.del .text")).to_have_text(TITLE)
    await expect(title_diff.locator(".diff-line.add .text")).to_have_text(NEW_TITLE)
    body_diff = page.locator("section.card").filter(has=page.get_by_role("heading", name="Body", exact=True))
    await expect(body_diff.locator(".diff-line.del .text")).to_have_text("The end.")
    await expect(body_diff.locator(".diff-line.add .text")).to_have_text("The end, now edited.")
    await expect(body_diff.locator(".diff-line.add ins")).to_have_text(", now edited")
    tags_diff = page.locator("section.card").filter(has=page.get_by_role("heading", name="Tags", exact=True))
    await expect(tags_diff).to_contain_text("No change.")
    await expect(page.get_by_role("button", name="Restore this version")).to_be_visible()
    await screenshot(page, "posts-revision-diff")

    # Trash ------------------------------------------------------------------------
    await page.goto(post_url)
    await page.locator("main").get_by_role("link", name="Edit", exact=True).click()
    danger = page.locator("details.danger-zone")
    await expect(danger.get_by_role("button", name="Move to trash")).to_be_hidden()
    await danger.locator("summary").filter(has_text="Delete this post…").click()
    await danger.get_by_role("button", name="Move to trash").click()
    await expect(page).to_have_url(re.compile(r"/trash\?moved=\d+$"))
    await expect(page.get_by_role("status")).to_contain_text("The post is in the trash.")

    response = await page.goto(post_url)
    assert response is not None and response.status == 404
    await expect(page.get_by_role("heading", level=1)).to_have_text("Not Found")
    await screenshot(page, "posts-trashed-404")

    await nav.get_by_role("link", name="Trash").click()
    await expect(page).to_have_url(live_server + "/trash")
    trashed = page.locator("ul.trash-list > li").filter(has_text=NEW_TITLE)
    await expect(trashed).to_have_count(1)
    await expect(trashed).to_contain_text(f"by {USERNAME} · moved to the trash")
    await expect(trashed.get_by_role("button", name=f"Delete “{NEW_TITLE}” for good")).to_be_hidden()  # admin, folded
    await screenshot(page, "posts-trash")
    await trashed.get_by_role("button", name="Restore").click()

    await expect(page).to_have_url(post_url)
    await expect(page.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    await expect(page.locator("main article.post .post-body")).to_contain_text("The end, now edited.")
    await nav.get_by_role("link", name="Trash").click()
    await expect(page.locator("main")).to_contain_text("The trash is empty.")


async def test_new_post_form_previews_the_markdown_while_typing(page: Page, live_server: str) -> None:
    await register(page, live_server, USERNAME, "alice@example.com")
    await page.goto(live_server + "/posts/new")
    panel = page.locator("#preview-panel")
    await expect(panel).to_be_hidden()  # nothing to preview yet

    await page.get_by_label("Body").press_sequentially("# Live heading\n\nSome *emphasis* here.")
    await expect(panel).to_be_visible()
    preview = panel.locator("#preview")
    await expect(preview.get_by_role("heading", level=1, name="Live heading")).to_be_visible()
    await expect(preview.locator("em")).to_have_text("emphasis")
    await screenshot(page, "posts-live-preview")
