"""Nothing a writer typed is lost when their session ends while they write.

A session can end under an open form: a log-out in another tab, "log out everywhere
else", a password change, or its age. Pressing Save then used to lead to the login form,
and the text was gone. Now the check_login middleware hands such a POST, for a handler
marked @keeps_text, to keep_for_later(): its text fields are kept on the server for
KEEP_SECONDS, this browser's session cookie names them, and after logging in the writer
is back on the form with everything typed (a chosen file excepted: browsers cannot put
one back), to press Save again. The kept POST itself is never acted on.

Why this opens no CSRF hole, though the session (and with it the CSRF token) is gone:
- every keepable form carries OWNER_FIELD, made by FormOwners: the id of the user who
  loaded the form and when, encrypted and signed with a key derived from the site's secret.
  Another site can neither read one from our pages nor make one;
- the request must still come from our own pages (Origin / Sec-Fetch-Site);
- what is kept is only shown, on the form's own page, to the same user once logged in
  in this same browser, and only saved when they press Save. A stranger's kept text
  could at worst be shown to that stranger."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler
from aiohttp_session import get_session
from cryptography.fernet import Fernet, InvalidToken

from blog.accounts.secret_key import SessionKey
from blog.keys import CONFIG, CURRENT_USER, FORM_OWNERS, STORE
from blog.store.kept_forms import KeptForm
from blog.store.users import User
from blog.web.csrf import CSRF_FORM_FIELD, carries_session_token, is_foreign_origin
from blog.web.forms import read_form

OWNER_FIELD = "form_owner"
KEPT_SESSION_KEY = "kept_form"  # in the encrypted session cookie: the token of this browser's kept form
KEEP_SECONDS = 60 * 60  # long enough to find a password, short enough not to linger
_KEEPS_TEXT = "__blog_keeps_text__"
_OWNER_PREFIX = "form-owner:"


class FormOwners:
    """Stamps a form with the user who loaded it, and reads the stamp back."""

    def __init__(self, site_key: SessionKey) -> None:
        self._site_key = site_key
        self._fernet_once: Fernet | None = None

    @property
    def _fernet(self) -> Fernet:
        # A key of its own, so a stamp can never pass for a session cookie or the reverse;
        # made on first use, because the site's key may only be read from the database at start.
        if self._fernet_once is None:
            derived = self._site_key.derived(b"blog: the user who loaded a form")
            self._fernet_once = Fernet(base64.urlsafe_b64encode(derived))
        return self._fernet_once

    def stamp(self, user_id: int) -> str:
        return self._fernet.encrypt(f"{_OWNER_PREFIX}{user_id}".encode()).decode()

    def owner(self, stamp: str, max_age: int) -> int | None:
        """The user id in a stamp no older than `max_age` seconds, else None."""
        try:
            plain = self._fernet.decrypt(stamp.encode(), ttl=max_age).decode()
        except (InvalidToken, ValueError):
            return None
        user_id = plain.removeprefix(_OWNER_PREFIX)
        return int(user_id) if plain.startswith(_OWNER_PREFIX) and user_id.isdigit() else None


def form_owner(request: web.Request) -> str:
    """The stamp for a form shown to the current user ('' for nobody)."""
    user = request.get(CURRENT_USER)
    return request.config_dict[FORM_OWNERS].stamp(user.id) if user is not None else ""


@dataclass(frozen=True)
class FormSpot:
    """Which form a handler saves (its kept copy is found by this) and the page that shows it."""

    which: Callable[[web.Request], str]
    page: Callable[[web.Request], str]


def keeps_text(which: Callable[[web.Request], str], page: Callable[[web.Request], str]) -> Callable[[Handler], Handler]:
    """Marks a handler whose form is kept across a login when the session has ended."""

    def mark(handler: Handler) -> Handler:
        setattr(handler, _KEEPS_TEXT, FormSpot(which, page))
        return handler

    return mark


def form_spot(handler: Handler) -> FormSpot | None:
    spot = getattr(handler, _KEEPS_TEXT, None)
    return spot if isinstance(spot, FormSpot) else None


async def keep_for_later(request: web.Request, spot: FormSpot, user: User | None) -> None:
    """For a POST to a keepable form whose session has ended (user None) or moved on
    (the form's CSRF token is not this session's): keeps what was sent and raises the
    way back to it. Returns when there is nothing to keep, or no proof whose it is."""
    if request.method != "POST" or (user is not None and await carries_session_token(request)):
        return
    form = await read_form(request)
    owner = request.config_dict[FORM_OWNERS].owner(form.fields.get(OWNER_FIELD, ""), request.config_dict[CONFIG].session_max_age)
    if owner is None or is_foreign_origin(request):
        return
    fields = {name: value for name, value in form.fields.items() if name not in (CSRF_FORM_FIELD, OWNER_FIELD)}
    had_file = bool(form.files or form.oversized)
    token = await request.config_dict[STORE].kept_forms.keep(owner, spot.which(request), fields, had_file, KEEP_SECONDS)
    (await get_session(request))[KEPT_SESSION_KEY] = token
    page = spot.page(request)
    if user is None:
        raise web.HTTPSeeOther(location=str(request.app.router["login"].url_for().with_query(next=page)))
    if user.id == owner:  # logged in again elsewhere since the form was loaded
        raise web.HTTPSeeOther(location=page)
    raise web.HTTPForbidden(text="This form was opened by another account, so nothing was saved. "
                                 "What it held is kept for an hour: log in as that account to get it back.")


async def take_kept_text(request: web.Request, which: str) -> KeptForm | None:
    """What the current user sent from this form before logging in again, handed over once."""
    user = request.get(CURRENT_USER)
    session = await get_session(request)
    token = session.get(KEPT_SESSION_KEY)
    if user is None or not isinstance(token, str):
        return None
    kept = await request.config_dict[STORE].kept_forms.take(token, user.id, which)
    if kept is not None:
        session.pop(KEPT_SESSION_KEY, None)
    return kept


async def has_kept_text(request: web.Request) -> bool:
    """True when this browser holds text kept for somebody to log in and get back."""
    token = (await get_session(request)).get(KEPT_SESSION_KEY)
    return isinstance(token, str) and await request.config_dict[STORE].kept_forms.exists(token)
