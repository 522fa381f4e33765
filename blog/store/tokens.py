"""API tokens: random, stored only as hashes, expiring, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from blog import clock
from blog.store.db import Database
from blog.store.users import ACTIVE, USER_COLUMNS, User

TOKEN_BYTES = 32
# Refreshing last_used_at on every API call would turn every read into a write.
LAST_USED_RESOLUTION = 5 * 60


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class ApiToken:
    id: int
    label: str
    created_at: str
    expires_at: str
    last_used_at: str | None


class Tokens:
    """Issuing, using and revoking a token changes no page: no write here empties a cache."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def issue(self, user_id: int, lifetime: int, label: str = "") -> str:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = clock.now_iso()
        async with self.db.transaction(notify=False) as tx:
            await tx.execute(
                "INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at, label) VALUES (?, ?, ?, ?, ?)",
                (token_hash(token), user_id, now, clock.later(lifetime), label[:100]))
            await tx.execute("UPDATE users SET last_login_at = ? WHERE id = ?", (now, user_id))
        return token

    async def resolve(self, token: str) -> User | None:
        """The user behind a live token; None for unknown, revoked or expired ones."""
        row = await self.db.fetchone(
            f"SELECT api_tokens.id AS token_id, api_tokens.last_used_at, {USER_COLUMNS}"
            " FROM api_tokens JOIN users ON users.id = api_tokens.user_id"
            " WHERE api_tokens.token_hash = ? AND api_tokens.expires_at > ? AND " + ACTIVE,
            (token_hash(token), clock.now_iso()))
        if row is None:
            return None
        if (row["last_used_at"] or "") < clock.ago(LAST_USED_RESOLUTION):
            await self.db.write("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (clock.now_iso(), row["token_id"]), notify=False)
        return User.from_row(row)

    async def revoke(self, token: str) -> bool:
        return await self.db.write("DELETE FROM api_tokens WHERE token_hash = ?", (token_hash(token),), notify=False) > 0

    async def revoke_by_id(self, user_id: int, token_id: int) -> bool:
        return await self.db.write("DELETE FROM api_tokens WHERE id = ? AND user_id = ?", (token_id, user_id), notify=False) > 0

    async def revoke_all(self, user_id: int) -> int:
        return await self.db.write("DELETE FROM api_tokens WHERE user_id = ?", (user_id,), notify=False)

    async def revoke_others(self, user_id: int, keep_token: str) -> int:
        """Revokes every token of the user but the one presented (after a password change through the API)."""
        return await self.db.write(
            "DELETE FROM api_tokens WHERE user_id = ? AND token_hash != ?", (user_id, token_hash(keep_token)), notify=False)

    async def of_user(self, user_id: int) -> list[ApiToken]:
        rows = await self.db.fetchall(
            "SELECT id, label, created_at, expires_at, last_used_at FROM api_tokens"
            " WHERE user_id = ? AND expires_at > ? ORDER BY created_at DESC", (user_id, clock.now_iso()))
        return [ApiToken(*row) for row in rows]
