"""Server-side sessions: the encrypted cookie carries a random token whose hash is
kept here, so a session can be ended on the server and a copied cookie dies with it."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from blog import clock
from blog.store.db import Database
from blog.store.remembered import Remembered
from blog.store.users import ACTIVE, USER_COLUMNS, User

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


@dataclass
class _LiveSession:
    session_id: int
    user: User
    expires: float  # seconds since the epoch, so a request compares numbers, not formats dates
    last_seen: float


class Sessions:
    """Opening a session or marking it seen changes no page, so those writes do not empty
    caches; ending sessions does (notify), which also drops them from every process's memory."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # Live sessions as read, so a logged-in reader costs no query per request.
        self._live: Remembered[_LiveSession] = Remembered(db, max_entries=10_000)

    async def start(self, user_id: int, max_age: int, user_agent: str, address: str) -> tuple[int, str]:
        """Opens a session; returns its id and the token to put in the cookie."""
        token = secrets.token_urlsafe(32)
        now = clock.now_iso()
        async with self.db.transaction(notify=False) as tx:
            session_id = await tx.insert(
                "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at,"
                " user_agent, address) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (token_hash(token), user_id, now, now, clock.later(max_age), user_agent[:300], address),
            )
            await tx.execute("UPDATE users SET last_login_at = ? WHERE id = ?", (now, user_id))
        return session_id, token

    async def resolve(self, token: str) -> tuple[int, User, float] | None:
        """The live session behind a cookie token, its user and when it expires (seconds since
        the epoch); None once ended or expired."""
        hashed = token_hash(token)
        live = await self._live.get(hashed, lambda: self._read(hashed))
        now = time.time()
        if live is None or live.expires <= now:
            return None
        if live.last_seen < now - LAST_SEEN_RESOLUTION:
            live.last_seen = now
            await self.db.write("UPDATE sessions SET last_seen_at = ? WHERE id = ?",
                                (clock.now_iso(), live.session_id), notify=False)
        return live.session_id, live.user, live.expires

    async def _read(self, hashed: str) -> _LiveSession | None:
        row = await self.db.fetchone(
            f"SELECT sessions.id AS session_id, sessions.expires_at, sessions.last_seen_at, {USER_COLUMNS}"
            " FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.token_hash = ? AND " + ACTIVE,
            (hashed,),
        )
        if row is None:
            return None
        return _LiveSession(row["session_id"], User.from_row(row), clock.parse(row["expires_at"]).timestamp(),
                            clock.parse(row["last_seen_at"]).timestamp())

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
            "DELETE FROM sessions WHERE user_id = ? AND id IS DISTINCT FROM ?", (user_id, keep_session_id)
        )

    async def purge_expired(self) -> int:
        return await self.db.write("DELETE FROM sessions WHERE expires_at <= ?", (clock.now_iso(),))
