"""create_app(config): the one place that wires the blog together."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiohttp import web
from aiohttp_session import session_middleware

from . import secrets_file
from .api.app import create_api
from .auth import check_login
from .config import Config
from .cookie_storage import RememberingCookieStorage
from .errors import handle_errors
from .images import ImageFiles
from .keys import (BROKER, CONFIG, IMAGE_EXECUTOR, IMAGE_FILES, PAGE_CACHE, PASSWORDS, REQUEST_IDS, ROOMS,
                   SHARED_PAGES, STORE)
from .live.broker import Broker, LocalBroker
from .live.rooms import Rooms
from .live.sqlite_broker import SqliteBroker
from .maintenance import maintenance_job
from .page_cache import PageCache, serve_cached_pages
from .passwords import Passwords
from .request_ids import RequestIds
from .security import add_security_headers, csrf_protect
from .shared_pages import SharedPages
from .store import Store
from .templating import setup_templates
from .views import account, auth, comments, editor, history, images, live, posts, social, trash

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
SESSION_COOKIE = "blog_session"


def create_app(config: Config) -> web.Application:
    storage = RememberingCookieStorage(
        secrets_file.session_fernet(config.secret_key, config.data_dir),
        cookie_name=SESSION_COOKIE,
        max_age=config.session_max_age,
        httponly=True,
        samesite="Lax",
        secure=config.secure_cookies,
    )
    page_cache, store = PageCache(), Store(config.database_path)
    store.db.on_change.append(page_cache.invalidate)
    app = web.Application(
        middlewares=[handle_errors, serve_cached_pages(page_cache, store.db.notice_changes),
                     session_middleware(storage), check_login, csrf_protect],
        client_max_size=config.max_image_bytes + 1024 * 1024,
    )
    app[CONFIG] = config
    app[REQUEST_IDS] = RequestIds()
    app[PAGE_CACHE] = page_cache
    app[STORE] = store
    app[SHARED_PAGES] = SharedPages(store.db)
    app.cleanup_ctx.append(_store)
    app.cleanup_ctx.append(_password_workers)
    app.cleanup_ctx.append(_image_workers)
    app.cleanup_ctx.append(maintenance_job)
    app[IMAGE_FILES] = ImageFiles(config.data_dir / "images")
    app[BROKER] = _broker(config, store)
    app[ROOMS] = Rooms(app[BROKER])
    app.cleanup_ctx.append(_live)
    # Sockets close in on_shutdown: clients hear 1001 and the server exits without waiting on them.
    app.on_shutdown.append(_close_live_readers)
    app.on_response_prepare.append(add_security_headers)
    setup_templates(app)
    app.router.add_static("/static", STATIC_DIR, name="static", append_version=True)
    for module in (posts, editor, history, trash, images, comments, live, social, auth, account):
        module.setup_routes(app)
    app.add_subapp("/api", create_api(config))
    return app


async def _store(app: web.Application) -> AsyncIterator[None]:
    await app[STORE].open()
    yield
    await app[STORE].close()


# Background threads run at a lower priority than the event loop's thread (Linux
# schedules threads one by one): 20 logins hashing passwords (140 ms of CPU each, on
# purpose) must not make every reader's page wait for a core.
BACKGROUND_NICENESS = 10


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
    except (AttributeError, OSError):  # not Linux, or not allowed: run at normal priority
        pass


def _background_threads(workers: int, name: str) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(workers, thread_name_prefix=name, initializer=_lower_priority)


async def _password_workers(app: web.Application) -> AsyncIterator[None]:
    executor = _background_threads(app[CONFIG].password_workers, "passwords")
    app[PASSWORDS] = Passwords(executor)
    yield
    executor.shutdown(wait=True)


async def _image_workers(app: web.Application) -> AsyncIterator[None]:
    executor = _background_threads(2, "images")
    app[IMAGE_EXECUTOR] = executor
    yield
    executor.shutdown(wait=True)


def _broker(config: Config, store: Store) -> Broker:
    """One process needs no go-between; several share live events through their database."""
    if config.workers > 1:
        return SqliteBroker(store.live_events, config.database_path.with_name(config.database_path.name + "-events"))
    return LocalBroker()


async def _live(app: web.Application) -> AsyncIterator[None]:
    """Starts the broker and the rooms once the store is open (they may read from it)."""
    await app[BROKER].start()
    await app[ROOMS].start()
    yield


async def _close_live_readers(app: web.Application) -> None:
    await app[ROOMS].close_all()
    await app[BROKER].close()
