"""create_app(config): the one place that wires the blog together."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

from aiohttp import web
from aiohttp_session import session_middleware

from blog.accounts.addresses import note_client_address
from blog.accounts.cookie import SESSION_COOKIE, session_storage
from blog.accounts.current import check_login
from blog.accounts.device_cookies import DeviceCookies
from blog.accounts.devices import device_name
from blog.accounts.kept_forms import FormOwners
from blog.accounts.passwords import Passwords
from blog.accounts.secret_key import SessionKey, session_key
from blog.api.app import create_api
from blog.config import Config
from blog.content.image_queue import ImageQueue
from blog.content.image_store import ImageStore
from blog.content.image_files import ImageFiles
from blog.content.reading_time import reading_minutes
from blog.content.unsubscribe import UnsubscribeLinks
from blog.keys import (
    BROKER,
    COMMENT_HTML,
    CONFIG,
    DEVICE_COOKIES,
    DOCUMENTS,
    FORM_OWNERS,
    IMAGE_EXECUTOR,
    IMAGE_FILES,
    IMAGE_QUEUE,
    MAILER,
    MEMBERS,
    PAGE_CACHE,
    PASSWORDS,
    REQUEST_IDS,
    ROOMS,
    SHARED_PAGES,
    STORE,
    UNSUBSCRIBE_LINKS,
)
from blog.live.broker import Broker, LocalBroker
from blog.live.members import Members
from blog.live.postgres_broker import PostgresBroker
from blog.live.rooms import Rooms
from blog.live.sqlite_broker import SqliteBroker
from blog.mail.sender import Mailer
from blog.ops.maintenance import maintenance_job
from blog.ops.publishing import publishing_job
from blog.ops.threads import background_threads
from blog.store import Store
from blog.store.postgres import PostgresDatabase
from blog.store.remembered import Remembered
from blog.views import (
    account,
    account_deletion,
    admin_settings,
    admin_users,
    archive,
    auth,
    browse,
    comment_edits,
    comments,
    editor,
    feeds,
    history,
    icon,
    images,
    live,
    member_live,
    messages,
    notifications,
    pages,
    password_reset,
    posts,
    profile,
    reactions,
    search,
    sitemap,
    social,
    trash,
    uploads,
)
from blog.views.nav_counts import nav_counts
from blog.views.search import readable
from blog.web.csrf import csrf_protect
from blog.web.errors import handle_errors
from blog.web.first_answers import answer_cached_pages_first
from blog.web.headers import add_security_headers, security_headers
from blog.web.kept_html import KeptHtml
from blog.web.page_cache import PageCache, serve_cached_pages
from blog.web.paths import API_PREFIX, STATIC_PREFIX
from blog.web.request_ids import RequestIds
from blog.web.shared_pages import SharedPages
from blog.web.static_files import static_not_found
from blog.web.templating import setup_templates

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
IMAGE_WORKERS = 2
# Comment parts kept (one per comment and kind of reader; a few KB each): a few busy threads' worth.
COMMENT_PARTS_KEPT = 5000


def create_app(config: Config) -> web.Application:
    store, key, request_ids = Store(config.database), SessionKey(), RequestIds()
    headers = security_headers(secure=config.secure_cookies)
    page_cache, session_pages = PageCache(headers=headers), PageCache(8 * 1024 * 1024, headers=headers)
    store.db.on_change.extend((page_cache.invalidate, session_pages.invalidate))
    app = web.Application(
        middlewares=[
            serve_cached_pages(page_cache, session_pages, session_cookie=SESSION_COOKIE, base_url=config.base_url,
                               notice_changes=store.db.notice_changes, request_ids=request_ids),
            handle_errors,
            session_middleware(session_storage(config, key)),
            check_login,
            csrf_protect,
            static_not_found,  # inside the session: the 404 page it leads to shows the nav
        ],
        client_max_size=config.max_image_bytes + 1024 * 1024,
    )
    app[CONFIG] = config
    app[REQUEST_IDS] = request_ids
    app[FORM_OWNERS] = FormOwners(key)
    app[PAGE_CACHE] = page_cache
    app[STORE] = store
    app[SHARED_PAGES] = SharedPages(store.db)
    app[DOCUMENTS] = Remembered(store.db, max_entries=200)
    app[COMMENT_HTML] = KeptHtml(max_entries=COMMENT_PARTS_KEPT)
    for section in (store.comments, store.reactions):
        section.on_section_let_go(app[COMMENT_HTML].joins.forget_post)
    app.cleanup_ctx.append(_store)
    app.on_startup.append(lambda app: _load_session_key(app, key))
    app.cleanup_ctx.append(_password_workers)
    app.cleanup_ctx.append(_image_workers)
    app.cleanup_ctx.append(maintenance_job)
    app[MAILER] = Mailer(config)
    app.cleanup_ctx.append(_mail)
    app.cleanup_ctx.append(publishing_job)
    app[IMAGE_FILES] = ImageStore(ImageFiles(config.data_dir / "images"), store)
    app[IMAGE_QUEUE] = ImageQueue()
    app[BROKER] = _broker(config, store)
    app[ROOMS] = Rooms(app[BROKER])
    app[MEMBERS] = Members(app[BROKER])
    app[UNSUBSCRIBE_LINKS] = UnsubscribeLinks(key)
    app.cleanup_ctx.append(_live)
    # Sockets close in on_shutdown: clients hear 1001 and the server exits without waiting on them.
    app.on_shutdown.append(_close_live_readers)
    app[DEVICE_COOKIES] = DeviceCookies(key, secure=config.secure_cookies)
    app.on_response_prepare.append(app[DEVICE_COOKIES].set_on_response)
    app.on_response_prepare.append(add_security_headers)
    setup_templates(app, filters={"device": device_name, "reading_minutes": reading_minutes,
                                  "readable_snippet": readable},
                    context_processors=(nav_counts,))
    app.router.add_static(STATIC_PREFIX, STATIC_DIR, name="static", append_version=True)
    for module in (posts, editor, history, trash, images, uploads, comments, comment_edits, reactions, live,
                   social, auth, account,
                   pages, profile, account_deletion, password_reset, admin_settings, admin_users,
                   feeds, sitemap, search, browse, archive, icon, messages, notifications, member_live):
        module.setup_routes(app)
    app.add_subapp(API_PREFIX, create_api(config))
    return app


def answer_cached_pages_first_on(server: web.Server, app: web.Application) -> None:
    """For `serve` (ops/server.py): the app's cached pages, answered before aiohttp routes."""
    config, request_ids = app[CONFIG], app[REQUEST_IDS]
    log_lines = logging.getLogger("aiohttp.access").isEnabledFor(logging.INFO)
    answer_cached_pages_first(
        server, app[PAGE_CACHE], base_url=config.base_url, notice_changes=app[STORE].db.notice_changes,
        request_ids=request_ids,
        before_sending=partial(note_client_address, trusted=config.trusted_proxy_networks) if log_lines else None)


