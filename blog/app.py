"""create_app(config): the one place that wires the blog together."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web
from aiohttp_session import session_middleware

from blog.accounts.cookie import SESSION_COOKIE, session_storage
from blog.accounts.current import check_login
from blog.accounts.devices import device_name
from blog.accounts.kept_forms import FormOwners
from blog.accounts.passwords import Passwords
from blog.accounts.secret_key import session_key
from blog.api.app import create_api
from blog.config import Config
from blog.content.images import ImageFiles
from blog.keys import (
    BROKER,
    CONFIG,
    FORM_OWNERS,
    IMAGE_EXECUTOR,
    IMAGE_FILES,
    PAGE_CACHE,
    PASSWORDS,
    REQUEST_IDS,
    ROOMS,
    SHARED_PAGES,
    STORE,
)
from blog.live.broker import Broker, LocalBroker
from blog.live.rooms import Rooms
from blog.live.sqlite_broker import SqliteBroker
from blog.ops.maintenance import maintenance_job
from blog.ops.threads import background_threads
from blog.store import Store
from blog.views import account, auth, comments, editor, history, icon, images, live, posts, social, trash
from blog.web.changes import notice_changes
from blog.web.csrf import csrf_protect
from blog.web.errors import handle_errors
from blog.web.headers import add_security_headers
from blog.web.page_cache import PageCache, serve_cached_pages
from blog.web.paths import API_PREFIX, STATIC_PREFIX
from blog.web.request_ids import RequestIds
from blog.web.shared_pages import SharedPages
from blog.web.templating import setup_templates

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
IMAGE_WORKERS = 2


def create_app(config: Config) -> web.Application:
    page_cache, store = PageCache(), Store(config.database_path)
    store.db.on_change.append(page_cache.invalidate)
    app = web.Application(
        middlewares=[
            notice_changes(store.db),  # first: every cache below must see other processes' writes
            handle_errors,
            serve_cached_pages(page_cache, SESSION_COOKIE),
            session_middleware(session_storage(config)),
            check_login,
            csrf_protect,
        ],
        client_max_size=config.max_image_bytes + 1024 * 1024,
    )
    app[CONFIG] = config
    app[REQUEST_IDS] = RequestIds()
    app[FORM_OWNERS] = FormOwners(session_key(config.secret_key, config.data_dir))
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
    setup_templates(app, filters={"device": device_name})
    app.router.add_static(STATIC_PREFIX, STATIC_DIR, name="static", append_version=True)
    for module in (posts, editor, history, trash, images, comments, live, social, auth, account, icon):
        module.setup_routes(app)
    app.add_subapp(API_PREFIX, create_api(config))
    return app


async def _store(app: web.Application) -> AsyncIterator[None]:
    await app[STORE].open()
    yield
    await app[STORE].close()


async def _password_workers(app: web.Application) -> AsyncIterator[None]:
    executor = background_threads(app[CONFIG].password_workers, "passwords")
    app[PASSWORDS] = Passwords(executor)
    yield
    executor.shutdown(wait=True)


async def _image_workers(app: web.Application) -> AsyncIterator[None]:
    executor = background_threads(IMAGE_WORKERS, "images")
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
