"""A writer sets a bio and a picture and sees them where readers do; later, having forgotten
the password, gets back in through the mail (a real SMTP server started by the test)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from ..mail_helpers import MailCatcher, link_in
from ..posts_helpers import make_image
from .conftest import log_in, log_out, register, screenshot

NEW_PASSWORD = "a fresh start by the sea"


@pytest.fixture
def server_env(smtp_server: MailCatcher) -> dict[str, str]:
    """The server sends its mail to the test's SMTP server."""
    return {"BLOG_SMTP_HOST": "127.0.0.1", "BLOG_SMTP_PORT": str(smtp_server.port)}


async def test_a_bio_and_an_avatar_show_on_the_author_page_and_the_byline(
        page: Page, live_server: str, tmp_path: Path, new_page: Callable[..., Awaitable[Page]]) -> None:
    await register(page, live_server, "alice", "alice@example.com")
    await page.get_by_test_id("nav-username").click()
    await page.get_by_role("link", name="Your profile").click()
    await expect(page.get_by_role("heading", name="Your profile")).to_be_visible()

    picture = tmp_path / "alice.png"
    picture.write_bytes(make_image("PNG", (480, 320)))
    await page.get_by_label("Display name").fill("Alice Liddell")
    await page.get_by_label("Bio").fill("I write about **rabbits**, clocks and tea parties.")
    await page.get_by_label("Picture").set_input_files(str(picture))
    await page.get_by_role("button", name="Save profile").click()
    await expect(page.get_by_role("status")).to_have_text("Your profile is saved.")
    await expect(page.get_by_alt_text("Your current picture")).to_be_visible()
    await screenshot(page, "profile-form")

    await page.goto(live_server + "/posts/new")
    await page.get_by_label("Title").fill("Tea at six")
    await page.get_by_label("Body").fill("It is always six o'clock.\n\n```python\ndef tea(time):\n"
                                         "    return \"six\"  # always\n```\n")
    await page.get_by_role("button", name="Save").click()
    byline = page.locator(".byline")
    await expect(byline).to_contain_text("Alice Liddell")
    await expect(byline).to_contain_text("1 min read")
    avatar = byline.locator("img.avatar")
    await expect(avatar).to_be_visible()
    assert await avatar.evaluate("img => img.naturalWidth") == 64  # the small square, really loaded
    await expect(page.locator("pre .tok-k").first).to_have_text("def")  # highlighted, no script needed
    await screenshot(page, "post-with-byline-and-code")
    light = await page.locator("pre").evaluate("pre => getComputedStyle(pre).backgroundColor")
    night = await new_page(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    await night.goto(page.url)
    dark = await night.locator("pre").evaluate("pre => getComputedStyle(pre).backgroundColor")
    keyword = await night.locator("pre .tok-k").first.evaluate("span => getComputedStyle(span).color")
    assert (light, dark) == ("rgb(246, 248, 250)", "rgb(13, 17, 23)")  # the stylesheet's two themes
    assert keyword != "rgb(0, 128, 0)"  # not the light theme's green on a dark background
    await screenshot(night, "code-dark-theme")

    await byline.get_by_role("link", name="Alice Liddell").click()
    await expect(page.get_by_role("heading", name="Posts by Alice Liddell")).to_be_visible()
    await expect(page.locator(".author-card .bio strong")).to_have_text("rabbits")
    large = page.locator(".author-card img.avatar")
    assert await large.evaluate("img => img.naturalWidth") == 256
    await screenshot(page, "author-with-bio")


async def test_a_forgotten_password_is_reset_through_the_mail(
        page: Page, live_server: str, smtp_server: MailCatcher) -> None:
    await register(page, live_server, "alice", "alice@example.com")
    await log_out(page)

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    await page.get_by_role("link", name="Forgot your password?").click()
    await page.get_by_label("Email").fill("alice@example.com")
    await page.get_by_role("button", name="Send me a link").click()
    await expect(page.get_by_role("status")).to_contain_text("If an account uses this address")
    await screenshot(page, "password-reset-sent")

    mail = (await asyncio.to_thread(smtp_server.wait_for, 1))[0]
    assert mail["To"] == "alice@example.com"
    link = link_in(mail)
    assert link.startswith(live_server + "/password-reset/")

    await page.goto(link)
    await expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    await page.get_by_label("New password").fill("password")
    await page.get_by_role("button", name="Save the new password").click()
    await expect(page.locator("#error-password")).to_contain_text("most common")
    await page.get_by_label("New password").fill(NEW_PASSWORD)
    await screenshot(page, "password-reset-form")
    await page.get_by_role("button", name="Save the new password").click()
    await expect(page).to_have_url(re.compile(r"/account\?done=reset$"))
    await expect(page.get_by_role("status")).to_contain_text("Your new password is saved")
    await expect(page.get_by_test_id("nav-username")).to_have_text("alice")
    await screenshot(page, "password-reset-done")

    await page.goto(link)  # the link worked once
    await expect(page.get_by_role("alert")).to_contain_text("was used already")
    await expect(page.get_by_role("link", name="Get a new link")).to_be_visible()
    await screenshot(page, "password-reset-used-link")

    await log_out(page)
    await page.goto(live_server + "/login")
    await log_in(page, "alice", NEW_PASSWORD)
    await expect(page.get_by_test_id("nav-username")).to_have_text("alice")