async def _store(app: web.Application) -> AsyncIterator[None]:
    try:  # closed even when start-up stops half-way through opening it
        await app[STORE].open()
        yield
    finally:
        await app[STORE].close()


async def _load_session_key(app: web.Application, key: SessionKey) -> None:
    key.use(await session_key(app[CONFIG], app[STORE]))


async def _password_workers(app: web.Application) -> AsyncIterator[None]:
    executor = background_threads(app[CONFIG].password_threads, "passwords")
    app[PASSWORDS] = Passwords(executor)
    yield
    executor.shutdown(wait=True)


async def _image_workers(app: web.Application) -> AsyncIterator[None]:
    executor = background_threads(IMAGE_WORKERS, "images")
    app[IMAGE_EXECUTOR] = executor
    yield
    executor.shutdown(wait=True)


async def _mail(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    if not config.smtp_host:
        log.info("no BLOG_SMTP_HOST: mails are written to %s", config.outbox_dir.resolve())
    yield
    await app[MAILER].close()


def _broker(config: Config, store: Store) -> Broker:
    """One process needs no go-between; several share live events through their database:
    PostgreSQL's notifications (any number of servers), or a table of the SQLite file."""
    if isinstance(store.db, PostgresDatabase):
        return PostgresBroker(store.db, store.live_messages)
    if config.workers > 1:
        return SqliteBroker(store.live_events, config.database_path.with_name(config.database_path.name + "-events"))
    return LocalBroker()


async def _live(app: web.Application) -> AsyncIterator[None]:
    """Starts the broker and the rooms once the store is open (they may read from it). The
    broker closes at cleanup, after the rooms closed on shutdown and every handler ended."""
    await app[BROKER].start()
    await app[ROOMS].start()
    yield
    await app[BROKER].close()


async def _close_live_readers(app: web.Application) -> None:
    await app[ROOMS].close_all()
    await app[MEMBERS].close_all()
