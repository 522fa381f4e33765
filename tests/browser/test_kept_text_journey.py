"""Nothing a writer typed is lost: an image over the size limit, a session ended in another
tab, a closed tab or a crash (the browser's own copy), and a comment refused for its length."""

from __future__ import annotations

import asyncio
import math
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import Dialog, Page, expect

from .conftest import SCREENSHOTS, live_connected, log_in, register, screenshot

NewPage = Callable[..., Awaitable[Page]]
VIEWPORT = {"width": 1280, "height": 800}
TITLE = "Notes from a long afternoon"
BODY = "The first paragraph took an hour.\n\nThe second one, another.\n\n- and a list\n- of things"
TAGS = "writing, afternoons"
KEPT_NOTICE = "Your session ended before this was saved, so it was not saved yet."
HEADER_IMAGE = re.compile(r"^Header image \(")  # the file field, not its description or "Add image"


def _noise_png(path: Path, size_bytes: int) -> Path:
    """A real PNG of random pixels, stored uncompressed: at least `size_bytes` on disk."""
    side = math.ceil((size_bytes / 3) ** 0.5)
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(path, "PNG", compress_level=0)
    assert path.stat().st_size >= size_bytes
    return path


def _small_png(path: Path) -> Path:
    Image.linear_gradient("L").resize((320, 200)).convert("RGB").save(path, "PNG")
    return path


async def _fill_post_form(page: Page, image: Path | None = None) -> None:
    form = page.locator("main form.post-form")
    await form.get_by_label("Title").fill(TITLE)
    await form.get_by_label("Body").fill(BODY)
    await form.get_by_label("Tags").fill(TAGS)
    await form.get_by_role("radio", name="Draft").check()
    if image is not None:
        await form.get_by_label(HEADER_IMAGE).set_input_files(image)


async def _expect_post_form_holds_what_was_typed(page: Page) -> None:
    form = page.locator("main form.post-form")
    await expect(form.get_by_label("Title")).to_have_value(TITLE)
    await expect(form.get_by_label("Body")).to_have_value(BODY)
    await expect(form.get_by_label("Tags")).to_have_value(TAGS)
    await expect(form.get_by_role("radio", name="Draft")).to_be_checked()


async def test_an_image_over_the_size_limit_brings_the_form_back_with_everything_typed(
        page: Page, live_server: str, tmp_path: Path) -> None:
    huge = _noise_png(tmp_path / "holiday.png", 10_700_000)
    await register(page, live_server, "alice", "alice@example.com")
    await page.goto(live_server + "/posts/new")
    await _fill_post_form(page, huge)
    async with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/posts/new")) as answer:
        await page.get_by_role("button", name="Save", exact=True).click()
    assert (await answer.value).status == 400

    await expect(page.get_by_role("alert")).to_have_text("The post was not saved. Fix what is marked below.")
    await _expect_post_form_holds_what_was_typed(page)
    error = page.locator("#error-image")
    size = f"{huge.stat().st_size / 1e6:.1f}"
    assert size == "10.7"
    await expect(error).to_contain_text(f"This file is {size} MB; an image can be at most 10.5 MB. Choose a smaller file.")
    await expect(page.get_by_label(HEADER_IMAGE)).to_have_attribute("aria-describedby", "error-image")
    await error.scroll_into_view_if_needed()
    await screenshot(page, "kept-oversized-image")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
