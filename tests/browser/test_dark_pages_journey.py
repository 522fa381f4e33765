"""The dark theme covers every page, not only the ones it was first made for: an admin's
settings and users, pages, profiles, search, tags, authors, the archive, highlighted code,
scheduled posts among the drafts and the editor's pictures; axe-core checks each in the dark.
And the browser's own copy of the editor brings a scheduled post back with its time shown."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.async_api import Page, expect

from .conftest import live_connected, register, screenshot

DARK = {"viewport": {"width": 1280, "height": 800}, "color_scheme": "dark"}
CODE = "```python\ndef greet(name: str) -> str:\n    # a comment\n    return f\"Hello, {name}!\"  # 42\n```"



async def _is_dark(page: Page) -> None:
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert max(int(part) for part in re.findall(r"\d+", background)[:3]) < 60, f"{page.url} is not dark: {background}"


async def test_the_other_pages_are_dark_and_pass_the_checks_too(new_page, live_server: str, tmp_path: Path,
                                                                seed_demo: Callable[[int], None]) -> None:
    page = await new_page(**DARK)
    await register(page, live_server, "root", "root@example.com")  # the first account: the admin
    seed_demo(30)

    # Administration: the settings with an error, and a suspended account among the users.
    await page.goto(live_server + "/admin/settings")
    await page.get_by_label("Navigation links").fill("About without an address")
    await page.get_by_role("button", name="Save settings").click()
    await expect(page.locator("#error-nav_links")).to_be_visible()
    await _is_dark(page)
    await screenshot(page, "dark-admin-settings-error")
    await page.goto(live_server + "/admin/users")
    row = page.locator("tr[data-username]").filter(has_not_text="root").first
    await row.get_by_role("button", name="Suspend").click()
    await expect(page.locator("tr.suspended")).to_have_count(1)
    await screenshot(page, "dark-admin-users")

    # A page, a profile, and a post with highlighted code.
    await page.goto(live_server + "/pages/new")
    await page.get_by_label("Title").fill("About")
    await page.get_by_label("Body").fill("We write about the **harbour**.")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page).to_have_url(live_server + "/pages/about")
    await screenshot(page, "dark-about-page")
    await page.goto(live_server + "/account/profile")
    await page.get_by_label("Display name").fill("The Root")
    await page.get_by_label("Bio").fill("Keeps the *lights* on.")
    not_a_picture = tmp_path / "notes.png"
    not_a_picture.write_text("just some text")  # refused at its field: the error's colours too
    await page.get_by_label(re.compile(r"^Picture")).set_input_files(not_a_picture)
    await page.get_by_role("button", name="Save profile").click()
    await expect(page.locator("#error-avatar")).to_contain_text("not a JPEG, PNG, GIF or WebP image")
    await expect(page.get_by_label("Bio")).to_have_value("Keeps the *lights* on.")
    await screenshot(page, "dark-profile-error")
    await page.goto(live_server + "/posts/new")
    await page.get_by_label("Title").fill("Highlighted in the dark")
    await page.get_by_label("Body").fill("Some code:\n\n" + CODE)
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.locator(".post-body pre .tok-k").first).to_be_visible()
    await live_connected(page)
    code_background = await page.locator(".post-body pre").evaluate("pre => getComputedStyle(pre).backgroundColor")
    assert max(int(part) for part in re.findall(r"\d+", code_background)[:3]) < 60, code_background
    await screenshot(page, "dark-post-code")

    # Finding things: search with its marks, tags, authors, the archive.
    await page.goto(live_server + "/search?q=python")
    await expect(page.locator("li.search-result mark").first).to_be_visible()
    await screenshot(page, "dark-search")
    for path, name in (("/tags", "dark-tags"), ("/authors", "dark-authors"), ("/archive", "dark-archive")):
        await page.goto(live_server + path)
        await _is_dark(page)
        await screenshot(page, name)

    # A scheduled post and a draft, side by side on "My posts".
    await page.goto(live_server + "/posts/new")
    await page.get_by_label("Title").fill("Going out next week")
    await page.get_by_label("Body").fill("Scheduled.")
    await page.get_by_role("radio", name=re.compile("^Scheduled")).check()
    await page.get_by_label("Publish at").fill("2099-01-02T09:30:00")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.locator("main .scheduled-note")).to_contain_text("Scheduled")
    await page.goto(live_server + "/posts/new")
    await page.get_by_label("Title").fill("Not ready yet")
    await page.get_by_label("Body").fill("A draft.")
    await page.get_by_role("radio", name=re.compile("^Draft")).check()
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Not ready yet")
    await page.goto(live_server + "/authors/root")
    drafts = page.locator("section.drafts")
    await expect(drafts.get_by_role("heading")).to_have_text("Your drafts and scheduled posts")
    await expect(drafts.locator("li")).to_have_count(2)
    await expect(drafts.locator("li").first).to_contain_text("Going out next week")
    await expect(drafts.locator("li").first.locator(".badge")).to_contain_text("Scheduled for")
    await screenshot(page, "dark-my-posts")


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
