"""The key that encrypts session cookies: from BLOG_SECRET_KEY, or made once and kept
in the data folder (mode 0600) so that a restart logs nobody out."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.fernet import Fernet

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


def session_key(secret_key: str | None, data_dir: Path) -> bytes:
    """The site's one secret as Fernet takes it (BLOG_SECRET_KEY's, or the one kept in the
    data folder); other keys are derived from it."""
    return fernet_key(secret_key) if secret_key else load_or_create(data_dir)


def session_fernet(secret_key: str | None, data_dir: Path) -> Fernet:
    return Fernet(session_key(secret_key, data_dir))
