"""Scheduled posts go out at their time, with no request needed, in every process.

Each process runs this job. At start it publishes what fell due while the server was
down; then it sleeps until the soonest scheduled time, waking early whenever this process
writes (a post scheduled or moved here changes what is soonest) and at least once a
minute (for schedules that another process or a command wrote). Publishing is one UPDATE
that only takes posts still scheduled, so with several processes each post goes out once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from blog import clock
from blog.keys import STORE
from blog.store import Store

log = logging.getLogger(__name__)
# The longest nap: how late a schedule written by another process can go out at worst
# (the process that wrote it wakes at once).
LONGEST_WAIT = 60.0
# Timers may fire a hair early; waking just after the moment saves a second round.
MARGIN = 0.005


async def publish_due(store: Store) -> list[int]:
    published = await store.posts.publish_due()
    if published:
        log.info("published %d scheduled post(s): %s", len(published), ", ".join(map(str, published)))
    return published


async def _seconds_to_next(store: Store) -> float:
    next_at = await store.posts.next_publish_at()
    if next_at is None:
        return LONGEST_WAIT
    wait = (clock.parse(next_at) - clock.now()).total_seconds() + MARGIN
    return min(LONGEST_WAIT, max(0.0, wait))


async def _publish_on_time(store: Store, wake: asyncio.Event) -> None:
    while True:
        wake.clear()
        try:
            await publish_due(store)
            wait = await _seconds_to_next(store)
        except Exception:  # keep the job alive: a locked database now is free again later
            log.exception("publishing scheduled posts failed")
            wait = LONGEST_WAIT
        # asyncio.timeout, not wait_for: in Python 3.11 wait_for swallows a cancel that comes as
        # the event is set (a write just before shutdown), and the app's cleanup then waited
        # on this job for ever (seen as a test run hanging in teardown, LONGEST_WAIT apart).
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(wait):
                await wake.wait()


async def publishing_job(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx (after the store's): overdue posts go out before the first request."""
    store = app[STORE]
    await publish_due(store)
    wake = asyncio.Event()
    store.db.on_change.append(wake.set)
    task = asyncio.create_task(_publish_on_time(store, wake))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    store.db.on_change.remove(wake.set)
