"""The session cookie: its one name, and aiohttp-session's EncryptedCookieStorage with
recently decrypted cookies remembered.

A logged-in reader sends the same encrypted cookie with every request; decrypting
it each time (Fernet: HMAC and AES) was a tenth of a page's cost. The plaintext of a
given ciphertext never changes, so it is kept for a minute; the cookie's age limit is
checked again after that, and the session it names is still checked on the server."""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp_session import Session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from blog.accounts.secret_key import SessionKey
from blog.config import Config

# The page cache serves only requests without this cookie, so it is named here and nowhere else.
SESSION_COOKIE = "blog_session"
REMEMBER_SECONDS = 60.0
MAX_REMEMBERED = 10_000


def session_storage(config: Config, key: SessionKey) -> "RememberingCookieStorage":
    """The cookie every browser session lives in: encrypted, HttpOnly, SameSite=Lax."""
    return RememberingCookieStorage(
        key,
        cookie_name=SESSION_COOKIE,
        max_age=config.session_max_age,
        httponly=True,
        samesite="Lax",
        secure=config.secure_cookies,
    )


class RememberingCookieStorage(EncryptedCookieStorage):
    def __init__(self, *args: Any, decoder: Callable[[str], Any] = json.loads, **kwargs: Any) -> None:
        self._decode = decoder
        self._just_decrypted: str | None = None
        super().__init__(*args, decoder=self._capture, **kwargs)
        self._plain: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def _capture(self, plaintext: str) -> Any:
        """The library hands us each plaintext it decrypts; note it on the way through."""
        self._just_decrypted = plaintext
        return self._decode(plaintext)

    async def load_session(self, request: web.Request) -> Session:
        cookie = self.load_cookie(request)
        remembered = self._plain.get(cookie) if cookie else None
        if remembered is not None and remembered[0] >= time.monotonic():
            return Session(None, data=self._decode(remembered[1]), new=False, max_age=self.max_age)
        self._just_decrypted = None
        session = await super().load_session(request)  # decrypts without awaiting anything
        if cookie and self._just_decrypted is not None and not session.new:
            self._remember(cookie, self._just_decrypted)
        return session

    def _remember(self, cookie: str, plaintext: str) -> None:
        self._plain[cookie] = (time.monotonic() + REMEMBER_SECONDS, plaintext)
        if len(self._plain) > MAX_REMEMBERED:
            self._plain.popitem(last=False)
