"""Housekeeping that no request should wait for: expired sessions, old login and registration
attempts, and image files no post refers to any more (the only place image files are deleted)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from blog.content.image_store import ImageStore
from blog.keys import IMAGE_FILES, STORE
from blog.store import Store

log = logging.getLogger(__name__)
INTERVAL = 60 * 60
# Longer than any rate limit's window (accounts/throttle.py).
ATTEMPTS_KEEP = 2 * 60 * 60
# The grace period. Uploads store their file just before the row that names it, and no
# request deletes files (identical uploads share one: see content/images.ImageFiles), so
# only this cleanup does, sparing files saved within the last hour.
ORPHAN_MIN_AGE = 60 * 60


async def tidy(store: Store, files: ImageStore) -> None:
    sessions = await store.sessions.purge_expired()
    kept = await store.kept_forms.purge_expired()
    failures = await store.attempts.purge_older_than(ATTEMPTS_KEEP)
    await store.reset_requests.purge_older_than(ATTEMPTS_KEEP)
    await store.account_tokens.purge_expired()
    images = await files.remove_orphans(ORPHAN_MIN_AGE)
    log.info("maintenance: %d expired sessions, %d expired kept forms, %d old login and registration attempts,"
             " %d orphan images removed", sessions, kept, failures, len(images))


async def _every_hour(app: web.Application) -> None:
    while True:
        await asyncio.sleep(INTERVAL)
        try:
            await tidy(app[STORE], app[IMAGE_FILES])
        except Exception:  # keep the job alive; the next hour tries again
            log.exception("maintenance failed")


async def maintenance_job(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the hourly job runs for as long as the app does."""
    task = asyncio.create_task(_every_hour(app))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
