"""Accounts: who can log in, and with which role."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from blog import clock
from blog.store.db import Database, Row, Transaction, UniqueViolation

ROLES = ("admin", "editor", "author")


class UsernameTaken(Exception):
    pass


class EmailTaken(Exception):
    pass


@dataclass(frozen=True)
class User:
    id: int
    username: str
    email: str
    role: str
    created_at: str
    bio: str = ""
    image: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_edit_any_post(self) -> bool:
        return self.role in ("admin", "editor")

    @classmethod
    def from_row(cls, row: Row) -> "User":
        return cls(row["id"], row["username"], row["email"], row["role"], row["created_at"],
                   row["bio"], row["image"])


@contextmanager
def _taken_as(username: str, email: str) -> Iterator[None]:
    """A unique index that refused a write means the name or address was taken meanwhile
    (on PostgreSQL another transaction may commit between our check and our write)."""
    try:
        yield
    except UniqueViolation as exc:
        if "email" in exc.constraint:
            raise EmailTaken(email) from None
        raise UsernameTaken(username) from None


USER_COLUMNS = "users.id, users.username, users.email, users.role, users.created_at, users.bio, users.image"


class Users:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, username: str, email: str, password_hash: str, role: str | None = None) -> User:
        """Creates an account; the very first one is an admin, later ones authors unless told."""
        with _taken_as(username, email):
            async with self.db.transaction() as tx:
                if role is None:
                    # Two first registrations at once must not both find the table empty.
                    await tx.lock("first account")
                    has_users = await tx.fetchvalue("SELECT EXISTS (SELECT 1 FROM users)")
                    role = "author" if has_users else "admin"
                await self._check_unique(tx, username, email)
                created_at = clock.now_iso()
                user_id = await tx.insert(
                    "INSERT INTO users (username, email, password_hash, role, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (username, email, password_hash, role, created_at),
                )
        return User(user_id, username, email, role, created_at)

    @staticmethod
    async def _check_unique(tx: Transaction, username: str, email: str) -> None:
        if await tx.fetchvalue("SELECT 1 FROM users WHERE username = ? COLLATE NOCASE", (username,)):
            raise UsernameTaken(username)
        if await tx.fetchvalue("SELECT 1 FROM users WHERE email = ? COLLATE NOCASE", (email,)):
            raise EmailTaken(email)

    async def any_exist(self) -> bool:
        return bool(await self.db.fetchvalue("SELECT EXISTS (SELECT 1 FROM users)"))

    async def by_id(self, user_id: int) -> User | None:
        row = await self.db.fetchone(f"SELECT {USER_COLUMNS} FROM users WHERE id = ?", (user_id,))
        return None if row is None else User.from_row(row)

    async def by_username(self, username: str) -> User | None:
        row = await self.db.fetchone(
            f"SELECT {USER_COLUMNS} FROM users WHERE username = ? COLLATE NOCASE", (username,)
        )
        return None if row is None else User.from_row(row)

    async def by_ids(self, user_ids: list[int]) -> dict[int, User]:
        """Several accounts at once (the authors of a comment thread), by id."""
        if not user_ids:
            return {}
        marks = ",".join("?" * len(user_ids))
        rows = await self.db.fetchall(f"SELECT {USER_COLUMNS} FROM users WHERE id IN ({marks})", user_ids)
        return {row["id"]: User.from_row(row) for row in rows}

    async def credentials(self, login: str) -> tuple[User, str] | None:
        """The account named by a username or an email, with its password hash."""
        column = "email" if "@" in login else "username"
        row = await self.db.fetchone(
            f"SELECT {USER_COLUMNS}, password_hash FROM users WHERE {column} = ? COLLATE NOCASE",
            (login,),
        )
        return None if row is None else (User.from_row(row), row["password_hash"])

    async def password_hash(self, user_id: int) -> str | None:
        value: str | None = await self.db.fetchvalue("SELECT password_hash FROM users WHERE id = ?", (user_id,))
        return value

    async def set_password_hash(self, user_id: int, password_hash: str) -> None:
        await self.db.write("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))

    async def set_role(self, username: str, role: str) -> bool:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        changed = await self.db.write(
            "UPDATE users SET role = ? WHERE username = ? COLLATE NOCASE", (role, username)
        )
        return changed > 0

    async def update_profile(self, user_id: int, changes: dict[str, str | None]) -> User:
        """Changes some of username, email, bio, image, password_hash; uniqueness as at registration."""
        allowed = {"username", "email", "bio", "image", "password_hash"}
        assert set(changes) <= allowed, set(changes) - allowed
        with _taken_as(changes.get("username") or "", changes.get("email") or ""):
            return await self._update_profile(user_id, changes)

    async def _update_profile(self, user_id: int, changes: dict[str, str | None]) -> User:
        async with self.db.transaction() as tx:
            if "username" in changes and await tx.fetchvalue(
                    "SELECT 1 FROM users WHERE username = ? COLLATE NOCASE AND id != ?", (changes["username"], user_id)):
                raise UsernameTaken(changes["username"])
            if "email" in changes and await tx.fetchvalue(
                    "SELECT 1 FROM users WHERE email = ? COLLATE NOCASE AND id != ?", (changes["email"], user_id)):
                raise EmailTaken(changes["email"])
            if changes:
                assignments = ", ".join(f"{column} = ?" for column in changes)
                await tx.execute(f"UPDATE users SET {assignments} WHERE id = ?", (*changes.values(), user_id))
            row = await tx.fetchone(f"SELECT {USER_COLUMNS} FROM users WHERE id = ?", (user_id,))
        assert row is not None
        return User.from_row(row)
