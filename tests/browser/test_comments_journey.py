"""Two readers of one post, in two browser contexts: presence, typing, comments that come and go
without a reload, and catching up after a dropped connection.

A dropped connection is made by a TCP proxy between alice's browser and the server (`Cable`):
Playwright's `context.set_offline(True)` does not close an open WebSocket in Chromium, it only
holds its frames back and delivers them when the context is back online, so the page never
reconnects and nothing about catching up would be tested."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Locator, Page, expect

from .conftest import register, screenshot

TITLE = "Comments, live"
BODY = "Tell me what you think below."
COMMENT = "Nice post, **alice**!"
LATE_COMMENT = "Posted while you were away."
# The first reconnection waits 0.5 to 1 s, later ones double: after a few seconds without
# a network the next try can be up to 8 s away, more than expect's 5 s default.
RECONNECT_TIMEOUT = 20_000

NewPage = Callable[..., Awaitable[Page]]
VIEWPORT = {"width": 1280, "height": 800}


async def _publish_post(page: Page, base_url: str) -> str:
    """Writes and publishes a post through the Write form; returns its address."""
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Write").click()
    await expect(page).to_have_url(base_url + "/posts/new")
    form = page.locator("main form.post-form")
    await form.get_by_label("Title").fill(TITLE)
    await form.get_by_label("Body").fill(BODY)
    await form.get_by_role("radio", name="Published").check()
    await form.get_by_role("button", name="Save").click()
    await expect(page).to_have_url(re.compile(r"/posts/\d+/[\w-]+$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    return page.url


def _comments(page: Page) -> Locator:
    return page.locator("#comment-list > li.comment")


def _comment(page: Page, text: str) -> Locator:
    return _comments(page).filter(has=page.locator(".comment-body", has_text=text))


async def _mark(page: Page) -> None:
    """A mark that lives as long as the document does: a reload or navigation wipes it."""
    await page.evaluate("window.__marker = 1")


async def _assert_not_reloaded(page: Page) -> None:
    assert await page.evaluate("window.__marker") == 1, f"{page.url} was reloaded"


async def _alice_and_bob_on_a_post(
    new_page: NewPage, base_url: str, alice_base: str | None = None
) -> tuple[Page, Page, str]:
    """alice (the first user) publishes a post; bob, in his own context, opens it.

    alice reaches the server at alice_base when given (the same server through a proxy)."""
    alice_base = alice_base or base_url
    alice = await new_page(viewport=VIEWPORT)
    await register(alice, alice_base, "alice", "alice@example.com")
    alice_post_url = await _publish_post(alice, alice_base)
    await expect(alice.locator("#presence")).to_have_text("1 reading now")
    await _mark(alice)  # from here on, whatever changes on her page comes live

    post_url = base_url + urlsplit(alice_post_url).path
    bob = await new_page(viewport=VIEWPORT)
    await register(bob, base_url, "bob", "bob@example.com")
    await bob.goto(post_url)
    await expect(bob.get_by_role("heading", level=1)).to_have_text(TITLE)
    return alice, bob, post_url


async def test_two_readers_see_presence_typing_and_comments_live(new_page: NewPage, live_server: str) -> None:
    alice, bob, post_url = await _alice_and_bob_on_a_post(new_page, live_server)

    # Presence: alice's page learns about bob without a reload -------------------------
    await expect(alice.locator("#presence")).to_have_text("2 reading now")
    await expect(bob.locator("#presence")).to_have_text("2 reading now")
    await _assert_not_reloaded(alice)
    await expect(alice.locator("#no-comments")).to_be_visible()
    await screenshot(alice, "comments-presence-alice")
    await screenshot(bob, "comments-presence-bob")

    # Typing -----------------------------------------------------------------------------
    textarea = bob.get_by_label("Your comment")
    await textarea.press_sequentially(COMMENT)
    await expect(alice.locator("#typing")).to_have_text("bob is typing…")
    await expect(bob.locator("#typing")).to_have_text("")  # nobody is told about their own typing
    await screenshot(alice, "comments-typing-alice")

    # bob comments: his form posts and comes back to the post; alice's page just grows ----
    await bob.get_by_role("button", name="Comment").click()
    await expect(bob).to_have_url(re.compile(re.escape(post_url) + r"#comment-\d+$"))
    bobs = _comment(bob, "Nice post, alice!")
    await expect(bobs).to_have_count(1)
    await expect(bobs.locator("strong")).to_have_text("alice")  # the Markdown was rendered
    await expect(bob.get_by_label("Your comment")).to_have_value("")

    live = _comment(alice, "Nice post, alice!")
    await expect(live).to_have_count(1)
    await expect(live).to_have_class(re.compile(r"\bcomment-new\b"))  # added by live.js, not by a render
    await expect(live.locator(".meta a")).to_have_text("bob")
    await expect(live.locator(".comment-body strong")).to_have_text("alice")
    await expect(alice.locator("#no-comments")).to_be_hidden()
    await _assert_not_reloaded(alice)
    comment_id = await live.get_attribute("data-comment-id")
    assert bob.url.endswith(f"#comment-{comment_id}")
    # bob's reload reconnected him: both are counted again.
    await expect(alice.locator("#presence")).to_have_text("2 reading now")
    await expect(bob.locator("#presence")).to_have_text("2 reading now")
    await screenshot(alice, "comments-live-comment-alice")
    await screenshot(bob, "comments-live-comment-bob")

    # alice, the post's author, moderates the comment live.js added ----------------------
    await _mark(bob)
    delete = live.get_by_role("button", name="Delete")
    await expect(delete).to_be_visible()
    await delete.click()
    await expect(alice).to_have_url(post_url + "#comments")
    await expect(_comments(alice)).to_have_count(0)
    await expect(alice.locator("#no-comments")).to_be_visible()
    assert await alice.evaluate("window.__marker") is None  # the delete form reloaded her page

    await expect(_comments(bob)).to_have_count(0)
    await expect(bob.locator("#no-comments")).to_be_visible()
    await _assert_not_reloaded(bob)
    await screenshot(bob, "comments-deleted-bob")

    # bob leaves ---------------------------------------------------------------------------
    await expect(alice.locator("#presence")).to_have_text("2 reading now")
    await bob.close()
    await expect(alice.locator("#presence")).to_have_text("1 reading now")
    await screenshot(alice, "comments-presence-alone")


# A network that can be cut --------------------------------------------------------------


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65_536):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except OSError:  # the other side reset, or the cable was cut
        pass


class Cable:
    """A TCP proxy on 127.0.0.1 to the server. `cut()` drops every connection through it at once,
    as a lost network does (the browser sees its WebSocket close abnormally, the server sees the
    reader go), and refuses new ones until `mend()`."""

    def __init__(self, target: str) -> None:
        address = urlsplit(target)
        assert address.hostname is not None and address.port is not None
        self._target = (address.hostname, address.port)
        self._server: asyncio.Server | None = None
        self._transports: set[asyncio.BaseTransport] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self.connected = True
        self.refused = asyncio.Event()  # someone tried to connect while it was cut

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def cut(self) -> None:
        self.connected = False
        for transport in list(self._transports):
            transport.abort()

    def mend(self) -> None:
        self.connected = True

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        self.cut()
        await asyncio.gather(*self._handlers, return_exceptions=True)

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            if not self.connected:
                self.refused.set()
                client_writer.transport.abort()
                return
            try:
                server_reader, server_writer = await asyncio.open_connection(*self._target)
            except OSError:
                client_writer.transport.abort()
                return
            transports = {client_writer.transport, server_writer.transport}
            self._transports |= transports
            try:
                await asyncio.gather(_pipe(client_reader, server_writer), _pipe(server_reader, client_writer))
            finally:
                self._transports -= transports
                client_writer.close()
                server_writer.close()
        finally:
            self._handlers.discard(task)


@pytest.fixture
async def cable(live_server: str) -> AsyncIterator[Cable]:
    proxy = Cable(live_server)
    try:
        yield proxy
    finally:
        await proxy.close()


async def test_a_reader_whose_connection_dropped_catches_up_on_reconnecting(
    new_page: NewPage, live_server: str, cable: Cable
) -> None:
    alice_base = await cable.start()  # only alice's traffic goes through the cable
    alice, bob, _ = await _alice_and_bob_on_a_post(new_page, live_server, alice_base=alice_base)
    section = alice.locator("#comments")
    await expect(section).to_have_class(re.compile(r"\bis-live\b"))
    await expect(alice.locator("#presence")).to_have_text("2 reading now")
    await expect(bob.locator("#presence")).to_have_text("2 reading now")

    # alice's network drops: her socket closes, the server sees her go, and she keeps trying.
    cable.cut()
    await expect(section).not_to_have_class(re.compile(r"\bis-live\b"))
    await expect(alice.locator("#presence")).to_have_text("Reconnecting…")
    await expect(bob.locator("#presence")).to_have_text("1 reading now")
    await asyncio.wait_for(cable.refused.wait(), timeout=10)  # her first retry, turned away

    # bob comments while she is away.
    await bob.get_by_label("Your comment").fill(LATE_COMMENT)
    await bob.get_by_role("button", name="Comment").click()
    await expect(_comment(bob, LATE_COMMENT)).to_have_count(1)
    await expect(_comment(alice, LATE_COMMENT)).to_have_count(0)
    await screenshot(alice, "comments-disconnected-alice")

    # The network is back: live.js reconnects on its own and asks for what it missed.
    cable.mend()
    await expect(section).to_have_class(re.compile(r"\bis-live\b"), timeout=RECONNECT_TIMEOUT)
    late = _comment(alice, LATE_COMMENT)
    await expect(late).to_have_count(1)
    await expect(late.locator(".meta a")).to_have_text("bob")
    await expect(late.get_by_role("button", name="Delete")).to_be_visible()  # alice moderates her post
    await expect(alice.locator("#presence")).to_have_text("2 reading now")
    await expect(bob.locator("#presence")).to_have_text("2 reading now")
    await _assert_not_reloaded(alice)
    await screenshot(alice, "comments-caught-up-alice")
