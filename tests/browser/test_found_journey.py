"""A reader finds a post from the header's search box, follows its tag, sees the feeds,
and walks the archive; no page logs a Content-Security-Policy error (JSON-LD included)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from playwright.async_api import ConsoleMessage, Page, expect

from .conftest import screenshot


async def test_search_from_the_header_open_a_result_follow_its_tag_and_walk_the_archive(
        page: Page, new_page: Callable[..., Awaitable[Page]], live_server: str, seed_demo: Callable[[int], None]) -> None:
    seed_demo(60)
    problems: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", note)
    failed: list[str] = []
    page.on("response", lambda response: failed.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)

    # Search from the header of the home page -------------------------------------------
    await page.goto(live_server + "/")
    header = page.locator("header.site-header")
    await header.get_by_label("Search posts").fill("python")
    await header.get_by_label("Search posts").press("Enter")
    await expect(page).to_have_url(re.compile(r"/search\?q=python$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Results for “python”")
    results = page.locator("li.search-result")
    await expect(results).to_have_count(10)
    await expect(results.first.locator("mark").first).to_have_text(re.compile("python", re.IGNORECASE))
    await expect(results.first.locator(".meta")).to_contain_text("by demo-")
    await expect(page.get_by_role("link", name="More results →")).to_be_visible()
    await screenshot(page, "found-search-results")

    # Open the first result ---------------------------------------------------------------
    title = (await results.first.get_by_role("heading", level=2).inner_text()).strip()
    await results.first.get_by_role("heading", level=2).get_by_role("link").click()
    await expect(page).to_have_url(re.compile(r"/posts/\d+/[\w-]+$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    canonical = await page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical == page.url
    assert await page.locator('meta[property="og:title"]').get_attribute("content") == title
    assert await page.locator('script[type="application/ld+json"]').count() == 1

    # Follow its first tag: the tag's page and its feed ---------------------------------------
    tag_link = page.locator("main article.post .tags a").first
    tag = (await tag_link.inner_text()).strip()
    await tag_link.click()
    await expect(page).to_have_url(live_server + f"/tags/{tag}")
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Posts tagged “{tag}”")
    subscribe = page.get_by_role("link", name=f"Subscribe to “{tag}”")
    await expect(subscribe).to_have_attribute("href", f"/tags/{tag}/feed.atom")
    feeds = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    await expect(feeds).to_have_count(2)  # the site's and the tag's
    await expect(page.locator("footer").get_by_role("link", name="Subscribe (Atom)")).to_have_attribute(
        "href", "/feed.atom")
    response = await page.request.get(live_server + f"/tags/{tag}/feed.atom")
    assert response.status == 200 and "<feed" in await response.text()

    # Nothing found -----------------------------------------------------------------------------
    await header.get_by_label("Search posts").fill('"no such phrase" zzzz')
    await header.get_by_role("button", name="Search").click()
    await expect(page.locator("main")).to_contain_text("Nothing found for “\"no such phrase\" zzzz”")
    await screenshot(page, "found-search-nothing")

    # The archive from the footer ------------------------------------------------------------
    await page.locator("footer").get_by_role("link", name="Archive").click()
    await expect(page).to_have_url(live_server + "/archive")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Archive")
    years = page.locator("ul.archive > li")
    assert await years.count() >= 5  # the demo spreads posts over five years
    await screenshot(page, "found-archive")
    month = page.locator("ul.months a").first
    month_name = (await month.inner_text()).strip()
    await month.click()
    await expect(page).to_have_url(re.compile(r"/archive/\d{4}/\d{2}$"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text(f"Posts from {month_name}")
    await expect(page.locator("article.post-item").first).to_be_visible()
    await screenshot(page, "found-archive-month")

    # Tags and authors ----------------------------------------------------------------------------
    await page.locator("footer").get_by_role("link", name="Tags").click()
    await expect(page.locator("ul.tag-cloud li").first).to_be_visible()
    await screenshot(page, "found-tags")
    await page.locator("footer").get_by_role("link", name="Authors").click()
    await expect(page.locator("ul.people li")).to_have_count(5)
    await page.locator("ul.people li a").first.click()
    await expect(page.get_by_role("link", name=re.compile(r"^\d+ followers?$"))).to_be_visible()
    await screenshot(page, "found-author")

    phone = await new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    await phone.goto(live_server + "/search?q=python")
    await expect(phone.locator("li.search-result")).to_have_count(10)
    await screenshot(phone, "found-search-phone")

    assert failed == [], failed
    # CSP violations are console errors; so is every failed load (Chromium asks for a favicon the blog has not).
    assert [text for text in problems if "status of 404" not in text] == [], problems
