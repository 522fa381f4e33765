"""Every key the app keeps state under, typed (aiohttp's AppKey / RequestKey)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from .config import Config
from .images import ImageFiles
from .live.broker import Broker
from .live.rooms import Rooms
from .page_cache import PageCache
from .passwords import Passwords
from .request_ids import RequestIds
from .shared_pages import SharedPages
from .store import Store
from .store.users import User

CONFIG = web.AppKey("config", Config)
STORE = web.AppKey("store", Store)
PASSWORDS = web.AppKey("passwords", Passwords)
IMAGE_FILES = web.AppKey("image_files", ImageFiles)
# Pillow work runs here, off the event loop, one image at a time per worker.
IMAGE_EXECUTOR = web.AppKey("image_executor", ThreadPoolExecutor)
BROKER = web.AppKey("broker", Broker)
ROOMS = web.AppKey("rooms", Rooms)
PAGE_CACHE = web.AppKey("page_cache", PageCache)
SHARED_PAGES = web.AppKey("shared_pages", SharedPages)

REQUEST_IDS = web.AppKey("request_ids", RequestIds)
REQUEST_ID = web.RequestKey("request_id", str)
CURRENT_USER = web.RequestKey("current_user", User)
SESSION_ID = web.RequestKey("session_id", int)
# The API's OpenAPI document (blog/api/openapi.json), read once at start-up and served as is.
API_OPENAPI = web.AppKey("api_openapi", str)
