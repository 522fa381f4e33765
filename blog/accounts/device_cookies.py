"""Device cookies (OWASP's "Slow Down Online Guessing Attacks with Device Cookies"): a
browser that logged in to an account gets a signed cookie naming that account, and keeps
it after logging out. When somebody guesses at the account, strangers are refused, but a
browser holding a valid device cookie for it is counted on its own (blog/accounts/throttle.py):
its owner can still log in. Nothing is stored on the server; the signature is the proof.

One cookie holds the devices of the last few accounts used in this browser, each as
`<user id>.<nonce>.<signature>`; the nonce tells one device from another, so a device
that guesses itself is refused on its own too."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie

from aiohttp import hdrs, web

from blog.accounts.secret_key import SessionKey
from blog.keys import NEW_DEVICE_COOKIE

DEVICE_COOKIE = "blog_device"
# Only the login form needs it; the API ignores it (it has no cookie jar to speak of).
DEVICE_COOKIE_PATH = "/login"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
ACCOUNTS_KEPT = 5


def _sign(key: bytes, user_id: int, nonce: str) -> str:
    digest = hmac.new(key, f"{user_id}.{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class DeviceCookies:
    """Reads and issues device cookies, signed with a key derived from the session key."""

    def __init__(self, session_key: SessionKey, *, secure: bool) -> None:
        self._session_key = session_key  # loaded at start-up: it may live in the database
        self._secure = secure

    @property
    def _key(self) -> bytes:
        return self._session_key.derived(b"blog device cookie")

    def _entries(self, request: web.BaseRequest) -> list[tuple[int, str]]:
        """The (user id, nonce) pairs of this browser's cookie whose signatures hold."""
        entries = []
        for entry in request.cookies.get(DEVICE_COOKIE, "").split("~")[:ACCOUNTS_KEPT]:
            user_id, _, rest = entry.partition(".")
            nonce, _, signature = rest.partition(".")
            if user_id.isascii() and user_id.isdigit() and len(user_id) < 19 and nonce and \
                    hmac.compare_digest(signature, _sign(self._key, int(user_id), nonce)):
                entries.append((int(user_id), nonce))
        return entries

    def nonce_for(self, request: web.BaseRequest, user_id: int) -> str | None:
        """This browser's device nonce for the account, if it holds a valid device cookie for it."""
        return next((nonce for owner, nonce in self._entries(request) if owner == user_id), None)

    def remember(self, request: web.Request, user_id: int) -> None:
        """After a successful login: the response will carry a fresh device for the account."""
        others = [(owner, nonce) for owner, nonce in self._entries(request) if owner != user_id]
        entries = [(user_id, secrets.token_urlsafe(12)), *others][:ACCOUNTS_KEPT]
        request[NEW_DEVICE_COOKIE] = "~".join(
            f"{owner}.{nonce}.{_sign(self._key, owner, nonce)}" for owner, nonce in entries)

    async def set_on_response(self, request: web.BaseRequest, response: web.StreamResponse) -> None:
        """on_response_prepare: writes the cookie that remember() made, whatever the response."""
        value = request.get(NEW_DEVICE_COOKIE)
        if not isinstance(value, str):
            return
        cookie: SimpleCookie = SimpleCookie()
        cookie[DEVICE_COOKIE] = value
        morsel = cookie[DEVICE_COOKIE]
        morsel.update({"path": DEVICE_COOKIE_PATH, "max-age": str(DEVICE_COOKIE_MAX_AGE), "samesite": "Strict"})
        morsel["httponly"] = True
        morsel["secure"] = self._secure
        # Headers, not response.set_cookie: by now the response's cookies are already in its headers.
        response.headers.add(hdrs.SET_COOKIE, morsel.OutputString())
