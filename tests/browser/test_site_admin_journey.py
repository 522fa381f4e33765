"""An admin names the site, gives it an icon and an About page linked from the navigation,
and looks after the accounts."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page, expect

from ..posts_helpers import make_image
from .conftest import register, screenshot


async def test_an_admin_names_the_site_and_links_an_about_page(page: Page, live_server: str, tmp_path: Path) -> None:
    await register(page, live_server, "root", "root@example.com")
    nav = page.get_by_role("navigation", name="Main")

    await page.goto(live_server + "/pages/new")
    await page.get_by_label("Title").fill("About")
    await page.get_by_label("Body").fill("We are a **small** crew writing about the harbour.")
    await page.get_by_role("button", name="Save").click()
    await expect(page).to_have_url(live_server + "/pages/about")

    await nav.get_by_role("link", name="Admin").click()
    await expect(page.get_by_role("heading", name="Site settings")).to_be_visible()
    icon = tmp_path / "icon.png"
    icon.write_bytes(make_image("PNG", (200, 120)))
    await page.get_by_label("Title").fill("Harbour Notes")
    await page.get_by_label("Tagline").fill("Tides, boats and the people on them.")
    await page.get_by_label("Icon or logo").set_input_files(str(icon))
    await page.get_by_label("Navigation links").fill("About | /pages/about")
    await page.get_by_label("Footer").fill("© The harbour crew")
    await page.get_by_role("button", name="Save settings").click()
    await expect(page.get_by_role("status")).to_contain_text("Saved.")
    await screenshot(page, "admin-settings")

    await page.get_by_role("link", name="Harbour Notes").click()
    await expect(page).to_have_title("Home · Harbour Notes")
    await expect(page.locator(".tagline")).to_have_text("Tides, boats and the people on them.")
    await expect(page.locator(".brand-icon")).to_be_visible()
    await expect(page.locator(".site-footer .footer-text")).to_have_text("© The harbour crew")
    await page.get_by_role("navigation", name="Site").get_by_role("link", name="About").click()
    await expect(page.get_by_role("heading", name="About")).to_be_visible()
    await screenshot(page, "about-page")

    await page.goto(live_server + "/admin/users")
    await expect(page.locator('tr[data-username="root"]')).to_contain_text("Active")
    await screenshot(page, "admin-users")
