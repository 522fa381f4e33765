"""Live events between workers keep flowing however long the blog idles: two apps on one
database (as two `serve --workers 2` processes share it), with the broker's pruning made
seconds-short so a test can idle past it."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from blog.app import create_app
from blog.keys import BROKER, STORE
from blog.live.sqlite_broker import SqliteBroker

from .conftest import register
from .test_comments import comment, publish
from .test_live import next_event

pytestmark = pytest.mark.sqlite_only("the SQLite broker's table between workers; PostgreSQL's is tests/test_many_servers.py")

PRUNE_INTERVAL = 0.2
KEEP_SECONDS = 0.3


@pytest.fixture
async def quickly_pruning_workers(aiohttp_client, config):  # type: ignore[no-untyped-def]
    shared = dataclasses.replace(config, workers=2)
    clients = []
    for _ in range(2):
        app = create_app(shared)
        broker = app[BROKER]
        assert isinstance(broker, SqliteBroker)
        broker.prune_interval, broker.keep_seconds = PRUNE_INTERVAL, KEEP_SECONDS
        clients.append(await aiohttp_client(app))
    return clients


async def idle_until_pruned(client) -> None:  # type: ignore[no-untyped-def]
    """Waits (polling the table, not a fixed time) until pruning has emptied live_events."""
    db = client.app[STORE].db
    for _ in range(200):
        if await db.fetchvalue("SELECT COUNT(*) FROM live_events") == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the live events were never pruned")


async def test_comments_typing_and_presence_cross_workers_after_idling_past_pruning(quickly_pruning_workers):
    first, second = quickly_pruning_workers
    await register(first, "alice")
    post = await publish(first)
    await register(second, "bob")
    async with second.ws_connect(post + "/live") as bob_on_second, first.ws_connect(post + "/live") as alice_on_first:
        while (await next_event(bob_on_second, "presence"))["count"] != 2:
            pass
        await comment(first, post, "Before the quiet")
        assert "Before the quiet" in (await next_event(bob_on_second, "comment_added"))["body_html"]
        await idle_until_pruned(first)
        await idle_until_pruned(first)  # twice: the events of the presence that followed are gone too

        await comment(first, post, "After the quiet")
        assert "After the quiet" in (await next_event(bob_on_second, "comment_added"))["body_html"]
        await alice_on_first.send_json({"kind": "typing"})
        assert (await next_event(bob_on_second, "typing"))["username"] == "alice"
        await bob_on_second.send_json({"kind": "typing"})
        while (await next_event(alice_on_first, "typing"))["username"] != "bob":
            pass  # her own typing came back first
        await idle_until_pruned(second)
        async with first.ws_connect(post + "/live"):  # a third reader, on the first worker
            while (await next_event(bob_on_second, "presence"))["count"] != 3:
                pass


async def test_a_worker_started_after_pruning_hears_the_others(aiohttp_client, config, quickly_pruning_workers):
    first, _ = quickly_pruning_workers
    await register(first, "alice")
    post = await publish(first)
    await comment(first, post, "Early")
    await idle_until_pruned(first)
    late = await aiohttp_client(create_app(dataclasses.replace(config, workers=2)))  # a restarted worker
    async with late.ws_connect(post + "/live") as reader:
        await next_event(reader, "presence")
        await comment(first, post, "Heard by the newcomer")
        assert "Heard by the newcomer" in (await next_event(reader, "comment_added"))["body_html"]
