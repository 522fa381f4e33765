"""Unsubscribe links for notification mails: `<user id>.<kind>.<signature>`, signed with a key
derived from the site's secret. The signature is the proof, so a link works without logging
in, and nothing is stored; changing the site's secret retires every link (the account page
still turns mails off)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from blog.accounts.secret_key import SessionKey
from blog.store.notifications import KINDS


class UnsubscribeLinks:
    def __init__(self, session_key: SessionKey) -> None:
        self._session_key = session_key  # loaded at start-up: it may live in the database

    def _signature(self, user_id: int, kind: str) -> str:
        key = self._session_key.derived(b"blog: unsubscribe from notification mails")
        digest = hmac.new(key, f"{user_id}.{kind}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def token(self, user_id: int, kind: str) -> str:
        return f"{user_id}.{kind}.{self._signature(user_id, kind)}"

    def read(self, token: str) -> tuple[int, str] | None:
        """The (user id, kind) a token stands for, or None when it was not made here."""
        parts = token.split(".")
        if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 18 or parts[1] not in KINDS:
            return None
        user_id, kind = int(parts[0]), parts[1]
        if not hmac.compare_digest(parts[2], self._signature(user_id, kind)):
            return None
        return user_id, kind
