"""A visitor registers, logs out, is sent to the login form by /account, and comes back."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from playwright.async_api import Page, expect

from .conftest import STRONG_PASSWORD, log_in, log_out, register, screenshot


async def test_register_log_out_and_log_in_again_to_the_account_page(page: Page, live_server: str) -> None:
    nav = page.get_by_role("navigation", name="Main")

    await page.goto(live_server + "/register")
    await screenshot(page, "register-form")
    await register(page, live_server, "alice", "alice@example.com", STRONG_PASSWORD)
    await expect(page).to_have_url(live_server + "/")
    await expect(nav.get_by_test_id("nav-username")).to_have_text("alice")
    await expect(nav.get_by_role("link", name="Register")).to_have_count(0)
    await screenshot(page, "home-after-register")

    await log_out(page)
    await expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    await expect(nav.get_by_test_id("nav-username")).to_have_count(0)

    await page.goto(live_server + "/account")
    await expect(page).to_have_url(re.compile(r"/login\?next=(%2F|/)account$"))
    await expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    await expect(page.locator('main input[name="next"]')).to_have_value("/account")
    await screenshot(page, "login-form")

    await log_in(page, "alice", STRONG_PASSWORD)
    await expect(page).to_have_url(live_server + "/account")
    await expect(nav.get_by_test_id("nav-username")).to_have_text("alice")
    await expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    await expect(page.get_by_role("heading", name="Where you are logged in")).to_be_visible()
    sessions = page.locator("table.sessions tbody tr")
    await expect(sessions).to_have_count(1)  # logging out ended the first session
    await expect(sessions.first).to_contain_text("(this session)")
    await screenshot(page, "account")


async def test_home_nav_fits_a_phone_screen(new_page: Callable[..., Awaitable[Page]], live_server: str) -> None:
    phone = {"width": 390, "height": 844}
    page = await new_page(viewport=phone, device_scale_factor=2, is_mobile=True, has_touch=True)
    await page.goto(live_server + "/")
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    await expect(nav.get_by_role("link", name="Register")).to_be_visible()

    # In mobile emulation a too-wide page widens the layout viewport (innerWidth) to
    # fit, so innerWidth must also still be the phone's width for the check to mean anything.
    scroll_width, inner_width = await page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert inner_width == phone["width"], f"the page widened the viewport to {inner_width}px"
    assert scroll_width <= inner_width, f"the page is {scroll_width}px wide on a {inner_width}px screen"
    nav_box = await nav.bounding_box()
    assert nav_box is not None and nav_box["x"] >= 0 and nav_box["x"] + nav_box["width"] <= phone["width"]
    await screenshot(page, "home-phone")
