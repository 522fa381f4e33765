"""Housekeeping that no request should wait for: expired sessions, old login failures,
and image files no post refers to any more."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from blog.content.images import ImageFiles
from blog.keys import IMAGE_FILES, STORE
from blog.store import Store

log = logging.getLogger(__name__)
INTERVAL = 60 * 60
LOGIN_FAILURE_KEEP = 60 * 60
# Uploads store their file just before the row that names it: spare files this young.
ORPHAN_MIN_AGE = 60 * 60


async def remove_orphan_images(store: Store, files: ImageFiles, min_age: float = ORPHAN_MIN_AGE) -> list[str]:
    referenced = await store.posts.all_image_names()
    return await asyncio.get_running_loop().run_in_executor(
        None, lambda: files.remove_orphans(referenced, min_age=min_age))


async def tidy(store: Store, files: ImageFiles) -> None:
    sessions = await store.sessions.purge_expired()
    kept = await store.kept_forms.purge_expired()
    failures = await store.login_failures.purge_older_than(LOGIN_FAILURE_KEEP)
    images = await remove_orphan_images(store, files)
    log.info("maintenance: %d expired sessions, %d expired kept forms, %d old login failures, %d orphan images removed",
             sessions, kept, failures, len(images))


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
