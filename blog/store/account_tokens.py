"""Links sent by mail to prove an address: a password reset, an email change.

The link carries a random token; only its hash is kept, each works once, and
each expires. Issuing and using one changes no page, so no write here empties a cache
(the password or address it changes is written by Users, which does)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from blog import clock
from blog.store.db import Database

TOKEN_BYTES = 32
PURPOSES = ("password_reset", "email_change")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class AccountToken:
    id: int
    user_id: int
    purpose: str
    new_email: str | None
    expires_at: str
    used_at: str | None

    @property
    def expired(self) -> bool:
        return self.expires_at <= clock.now_iso()

    @property
    def usable(self) -> bool:
        return self.used_at is None and not self.expired


class AccountTokens:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def issue(self, user_id: int, purpose: str, lifetime: int, new_email: str | None = None) -> str:
        assert purpose in PURPOSES, purpose
        token = secrets.token_urlsafe(TOKEN_BYTES)
        await self.db.write(
            "INSERT INTO account_tokens (user_id, purpose, token_hash, new_email, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, purpose, token_hash(token), new_email, clock.now_iso(), clock.later(lifetime)), notify=False)
        return token

    async def find(self, token: str, purpose: str) -> AccountToken | None:
        """The token's record (used or expired ones too, so the page can say which); None if unknown."""
        if len(token) > 256 or not token.isascii():
            return None
        row = await self.db.fetchone(
            "SELECT id, user_id, purpose, new_email, expires_at, used_at FROM account_tokens"
            " WHERE token_hash = ? AND purpose = ?", (token_hash(token), purpose))
        return None if row is None else AccountToken(*row)

    async def use(self, token_id: int) -> bool:
        """Marks the token used; False when it was used or expired meanwhile (it works once)."""
        return await self.db.write(
            "UPDATE account_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?",
            (clock.now_iso(), token_id, clock.now_iso()), notify=False) > 0

    async def purge_expired(self) -> int:
        return await self.db.write("DELETE FROM account_tokens WHERE expires_at <= ?", (clock.ago(24 * 60 * 60),),
                                   notify=False)
