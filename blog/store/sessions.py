"""Server-side sessions: the encrypted cookie carries a random token whose hash is
kept here, so a session can be ended on the server and a copied cookie dies with it."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from .. import clock
from .db import Database
from .users import USER_COLUMNS, User

# Refreshing last_seen_at on every request would turn every read into a write.
LAST_SEEN_RESOLUTION = 5 * 60


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class ActiveSession:
    id: int
    created_at: str
    last_seen_at: str
    expires_at: str
    user_agent: str
    address: str


class Sessions:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def start(self, user_id: int, max_age: int, user_agent: str, address: str) -> tuple[int, str]:
        """Opens a session; returns its id and the token to put in the cookie."""
        token = secrets.token_urlsafe(32)
        now = clock.now_iso()
        async with self.db.transaction() as tx:
            session_id = await tx.insert(
                "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at,"
                " user_agent, address) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (token_hash(token), user_id, now, now, clock.later(max_age), user_agent[:300], address),
            )
        return session_id, token

    async def resolve(self, token: str) -> tuple[int, User] | None:
        """The live session behind a cookie token, and its user; None once ended or expired."""
        row = await self.db.fetchone(
            f"SELECT sessions.id AS session_id, sessions.last_seen_at, {USER_COLUMNS}"
            " FROM sessions JOIN users ON users.id = sessions.user_id"
            " WHERE sessions.token_hash = ? AND sessions.expires_at > ?",
            (token_hash(token), clock.now_iso()),
        )
        if row is None:
            return None
        if row["last_seen_at"] < clock.ago(LAST_SEEN_RESOLUTION):
            await self.db.write(
                "UPDATE sessions SET last_seen_at = ? WHERE id = ?", (clock.now_iso(), row["session_id"])
            )
        return row["session_id"], User.from_row(row)

    async def of_user(self, user_id: int) -> list[ActiveSession]:
        rows = await self.db.fetchall(
            "SELECT id, created_at, last_seen_at, expires_at, user_agent, address FROM sessions"
            " WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC",
            (user_id, clock.now_iso()),
        )
        return [ActiveSession(*row) for row in rows]

    async def end(self, session_id: int) -> None:
        await self.db.write("DELETE FROM sessions WHERE id = ?", (session_id,))

    async def end_others(self, user_id: int, keep_session_id: int | None) -> int:
        """Ends every session of the user but one; returns how many ended."""
        return await self.db.write(
            "DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?", (user_id, keep_session_id)
        )

    async def purge_expired(self) -> int:
        return await self.db.write("DELETE FROM sessions WHERE expires_at <= ?", (clock.now_iso(),))
