"""The key that encrypts session cookies: from BLOG_SECRET_KEY; else made once and kept, so
that a restart logs nobody out: in the data folder (mode 0600) beside an SQLite database, or
in the PostgreSQL database, which every app server shares (each must read every cookie)."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.fernet import Fernet

from blog.config import Config
from blog.store import Store

SECRET_FILE = "secret_key"


def fernet_key(secret: str) -> bytes:
    """A Fernet key as given, or one derived from any other secret string."""
    try:
        Fernet(secret.encode())
        return secret.encode()
    except ValueError:
        return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


def load_or_create(data_dir: Path) -> bytes:
    """The kept key, or a new one. The new key is written whole to a temporary file and
    linked into place, so a process starting at the same moment never reads half a key."""
    path = data_dir / SECRET_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        temporary = data_dir / f".{SECRET_FILE}.{os.getpid()}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(Fernet.generate_key() + b"\n")
        try:
            os.link(temporary, path)  # fails if another process got there first: theirs wins
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return fernet_key(path.read_text().strip())


async def session_key(config: Config, store: Store) -> bytes:
    """The key this blog's cookies are encrypted with (the store must be open)."""
    if config.secret_key:
        return fernet_key(config.secret_key)
    if store.db.engine == "sqlite":
        return load_or_create(config.data_dir)
    return fernet_key(await store.secrets.kept("session_key", lambda: Fernet.generate_key().decode()))


class SessionKey(Fernet):
    """A Fernet whose key arrives once the store is open (it may live in the database),
    after the cookie storage that uses it was made."""

    def __init__(self) -> None:
        super().__init__(Fernet.generate_key())
        self._key: Fernet | None = None
        self._raw = b""
        self._derived: dict[bytes, bytes] = {}

    def use(self, key: bytes) -> None:
        self._raw = key
        self._key = Fernet(key)

    def derived(self, purpose: bytes) -> bytes:
        """A key of its own for another use of the same secret (device cookies, form stamps)."""
        self._ready()
        derived = self._derived.get(purpose)
        if derived is None:
            derived = self._derived[purpose] = hashlib.sha256(purpose + b"\0" + self._raw).digest()
        return derived

    def _ready(self) -> Fernet:
        if self._key is None:
            raise RuntimeError("the session key is not loaded yet")
        return self._key

    def encrypt(self, data: bytes) -> bytes:
        return self._ready().encrypt(data)

    def decrypt(self, token: bytes | str, ttl: int | None = None) -> bytes:
        return self._ready().decrypt(token, ttl)
