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


class LastAdmin(Exception):
    """The change would leave the blog without an active admin."""


class NewAuthorGone(Exception):
    """The account chosen to receive a deleted account's posts was deleted or suspended meanwhile."""


DELETED_NAME = "deleted user"


@dataclass(frozen=True)
class User:
    id: int
    username: str
    email: str
    role: str
    created_at: str
    bio: str = ""
    image: str | None = None
    display_name: str = ""
    bio_html: str = ""
    avatar: str | None = None  # an uploaded square picture, 256 pixels
    avatar_small: str | None = None  # the same, 64 pixels, for bylines and comments
    last_login_at: str | None = None
    suspended_at: str | None = None
    deleted_at: str | None = None

    @property
    def name(self) -> str:
        """What pages call the person: their display name, else their username."""
        if self.deleted_at is not None:
            return DELETED_NAME
        return self.display_name or self.username

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_edit_any_post(self) -> bool:
        return self.role in ("admin", "editor")

    @classmethod
    def from_row(cls, row: Row) -> "User":
        return cls(row["id"], row["username"], row["email"], row["role"], row["created_at"],
                   row["bio"], row["image"], row["display_name"], row["bio_html"], row["avatar"],
                   row["avatar_small"], row["last_login_at"], row["suspended_at"], row["deleted_at"])


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


