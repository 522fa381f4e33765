"""What readers see: the account page on a phone, the dark theme, the history's readable
diff, the preview's limit and the site's icon; every page checked by axe-core as it goes."""

from __future__ import annotations

import base64
import re
import urllib.request
from collections.abc import Awaitable, Callable

from playwright.async_api import Page, expect

from .conftest import STRONG_PASSWORD, assert_accessible, live_connected, register, screenshot

NewPage = Callable[..., Awaitable[Page]]
PHONE = {"width": 390, "height": 844}
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.0 Mobile/15E148 Safari/604.1")
LONG_CODE = "```python\n" + "print('" + "a very long line of code " * 12 + "')\n```"


def _api_token(base_url: str, username: str) -> None:
    """Issues an API token with HTTP Basic credentials, as the account page tells readers to."""
    credentials = base64.b64encode(f"{username}:{STRONG_PASSWORD}".encode()).decode()
    request = urllib.request.Request(base_url + "/api/tokens", method="POST",
                                     headers={"Authorization": f"Basic {credentials}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201


async def _fits(page: Page, width: int) -> None:
    # In mobile emulation a too-wide page widens the layout viewport (innerWidth) to fit it.
    scroll_width, inner_width = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert inner_width == width, f"{page.url} widened the viewport to {inner_width}px"
    assert scroll_width <= inner_width, f"{page.url} is {scroll_width}px wide on a {inner_width}px screen"


async def _write(page: Page, base_url: str, title: str, body: str) -> str:
    await page.goto(base_url + "/posts/new")
    await page.get_by_label("Title").fill(title)
    await page.get_by_label("Body").fill(body)
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    await live_connected(page)
    return page.url


async def test_the_account_page_and_a_post_with_code_fit_a_phone(new_page: NewPage, live_server: str) -> None:
    page = await new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, user_agent=IPHONE)
    await register(page, live_server, "alice", "alice@example.com")
    _api_token(live_server, "alice")
    await page.goto(live_server + "/account")
    await expect(page.locator("table.sessions tbody tr")).to_have_count(1)
    await expect(page.locator("table.tokens tbody tr")).to_have_count(1)
    await _fits(page, PHONE["width"])
    for table in ("table.sessions", "table.tokens"):
        box = await page.locator(table).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (table, box)
    await screenshot(page, "account-phone")

    # A code block wider than the screen scrolls on its own, and a keyboard can reach it to.
    await _write(page, live_server, "Code on a phone", "Before the code.\n\n" + LONG_CODE)
    code = page.locator(".post-body pre")
    await expect(code).to_have_attribute("tabindex", "0")
    assert await code.evaluate("pre => pre.scrollWidth > pre.clientWidth")
    await _fits(page, PHONE["width"])
    await screenshot(page, "post-code-phone")


async def test_dark_mode_gives_dark_pages_that_pass_the_contrast_checks(new_page: NewPage, live_server: str) -> None:
    page = await new_page(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    await page.goto(live_server + "/")
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(part) for part in re.findall(r"\d+", background)[:3])
    assert max(red, green, blue) < 60, f"the page is not dark: {background}"
    await screenshot(page, "dark-home-empty")
    await page.goto(live_server + "/login")
    await page.get_by_role("button", name="Log in").click()  # an error in the dark as well
    await expect(page.get_by_role("alert")).to_be_visible()
    await screenshot(page, "dark-login-error")
    await register(page, live_server, "alice", "alice@example.com")
    await assert_accessible(page, "dark register → home")

    location = await _write(page, live_server, "Dark and readable",
                            "Some *text*, a [link](/), `code` and a list:\n\n- one\n- two\n\n" + LONG_CODE)
    await page.get_by_label("Your comment").fill("   ")
    await page.get_by_role("button", name="Comment").click()
    await expect(page.locator("#error-comment")).to_be_visible()  # an error's colours too
    await screenshot(page, "dark-post")
    await page.goto(location + "/edit")
    await page.get_by_label("Body").fill("Changed in the dark.")
    await page.get_by_label("Tags").fill("night")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator(".tags a")).to_have_text(["night"])
    await live_connected(page)
    await page.goto(page.url + "/history")
    await page.get_by_role("link", name="Version 1").click()
    await expect(page.locator(".diff-line.del").first).to_be_visible()
    await screenshot(page, "dark-revision-diff")
    await page.goto(live_server + "/posts/new")
    await page.get_by_label("Body").fill("A *preview* in the dark.")
    await expect(page.locator("#preview em")).to_have_text("preview")
    await screenshot(page, "dark-new-post")
    await page.get_by_label("Body").fill("")  # nothing left unsaved, so leaving asks nothing
    await page.goto(live_server + "/account")
    await screenshot(page, "dark-account")
    await page.goto(live_server + "/")
    await screenshot(page, "dark-home")


