"""Before a request uses what a process keeps, it has heard of every commit another process
made before the request came (PostgreSQL tells of them by notifications, which a busy process
reads late), and the round trip that makes sure of it is shared by the requests of the moment."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from blog.store import Store
from blog.store.round_trips import SharedRoundTrip


@pytest.mark.postgresql_only("PostgreSQL tells other processes of a commit by a notification")
async def test_a_commit_elsewhere_is_heard_before_the_next_request_even_when_read_late(database_url):
    writer, reader = Store(database_url), Store(database_url)
    await writer.open()
    await reader.open()
    heard: list[str] = []
    reader.db.on_change.append(lambda: heard.append("change"))
    listening = reader.db._listening_conn  # noqa: SLF001 - the reader's socket, to read it late
    assert listening is not None
    try:
        assert "title" not in await reader.settings.stored()  # read once: now kept
        transport = listening._transport  # noqa: SLF001
        transport.pause_reading()  # a busy process: the notification waits in its socket
        asyncio.get_running_loop().call_later(0.3, transport.resume_reading)
        await writer.settings.save({"title": "Saved on the first server"})
        assert heard == []  # not read yet...
        await reader.db.notice_changes()  # ...so a request waits until it is
        assert heard == ["change"]
        assert (await reader.settings.stored())["title"] == "Saved on the first server"
    finally:
        await reader.close()
        await writer.close()


async def test_one_round_trip_serves_the_requests_that_came_before_it_left():
    sent: list[asyncio.Event] = []

    async def round_trip() -> None:
        back = asyncio.Event()
        sent.append(back)
        await back.wait()

    shared = SharedRoundTrip(round_trip)
    first = [asyncio.create_task(shared.passed()) for _ in range(5)]
    await asyncio.sleep(0.01)
    assert len(sent) == 1  # five requests of the same moment: one round trip
    later = asyncio.create_task(shared.passed())  # came while it was on its way
    await asyncio.sleep(0.01)
    sent[0].set()
    await asyncio.gather(*first)
    assert not later.done()  # the one on its way may have left before what it follows
    await asyncio.sleep(0.01)
    assert len(sent) == 2
    sent[1].set()
    await later


async def test_a_stop_during_a_round_trip_leaves_nobody_waiting():
    async def round_trip() -> None:
        await asyncio.Event().wait()  # never back

    shared = SharedRoundTrip(round_trip)
    waiting = asyncio.create_task(shared.passed())
    await asyncio.sleep(0.01)
    later = asyncio.create_task(shared.passed())
    await asyncio.sleep(0.01)
    sending = shared._sending  # noqa: SLF001 - the task a stop cancels with every other
    assert sending is not None
    sending.cancel()
    await asyncio.wait_for(asyncio.gather(waiting, later), 5)


@pytest.mark.postgresql_only("PostgreSQL's connection pool")
async def test_pooled_postgresql_connections_go_back_without_a_reset_and_carry_nothing_over(database_url):
    store = Store(database_url)
    await store.open()
    watcher = await asyncpg.connect(database_url)
    try:
        db = store.db
        with pytest.raises(RuntimeError):  # a transaction that fails half-way
            async with db.transaction() as tx:
                await tx.lock("pool test")
                await tx.insert("INSERT INTO users (username, email, password_hash, role, created_at)"
                                " VALUES ('a', 'a@example.com', 'x', 'author', 'now')")
                raise RuntimeError("the request failed")
        for _ in range(4):  # over every pooled connection: none saw the half-done write
            assert await db.fetchvalue("SELECT count(*) FROM users") == 0
        async with asyncio.timeout(5), db.transaction() as tx:  # its lock ended with it
            await tx.lock("pool test")
        # Each read was one round trip: no connection's last statement is asyncpg's reset.
        last = await watcher.fetch("SELECT query FROM pg_stat_activity WHERE datname = current_database()"
                                   " AND pid <> pg_backend_pid()")
        assert last and not [row["query"] for row in last if "pg_advisory_unlock_all" in row["query"]]
    finally:
        await watcher.close()
        await store.close()
