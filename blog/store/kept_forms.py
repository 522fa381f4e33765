"""Kept forms: what a writer sent after their session had ended, held a short while for them.

Nothing here is shown on any page but the writer's own form, so no write empties a cache."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

from blog import clock
from blog.store.db import Database

# A writer whose session ended keeps their newest few forms; older ones make way.
MAX_PER_USER = 5


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class KeptForm:
    user_id: int
    form: str
    fields: dict[str, str]
    had_file: bool

    def text(self, *names: str) -> dict[str, str]:
        """The named fields that were kept (missing ones are left out)."""
        return {name: self.fields[name] for name in names if name in self.fields}


class KeptForms:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def keep(self, user_id: int, form: str, fields: dict[str, str], had_file: bool, seconds: int) -> str:
        """Keeps the fields for `seconds`; returns the token that finds them again."""
        token = secrets.token_urlsafe(32)
        now = clock.now_iso()
        async with self.db.transaction(notify=False) as tx:
            await tx.insert(
                "INSERT INTO kept_forms (token_hash, user_id, form, fields, had_file, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (_hash(token), user_id, form, json.dumps(fields), int(had_file), now, clock.later(seconds)),
            )
            await tx.execute(
                "DELETE FROM kept_forms WHERE user_id = ? AND id NOT IN"
                " (SELECT id FROM kept_forms WHERE user_id = ? ORDER BY id DESC LIMIT ?)",
                (user_id, user_id, MAX_PER_USER),
            )
        return token

    async def take(self, token: str, user_id: int, form: str) -> KeptForm | None:
        """The kept fields, removed as they are handed over; None unless the token names
        this user's kept copy of this form and it has not expired."""
        async with self.db.transaction(notify=False) as tx:
            row = await tx.fetchone(
                "DELETE FROM kept_forms WHERE token_hash = ? AND user_id = ? AND form = ? AND expires_at > ?"
                " RETURNING fields, had_file",
                (_hash(token), user_id, form, clock.now_iso()),
            )
        if row is None:
            return None
        return KeptForm(user_id, form, dict(json.loads(row["fields"])), bool(row["had_file"]))

    async def exists(self, token: str) -> bool:
        return bool(await self.db.fetchvalue(
            "SELECT EXISTS (SELECT 1 FROM kept_forms WHERE token_hash = ? AND expires_at > ?)",
            (_hash(token), clock.now_iso())))

    async def purge_expired(self) -> int:
        return await self.db.write("DELETE FROM kept_forms WHERE expires_at <= ?", (clock.now_iso(),),
                                   notify=False)