USER_COLUMNS = (
    "users.id, users.username, users.email, users.role, users.created_at, users.bio, users.image,"
    " users.display_name, users.bio_html, users.avatar, users.avatar_small, users.last_login_at,"
    " users.suspended_at, users.deleted_at"
)
# Accounts that may log in and use the API: neither suspended nor deleted.
ACTIVE = "users.suspended_at IS NULL AND users.deleted_at IS NULL"


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
        """The account with this name; a deleted account has none any more."""
        row = await self.db.fetchone(
            f"SELECT {USER_COLUMNS} FROM users WHERE username = ? COLLATE NOCASE AND deleted_at IS NULL", (username,)
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
        """The account named by a username or an email, with its password hash (deleted ones are gone)."""
        column = "email" if "@" in login else "username"
        row = await self.db.fetchone(
            f"SELECT {USER_COLUMNS}, password_hash FROM users WHERE {column} = ? COLLATE NOCASE"
            " AND deleted_at IS NULL",
            (login,),
        )
        return None if row is None else (User.from_row(row), row["password_hash"])

    async def password_hash(self, user_id: int) -> str | None:
        value: str | None = await self.db.fetchvalue("SELECT password_hash FROM users WHERE id = ?", (user_id,))
        return value

    async def set_password_hash(self, user_id: int, password_hash: str) -> None:
        await self.db.write("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))

    async def set_role(self, username: str, role: str) -> bool:
        """Changes a role; LastAdmin when it would demote the last active admin."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        async with self.db.transaction() as tx:
            await _one_account_change_at_a_time(tx)
            row = await tx.fetchone(
                "SELECT id, role FROM users WHERE username = ? COLLATE NOCASE AND deleted_at IS NULL", (username,))
            if row is None:
                return False
            if row["role"] == "admin" and role != "admin":
                await _keep_an_admin(tx, row["id"])
            await tx.execute("UPDATE users SET role = ? WHERE id = ?", (role, row["id"]))
        return True

    async def suspend(self, user_id: int) -> bool:
        """Suspends an account: its sessions and API tokens end in the same transaction (and
        every process forgets them, since the write notifies). LastAdmin for the last admin."""
        async with self.db.transaction() as tx:
            await _one_account_change_at_a_time(tx)
            row = await tx.fetchone("SELECT role FROM users WHERE id = ? AND deleted_at IS NULL", (user_id,))
            if row is None:
                return False
            if row["role"] == "admin":
                await _keep_an_admin(tx, user_id)
            await tx.execute("UPDATE users SET suspended_at = COALESCE(suspended_at, ?) WHERE id = ?",
                             (clock.now_iso(), user_id))
            await _end_access(tx, user_id)
        return True

    async def restore(self, user_id: int) -> bool:
        return await self.db.write(
            "UPDATE users SET suspended_at = NULL WHERE id = ? AND deleted_at IS NULL", (user_id,)) > 0

    async def everyone(self) -> list[User]:
        """Every account that is not deleted, admins first, then by name (the admin's users page)."""
        rows = await self.db.fetchall(
            f"SELECT {USER_COLUMNS} FROM users WHERE deleted_at IS NULL"
            " ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'editor' THEN 1 ELSE 2 END, username COLLATE NOCASE")
        return [User.from_row(row) for row in rows]

    async def by_email(self, email: str) -> User | None:
        row = await self.db.fetchone(
            f"SELECT {USER_COLUMNS} FROM users WHERE email = ? COLLATE NOCASE AND deleted_at IS NULL", (email,))
        return None if row is None else User.from_row(row)

    async def reset_password(self, user_id: int, password_hash: str) -> None:
        """A new password from a reset: every session, API token and mailed link of the account ends."""
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
            await _end_access(tx, user_id)
            await tx.execute("UPDATE account_tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
                             (clock.now_iso(), user_id))

    async def delete_account(self, user_id: int, posts_to: int | None) -> None:
        """Deletes an account (its avatar's files are left to the image cleanup).

        Its posts go to the trash, or to the account `posts_to` (NewAuthorGone if that one is no
        longer active). The row stays, anonymised and unable to log in, so that its comments and
        the revisions it made stay as "deleted user"."""
        now = clock.now_iso()
        async with self.db.transaction() as tx:
            await _one_account_change_at_a_time(tx)
            row = await tx.fetchone("SELECT role FROM users WHERE id = ? AND deleted_at IS NULL", (user_id,))
            if row is None:
                raise LookupError(user_id)
            if row["role"] == "admin":
                await _keep_an_admin(tx, user_id)
            if posts_to is not None:
                if not await tx.fetchvalue(f"SELECT 1 FROM users WHERE id = ? AND {ACTIVE}", (posts_to,)):
                    raise NewAuthorGone(posts_to)
                await tx.execute("UPDATE posts SET author_id = ? WHERE author_id = ?", (posts_to, user_id))
            else:
                await tx.execute("UPDATE posts SET deleted_at = ? WHERE author_id = ? AND deleted_at IS NULL",
                                 (now, user_id))
                await tx.execute("UPDATE post_tags SET listed_at = NULL"
                                 " WHERE post_id IN (SELECT id FROM posts WHERE author_id = ?)", (user_id,))
            await _end_access(tx, user_id)
            await tx.execute("DELETE FROM follows WHERE follower_id = ? OR followed_id = ?", (user_id, user_id))
            await tx.execute("DELETE FROM favorites WHERE user_id = ?", (user_id,))
            await tx.execute("DELETE FROM comment_reactions WHERE user_id = ?", (user_id,))
            await tx.execute("DELETE FROM account_tokens WHERE user_id = ?", (user_id,))
            # A name no one can register (the pattern has no "~") and an address no mail reaches.
            await tx.execute(
                "UPDATE users SET username = ?, email = ?, password_hash = '!', display_name = '', bio = '',"
                " bio_html = '', image = NULL, avatar = NULL, avatar_small = NULL, role = 'author',"
                " deleted_at = ? WHERE id = ?",
                (f"~deleted-{user_id}", f"deleted-{user_id}@invalid", now, user_id))

    async def update_profile(self, user_id: int, changes: dict[str, str | None]) -> User:
        """Changes some of username, email, bio, image, password_hash and the profile's own fields;
        uniqueness as at registration."""
        allowed = {"username", "email", "bio", "bio_html", "image", "password_hash", "display_name", "avatar",
                   "avatar_small"}
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


async def _one_account_change_at_a_time(tx: Transaction) -> None:
    """Deletions, suspensions and role changes wait for each other. Each reads other accounts
    before it writes (is another admin left? is the new author still there?): on PostgreSQL two
    at once would each read what the other is about to change (both admins leave), and two
    deletions giving their posts to each other would deadlock on the rows they both lock."""
    await tx.lock("account changes")


async def _keep_an_admin(tx: Transaction, user_id: int) -> None:
    """Raises LastAdmin unless another active admin exists besides `user_id`."""
    others = await tx.fetchvalue(
        f"SELECT COUNT(*) FROM users WHERE role = 'admin' AND id != ? AND {ACTIVE}", (user_id,))
    if not others:
        raise LastAdmin()


async def _end_access(tx: Transaction, user_id: int) -> None:
    """Every session and API token of the account ends."""
    await tx.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
    await tx.execute("DELETE FROM api_tokens WHERE user_id = ?", (user_id,))
