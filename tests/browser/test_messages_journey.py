"""Two members in two browsers: a private conversation that comes live (typing, the message,
"Seen"), and a notification that arrives while the other member reads another page."""

from __future__ import annotations

from playwright.async_api import Page, expect

from .conftest import register, screenshot

VIEWPORT = {"width": 1280, "height": 800}


async def _mark(page: Page) -> None:
    await page.evaluate("window.__marker = 1")


async def _not_reloaded(page: Page) -> None:
    assert await page.evaluate("window.__marker") == 1, f"{page.url} was reloaded"


def _nav(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("navigation", name="Main")


async def test_a_private_conversation_live_and_a_notification_arriving(new_page, live_server):
    ana = await new_page(viewport=VIEWPORT)
    await register(ana, live_server, "ana", "ana@example.com")
    ben = await new_page(viewport=VIEWPORT)
    await register(ben, live_server, "ben", "ben@example.com")

    # ben finds ana's page and writes to her from there.
    await ben.goto(live_server + "/authors/ana")
    await ben.get_by_role("link", name="Message ana").click()
    await expect(ben).to_have_url(live_server + "/messages/ana")
    await expect(ben.locator("#conversation.is-live")).to_be_attached()
    await ana.goto(live_server + "/messages/ben")
    await expect(ana.locator("#conversation.is-live")).to_be_attached()
    await _mark(ana)
    await _mark(ben)

    await ben.get_by_label("Your message").fill("Hello **ana**, have you got a minute?")
    await expect(ana.locator("#typing")).to_have_text("ben is typing…")
    await ben.get_by_role("button", name="Send").click()
    theirs = ana.locator("#message-list .message.theirs .message-body")
    await expect(theirs).to_have_text("Hello ana, have you got a minute?")
    await expect(theirs.locator("strong")).to_have_text("ana")  # Markdown, rendered by the server
    await expect(ana.locator("#typing")).to_have_text("")
    await expect(ben.locator("#message-list .message.mine")).to_have_count(1)
    await expect(ben.get_by_label("Your message")).to_have_value("")
    await expect(ben.locator("#seen")).to_have_text("Seen")  # ana had the conversation open

    await ana.get_by_label("Your message").fill("Sure, go ahead.")
    await expect(ben.locator("#typing")).to_have_text("ana is typing…")
    await screenshot(ben, "messages-typing")
    await ana.get_by_role("button", name="Send").click()
    await expect(ben.locator("#message-list .message.theirs .message-body")).to_have_text("Sure, go ahead.")
    await expect(ana.locator("#seen")).to_have_text("Seen")
    await _not_reloaded(ana)
    await _not_reloaded(ben)
    await screenshot(ana, "messages-conversation")

    # ana reads the home page; ben follows her: her nav counts it at once, and says so.
    await ana.goto(live_server + "/")
    await expect(_nav(ana).locator("#nav-messages[data-live]")).to_be_attached()
    await _mark(ana)
    await ben.goto(live_server + "/authors/ana")
    await ben.get_by_role("button", name="Follow ana").click()
    await expect(_nav(ana).get_by_role("link", name="Notifications")).to_contain_text("1")
    await expect(ana.locator("#live-notice")).to_contain_text("ben followed you")
    await _not_reloaded(ana)
    await screenshot(ana, "notification-arrived")

    await ana.locator("#live-notice").get_by_role("link", name="ben followed you").click()
    await expect(ana).to_have_url(live_server + "/authors/ben")
    await ana.goto(live_server + "/notifications")
    await expect(ana.locator(".notification.unread a")).to_have_text("ben followed you")
    # ben's message was read as it arrived, in the open conversation: listed, no longer new.
    await expect(ana.locator(".notification:not(.unread) a")).to_have_text("ben sent you a message")
    await screenshot(ana, "notifications")
    await ana.get_by_role("button", name="Mark all read").click()
    await expect(ana.locator(".notification.unread")).to_have_count(0)
    await expect(_nav(ana).get_by_role("link", name="Notifications")).to_have_text("Notifications")

    await ben.goto(live_server + "/messages")
    await expect(ben.locator(".conversation-line")).to_contain_text("Sure, go ahead.")
    await screenshot(ben, "messages-list")
