"""An anonymous reader of a post sees how many read and that someone types, never who:
the server sends anonymous sockets no usernames, and the page says "Someone is typing…"."""

from __future__ import annotations

import re

from playwright.async_api import expect

from .conftest import register, screenshot


async def test_an_anonymous_reader_is_told_someone_types_not_who(new_page, live_server: str) -> None:
    alice = await new_page(viewport={"width": 1280, "height": 800})
    await register(alice, live_server, "alice", "alice@example.com")
    await alice.get_by_role("navigation", name="Main").get_by_role("link", name="Write").click()
    form = alice.locator("main form.post-form")
    await form.get_by_label("Title").fill("Who is here?")
    await form.get_by_label("Body").fill("Read me.")
    await form.get_by_role("radio", name="Published").check()
    await form.get_by_role("button", name="Save").click()
    await expect(alice).to_have_url(re.compile(r"/posts/\d+/[\w-]+$"))

    reader = await new_page(viewport={"width": 1280, "height": 800})
    frames: list[str] = []
    reader.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    await reader.goto(alice.url)
    await expect(reader.locator("#presence")).to_have_text("2 reading now")
    await alice.get_by_label("Your comment").press_sequentially("Hello")
    await expect(reader.locator("#typing")).to_have_text("Someone is typing…")
    await screenshot(reader, "live-anonymous-reader-typing")
    assert frames and not any("alice" in frame for frame in frames), frames