async def test_the_history_shows_a_readable_diff_and_restores_only_what_differs(page: Page, live_server: str) -> None:
    await register(page, live_server, "alice", "alice@example.com")
    body = "\n".join(f"Line {n} of a long text." for n in range(1, 31))
    location = await _write(page, live_server, "A long text", body)
    await page.goto(location + "/edit")
    await page.get_by_label("Body").fill(body.replace("Line 15 of a long text.", "Line 15 of a much longer text."))
    await page.get_by_role("button", name="Save").click()
    await live_connected(page)
    await page.goto(page.url + "/history")
    await page.get_by_role("link", name="Version 1").click()

    body_diff = page.locator("section.card").filter(has=page.get_by_role("heading", name="Body", exact=True))
    await expect(body_diff.locator(".diff-line.del .text")).to_have_text("Line 15 of a long text.")
    await expect(body_diff.locator(".diff-line.add .text")).to_have_text("Line 15 of a much longer text.")
    await expect(body_diff.locator(".diff-line.add ins")).to_have_text("much longer")
    await expect(body_diff.locator(".diff-line.del del")).to_have_text("long")
    folds = body_diff.locator("details.diff-fold")
    await expect(folds).to_have_count(2)
    await expect(folds.first.locator("summary")).to_have_text("11 unchanged lines")
    await expect(page.get_by_text("Line 1 of a long text.", exact=True)).to_be_hidden()
    await folds.first.locator("summary").click()
    await expect(page.get_by_text("Line 1 of a long text.", exact=True)).to_be_visible()
    await expect(page.get_by_role("button", name="Restore this version")).to_be_visible()
    await screenshot(page, "history-readable-diff")

    await page.get_by_role("button", name="Restore this version").click()
    await live_connected(page)
    await page.goto(page.url + "/history")
    await expect(page.locator("ul.history > li")).to_have_count(3)
    await page.get_by_role("link", name="Version 1").click()  # the same text as the current version 3
    await expect(page.get_by_text("the same as the current one, so there is nothing to restore")).to_be_visible()
    await expect(page.get_by_role("button", name="Restore this version")).to_have_count(0)
    await screenshot(page, "history-identical-version")


async def test_the_preview_says_why_it_stops_past_the_limit(page: Page, live_server: str) -> None:
    await register(page, live_server, "alice", "alice@example.com")
    await page.goto(live_server + "/posts/new")
    body = page.get_by_label("Body")
    await body.fill("# A heading\n\nSome text.")
    preview = page.locator("#preview")
    await expect(preview.get_by_role("heading", name="A heading")).to_be_visible()

    await body.fill("x" * 100_001)
    note = page.locator("#preview-note")
    await expect(note).to_have_text("The preview stops at 100,000 characters, the most a post can have; the body has "
                                    "100,001. Shorten it to see the preview again (and to save it).")
    await expect(preview).to_be_hidden()  # no stale preview left looking current
    await note.scroll_into_view_if_needed()
    await screenshot(page, "preview-past-the-limit")

    await body.fill("Short again.")
    await expect(preview).to_have_text("Short again.")
    await expect(note).to_be_hidden()


async def test_every_page_has_the_icon(page: Page, live_server: str) -> None:
    await page.goto(live_server + "/")
    href = await page.locator('link[rel="icon"]').get_attribute("href")
    assert href == "/favicon.ico"
    response = await page.request.get(live_server + href)
    assert response.status == 200 and response.headers["content-type"] == "image/x-icon"
