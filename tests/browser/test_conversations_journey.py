"""Two members talking under a post, each in their own browser: a mention, a reply, a
reaction and an edit, each arriving live in the other's page without a reload."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from playwright.async_api import Locator, Page, expect

from .conftest import register, screenshot

NewPage = Callable[..., Awaitable[Page]]
VIEWPORT = {"width": 1280, "height": 900}


async def _publish(page: Page, base_url: str, title: str) -> str:
    await page.goto(base_url + "/posts/new")
    form = page.locator("main form.post-form")
    await form.get_by_label("Title").fill(title)
    await form.get_by_label("Body").fill("What should we talk about?")
    await form.get_by_role("radio", name="Published").check()
    await form.get_by_role("button", name="Save").click()
    await expect(page).to_have_url(re.compile(r"/posts/\d+/[\w-]+$"))
    return page.url


def _comment(page: Page, text: str) -> Locator:
    """The comment (top-level or reply) whose own text has `text`."""
    return page.locator("li.comment").filter(has=page.locator(":scope > .comment-body", has_text=text))


async def _mark(page: Page) -> None:
    await page.evaluate("window.__marker = 1")


async def _assert_not_reloaded(page: Page) -> None:
    assert await page.evaluate("window.__marker") == 1, f"{page.url} was reloaded"


async def test_two_members_reply_react_edit_and_mention_live(new_page: NewPage, live_server: str) -> None:
    alice = await new_page(viewport=VIEWPORT)
    await register(alice, live_server, "alice", "alice@example.com")
    post_url = await _publish(alice, live_server, "Let us talk")
    bob = await new_page(viewport=VIEWPORT)
    await register(bob, live_server, "bob", "bob@example.com")
    await bob.goto(live_server + urlsplit(post_url).path)
    for page in (alice, bob):
        await expect(page.locator("#presence")).to_have_text("2 reading now")
    await _mark(alice)

    # bob mentions alice: the comment reaches her page with a link to her page ----------------
    await bob.get_by_label("Your comment").fill("What do you think, @alice?")
    await bob.get_by_role("button", name="Comment", exact=True).click()
    await expect(bob).to_have_url(re.compile(r"#comment-\d+$"))
    await expect(bob.locator("#presence")).to_have_text("2 reading now")
    bobs = _comment(alice, "What do you think")
    await expect(bobs).to_have_class(re.compile(r"\bcomment-new\b"))
    mention = bobs.locator(".comment-body a.mention")
    await expect(mention).to_have_text("@alice")
    await expect(mention).to_have_attribute("href", "/authors/alice")
    await _assert_not_reloaded(alice)

    # alice replies under bob's comment; bob sees it arrive inside the thread ----------------
    await _mark(bob)
    await bobs.locator("summary", has_text="Reply").click()
    await bobs.get_by_label("Your reply to bob").fill("I think **yes**, @bob.")
    await screenshot(alice, "conversation-replying-alice")
    await bobs.get_by_role("button", name="Reply", exact=True).click()
    await expect(alice).to_have_url(re.compile(r"#comment-\d+$"))
    reply = _comment(bob, "I think yes")
    thread = _comment(bob, "What do you think")
    await expect(thread.locator(".replies > li.comment")).to_have_count(1)
    await expect(reply.locator(".replying-to")).to_have_text("replying to @bob")
    await expect(reply.locator(".comment-body strong")).to_have_text("yes")
    await expect(reply.locator(".comment-body a.mention")).to_have_attribute("href", "/authors/bob")
    await expect(reply.locator(".edit-link")).to_have_count(0)  # not bob's to edit
    await _assert_not_reloaded(bob)

    # bob reacts to alice's reply; her page counts it and says who ---------------------------
    await _mark(alice)
    await expect(alice.locator("#presence")).to_have_text("2 reading now")
    party = reply.get_by_role("button", name=re.compile("🎉"))
    await party.click()
    await expect(party).to_have_attribute("aria-pressed", "true")
    await expect(party.locator(".count")).to_have_text("1")
    alices_party = _comment(alice, "I think yes").get_by_role("button", name=re.compile("🎉"))
    await expect(alices_party.locator(".count")).to_have_text("1")
    await expect(alices_party).to_have_attribute("title", "party: bob")
    await expect(alices_party).to_have_attribute("aria-pressed", "false")
    await _assert_not_reloaded(bob)  # the reaction went in the background
    await _assert_not_reloaded(alice)
    await screenshot(bob, "conversation-reacted-bob")

    # bob edits his comment; alice sees the new text and "edited" ----------------------------
    await _comment(bob, "What do you think").locator(".edit-link").first.click()
    await expect(bob.locator("#edit-window")).to_contain_text("You can edit your comment for 30 minutes")
    await screenshot(bob, "conversation-edit-form-bob")
    await bob.get_by_label("Comment").fill("What do you **really** think, @alice?")
    await bob.get_by_role("button", name="Save").click()
    await expect(bob).to_have_url(re.compile(r"#comment-\d+$"))
    edited = _comment(alice, "What do you really think")
    await expect(edited.locator(":scope > .comment-body strong")).to_have_text("really")
    await expect(edited.locator(":scope > .comment-head .comment-edited")).to_be_visible()
    await _assert_not_reloaded(alice)
    await screenshot(alice, "conversation-live-alice")

    # alice moderates her post: she sees what bob's comment said before ----------------------
    await edited.locator(":scope > .comment-head .comment-edited a").click()
    await expect(alice.get_by_role("heading", level=1)).to_contain_text("Earlier versions")
    await expect(alice.locator(".comment-versions")).to_contain_text("What do you think, @alice?")
    await screenshot(alice, "conversation-versions-alice")

    # The same conversation in the dark theme, for readers whose system prefers it -----------
    await bob.emulate_media(color_scheme="dark")
    await expect(_comment(bob, "I think yes").get_by_role("button", name=re.compile("🎉"))).to_have_attribute(
        "aria-pressed", "true")
    await screenshot(bob, "conversation-dark-bob")