async def test_a_post_survives_a_log_out_in_another_tab(
        new_page: NewPage, live_server: str, tmp_path: Path, javascript: bool) -> None:
    page = await new_page(viewport=VIEWPORT, java_script_enabled=javascript)
    picture = _small_png(tmp_path / "sketch.png")
    await register(page, live_server, "alice", "alice@example.com")
    await page.goto(live_server + "/posts/new")
    await _fill_post_form(page, picture)

    other_tab = await page.context.new_page()  # the same browser, so the same session
    await other_tab.goto(live_server + "/")
    await other_tab.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()
    await expect(other_tab.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")).to_be_visible()
    await other_tab.close()

    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/login\?next="))
    await expect(page.get_by_role("status").filter(has_text="what you were writing was not saved, but it is kept")).to_be_visible()
    # axe runs inside the page, so only where JavaScript runs; the pages are the same either way.
    await screenshot(page, f"kept-login-{'js' if javascript else 'nojs'}", check_accessibility=javascript)
    await log_in(page, "alice")

    await expect(page).to_have_url(live_server + "/posts/new")
    await expect(page.get_by_role("status").filter(has_text=KEPT_NOTICE)).to_be_visible()
    await _expect_post_form_holds_what_was_typed(page)
    await expect(page.locator("#error-image")).to_have_text(
        "You had chosen an image, and a browser cannot keep one across a login: choose it again.")
    await screenshot(page, f"kept-back-on-the-form-{'js' if javascript else 'nojs'}", check_accessibility=javascript)
    my_posts = await page.context.new_page()
    await my_posts.goto(live_server + "/authors/alice")
    await expect(my_posts.locator("section.drafts")).to_have_count(0)  # nothing was saved behind her back
    await my_posts.close()

    await page.get_by_label(HEADER_IMAGE).set_input_files(picture)
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    await expect(page.locator("figure.post-image img")).to_be_visible()


async def test_the_browser_keeps_a_copy_and_offers_it_back_after_a_closed_tab(
        new_page: NewPage, live_server: str) -> None:
    page = await new_page(viewport=VIEWPORT)
    context = page.context
    await register(page, live_server, "alice", "alice@example.com")
    await page.goto(live_server + "/posts/new")
    await page.get_by_label("Title").fill(TITLE)
    await page.get_by_label("Body").press_sequentially("Typed, then the tab was closed.")
    key = "blog-draft:alice:post:new"
    await expect(page.locator("form.post-form .draft-status")).to_contain_text("a copy is kept in this browser")
    assert "the tab was closed" in await page.evaluate(f"localStorage.getItem({key!r})")
    await page.close()  # as a crash would: no chance to ask anything

    page = await context.new_page()
    await page.goto(live_server + "/posts/new")
    offer = page.get_by_role("region", name="Unsaved text")
    await expect(offer).to_contain_text("Restore unsaved text?")
    await expect(page.get_by_label("Title")).to_have_value("")
    await screenshot(page, "drafts-restore-offer")
    await offer.get_by_role("button", name="Restore it").click()
    await expect(offer).to_have_count(0)
    await expect(page.get_by_label("Title")).to_have_value(TITLE)
    await expect(page.get_by_label("Body")).to_have_value("Typed, then the tab was closed.")
    await expect(page.locator("#preview")).to_contain_text("Typed, then the tab was closed.")  # the preview followed
    await screenshot(page, "drafts-restored")

    # Leaving with unsaved changes asks first; staying keeps everything.
    asked = asyncio.Event()
    dialogs: list[str] = []

    async def stay(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        await dialog.dismiss()
        asked.set()

    page.on("dialog", stay)
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Feed").click()
    await asyncio.wait_for(asked.wait(), timeout=10)
    assert dialogs == ["beforeunload"]
    await expect(page).to_have_url(live_server + "/posts/new")
    await expect(page.get_by_label("Title")).to_have_value(TITLE)
    page.remove_listener("dialog", stay)

    # Saving clears the copy: the next new post starts empty, with nothing offered.
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    await live_connected(page)
    assert await page.evaluate(f"localStorage.getItem({key!r})") is None
    await page.goto(live_server + "/posts/new")
    await expect(page.get_by_label("Title")).to_have_value("")
    await expect(page.get_by_role("region", name="Unsaved text")).to_have_count(0)

    # The same for a comment: typed, sent, and not offered again.
    await page.goto(live_server + "/")
    await page.get_by_role("link", name=TITLE).click()
    await live_connected(page)
    await page.get_by_label("Your comment").fill("A comment that is sent.")
    await expect(page.locator("#comment-form .draft-status")).to_contain_text("a copy is kept in this browser")
    await page.get_by_role("button", name="Comment").click()
    await expect(page.locator(".comment-body", has_text="A comment that is sent.")).to_be_visible()
    await expect(page.get_by_label("Your comment")).to_have_value("")
    await expect(page.get_by_role("region", name="Unsaved text")).to_have_count(0)
    assert await page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('blog-draft:'))") == []


async def test_a_refused_comment_comes_back_scrolled_to_the_comment_form(page: Page, live_server: str) -> None:
    await register(page, live_server, "alice", "alice@example.com")
    await page.goto(live_server + "/posts/new")
    await page.get_by_label("Title").fill("A long read")
    await page.get_by_label("Body").fill("\n\n".join(f"Paragraph {n}: " + "words " * 40 for n in range(40)))
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("A long read")
    await live_connected(page)

    comment = page.get_by_label("Your comment")
    await comment.fill("   ")  # passes the browser's own check, not the server's
    await page.get_by_role("button", name="Comment").click()
    await expect(page).to_have_url(re.compile(r"/comments#comment-form$"))
    await expect(page.locator("#error-comment")).to_have_text("Write something before sending.")
    await expect(page.locator("#comment-form")).to_be_in_viewport()
    assert await page.evaluate("window.scrollY") > 1000  # scrolled down to it, not left at the top
    await page.screenshot(path=str(SCREENSHOTS / "comment-refused-viewport.png"))  # what the reader sees
    await screenshot(page, "comment-refused")
