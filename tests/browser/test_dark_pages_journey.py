"""The browser's own copy of the editor brings a scheduled post back with its time shown
(checked by axe-core in the dark, as every page is)."""

from __future__ import annotations

import re

from playwright.async_api import expect

from .conftest import register, screenshot

DARK = {"viewport": {"width": 1280, "height": 800}, "color_scheme": "dark"}


async def test_the_browsers_copy_of_a_scheduled_post_comes_back_with_its_time(new_page, live_server: str) -> None:
    page = await new_page(**DARK)
    await register(page, live_server, "alice", "alice@example.com")
    await page.goto(live_server + "/posts/new")
    await page.get_by_label("Title").fill("For later")
    await page.get_by_role("radio", name=re.compile("^Scheduled")).check()
    await page.get_by_label("Publish at").fill("2099-05-06T07:08:00")
    await page.get_by_label("Take comments").uncheck()
    await page.get_by_label("Body").press_sequentially("Kept by the browser.")
    await expect(page.locator("form.post-form .draft-status")).to_contain_text("a copy is kept in this browser")
    context = page.context
    await page.close()  # a closed tab

    page = await context.new_page()
    await page.goto(live_server + "/posts/new")
    await expect(page.get_by_label("Publish at")).to_be_hidden()  # a new post is published now by default
    offer = page.get_by_role("region", name="Unsaved text")
    await screenshot(page, "dark-drafts-offer")
    await offer.get_by_role("button", name="Restore it").click()
    await expect(page.get_by_role("radio", name=re.compile("^Scheduled"))).to_be_checked()
    await expect(page.get_by_label("Publish at")).to_be_visible()  # the schedule's script heard the choice
    await expect(page.get_by_label("Publish at")).to_have_value(re.compile(r"^2099-05-06T07:08"))
    await expect(page.get_by_label("Take comments")).not_to_be_checked()
    await expect(page.get_by_label("Body")).to_have_value("Kept by the browser.")
    await screenshot(page, "dark-drafts-restored")
