"""Every key the app keeps state under, typed (aiohttp's AppKey / RequestKey).

The types are imported for the type checker only, so that any module of any layer
can name a key without importing every other layer at run time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from blog.accounts.device_cookies import DeviceCookies
    from blog.accounts.kept_forms import FormOwners
    from blog.accounts.passwords import Passwords
    from blog.config import Config
    from blog.content.image_queue import ImageQueue
    from blog.content.image_store import ImageStore
    from blog.content.unsubscribe import UnsubscribeLinks
    from blog.live.broker import Broker
    from blog.live.members import Members
    from blog.live.rooms import Rooms
    from blog.mail.sender import Mailer
    from blog.store import Store
    from blog.store.remembered import Remembered
    from blog.store.users import User
    from blog.web.documents import Document
    from blog.web.forms import SubmittedForm
    from blog.web.kept_html import KeptHtml
    from blog.web.page_cache import PageCache
    from blog.web.request_ids import RequestIds
    from blog.web.shared_pages import SharedPages

CONFIG: web.AppKey[Config] = web.AppKey("config")
STORE: web.AppKey[Store] = web.AppKey("store")
PASSWORDS: web.AppKey[Passwords] = web.AppKey("passwords")
DEVICE_COOKIES: web.AppKey[DeviceCookies] = web.AppKey("device_cookies")
IMAGE_FILES: web.AppKey[ImageStore] = web.AppKey("image_files")
# Pillow work runs here, off the event loop, one image at a time per worker.
IMAGE_EXECUTOR: web.AppKey[ThreadPoolExecutor] = web.AppKey("image_executor")
# Decodes take turns: one at a time, a few waiting, the rest told to try again.
IMAGE_QUEUE: web.AppKey[ImageQueue] = web.AppKey("image_queue")
BROKER: web.AppKey[Broker] = web.AppKey("broker")
ROOMS: web.AppKey[Rooms] = web.AppKey("rooms")
# Every open member socket of this process (one per signed-in browser tab), for shutdown.
MEMBERS: web.AppKey[Members] = web.AppKey("members")
# Signs and reads the unsubscribe links of notification mails (they work without logging in).
UNSUBSCRIBE_LINKS: web.AppKey[UnsubscribeLinks] = web.AppKey("unsubscribe_links")
PAGE_CACHE: web.AppKey[PageCache] = web.AppKey("page_cache")
SHARED_PAGES: web.AppKey[SharedPages] = web.AppKey("shared_pages")
REQUEST_IDS: web.AppKey[RequestIds] = web.AppKey("request_ids")
# Mail goes out through this, in the background (blog/mail/).
MAILER: web.AppKey[Mailer] = web.AppKey("mailer")
# Stamps forms with the user who loaded them, so text sent after the session ended is kept for them.
FORM_OWNERS: web.AppKey[FormOwners] = web.AppKey("form_owners")
# The API's OpenAPI document (blog/api/openapi.json), read once at start-up and served as is.
API_OPENAPI: web.AppKey[str] = web.AppKey("api_openapi")
# Feeds, sitemaps and robots.txt, by (public address, name), until the next change.
DOCUMENTS: web.AppKey[Remembered[Document]] = web.AppKey("documents")
# URLs per sitemap file (the protocol's limit); past it, /sitemap.xml becomes an index.
SITEMAP_URLS_PER_FILE: web.AppKey[int] = web.AppKey("sitemap_urls_per_file")
# Each comment's HTML per kind of reader, by the comment as read and the reader's view of it.
COMMENT_HTML: web.AppKey[KeptHtml] = web.AppKey("comment_html")

REQUEST_ID: web.RequestKey[str] = web.RequestKey("request_id")
CURRENT_USER: web.RequestKey[User] = web.RequestKey("current_user")
SESSION_ID: web.RequestKey[int] = web.RequestKey("session_id")
# When the signed-in reader's session ends by itself (seconds since the epoch), set with SESSION_ID.
SESSION_EXPIRES: web.RequestKey[float] = web.RequestKey("session_expires")
# Set by a handler whose page is made only of what every reader shares and the reader's nav
# (blog/web/shared_pages.py): the same for a session until the data changes.
SHARED_PAGE: web.RequestKey[bool] = web.RequestKey("shared_page")
# The query parameters a page depends on, when its handler knows them (render_shared): the page
# cache keeps it under those alone.
PAGE_READS: web.RequestKey[tuple[str, ...]] = web.RequestKey("page_reads")
# The client's address as blog/accounts/addresses.py found it (through trusted proxies), once per request.
CLIENT_ADDRESS: web.RequestKey[str] = web.RequestKey("client_address")
# A device cookie made by a successful login, written on the response as it is prepared.
NEW_DEVICE_COOKIE: web.RequestKey[str] = web.RequestKey("new_device_cookie")
# The member's unread counts and last ids (blog/views/nav_counts.py), read once per request for the nav.
NAV_STATE: web.RequestKey[tuple[int, int, int, int]] = web.RequestKey("nav_state")
# The request's form, read once as a stream by blog.web.forms.read_form.
SUBMITTED_FORM: web.RequestKey[SubmittedForm] = web.RequestKey("submitted_form")
