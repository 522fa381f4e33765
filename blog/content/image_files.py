"""The folder of stored image files: content-addressed, written atomically, and swept of
orphans only under a lock that every process of the blog takes (see ImageFiles)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["ImageFiles"]

_NAME = re.compile(r"[0-9a-f]{64}\.(?:jpg|png|gif|webp)")
_TEMP_PREFIX = ".upload-"
_TEMP_SUFFIX = ".tmp"
_TEMP_MAX_AGE = 3600.0


class ImageFiles:
    """Content-addressed image files in one directory.

    Names are the SHA-256 of the bytes, so identical uploads share a file,
    names cannot be guessed from anything else, and a name can never point
    outside the directory.

    No request ever deletes a file: identical uploads share one, and a request
    deleting "its" file raced with another about to commit a row naming the
    same file. Only remove_orphans deletes, and only files that no row names
    and that nobody has saved for a grace period. Saving a file refreshes its
    age, or writes it again when it has just been removed, under a lock that
    remove_orphans holds while it looks and deletes (an flock on a file in the
    directory's side, so the processes of `serve --workers N` and the `cleanup`
    command exclude each other too). Hence a file saved for a row is there,
    and young, when that row commits, however the two interleave.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def save(self, data: bytes, extension: str) -> str:
        """Store ``data`` and return its name; storing the same bytes is a no-op.

        The bytes go to a temporary file in the same directory that is then
        renamed over the final name, so a reader never sees a partial file.
        """
        name = f"{hashlib.sha256(data).hexdigest()}.{extension}"
        target = self.path(name)
        self.root.mkdir(parents=True, exist_ok=True)
        with self._locked():
            if _refreshed(target):  # young again, so remove_orphans spares it for the grace period
                return name
        temp_name = self._write_temporary(data)  # the slow part (fsync), outside the lock
        with self._locked():
            os.replace(temp_name, target)
        return name

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Excludes remove_orphans, in this process and in every other one."""
        # Beside the directory, not in it: the directory holds images and nothing else.
        with open(self.root.with_name(self.root.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield  # closing the file releases the lock

    def _write_temporary(self, data: bytes) -> str:
        """Write to a sibling temporary file and fsync it; return its name."""
        fd, temp_name = tempfile.mkstemp(
            dir=self.root, prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX
        )
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            # mkstemp makes 0600; images are public, and a front-end web
            # server running as another user may need to read them.
            os.chmod(temp_name, 0o644)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return temp_name

    def path(self, name: str) -> Path:
        """Return the file path for ``name``, refusing anything not ours.

        The strict pattern is the defence against path traversal (``../x``)
        and against serving files we did not write (``a.svg``).
        """
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValueError(f"not a stored image name: {name!r}")
        return self.root / name

    def names(self) -> set[str]:
        """Names of all stored images (temporary and foreign files excluded)."""
        return {entry.name for entry in self._entries() if _NAME.fullmatch(entry.name)}

    def remove_orphans(
        self, referenced: set[str], *, min_age: float = 0.0
    ) -> list[str]:
        """Delete stored images not in ``referenced``; return what was deleted.

        Also deletes temporary files left by a crash once they are an hour
        old (younger ones may be uploads in progress); their names are part
        of the result. An upload stores its file before the row that
        references it is committed, so a sweep running beside uploads must
        pass ``min_age`` (the grace period, in seconds) to spare files that
        new. Ages are read and files deleted under the lock that save takes.
        """
        removed: list[str] = []
        if not self.root.is_dir():
            return removed
        with self._locked():
            now = time.time()
            for entry in self._entries():
                if self._is_orphan(entry, referenced, now, min_age):
                    Path(entry.path).unlink(missing_ok=True)
                    removed.append(entry.name)
        return sorted(removed)

    @staticmethod
    def _is_orphan(
        entry: os.DirEntry[str], referenced: set[str], now: float, min_age: float
    ) -> bool:
        """Whether ``entry`` is an unreferenced image or a stale temp file."""
        if _NAME.fullmatch(entry.name):
            return entry.name not in referenced and _age(entry, now) >= min_age
        is_temp = entry.name.startswith(_TEMP_PREFIX) and entry.name.endswith(_TEMP_SUFFIX)
        return is_temp and _age(entry, now) >= _TEMP_MAX_AGE

    def _entries(self) -> list[os.DirEntry[str]]:
        """Regular files in the directory; none if it does not exist yet."""
        try:
            with os.scandir(self.root) as entries:
                return [entry for entry in entries if entry.is_file(follow_symlinks=False)]
        except FileNotFoundError:
            return []


def _refreshed(path: Path) -> bool:
    """Marks an existing file as just saved; False when there is no such file."""
    try:
        os.utime(path)
    except FileNotFoundError:
        return False
    return True


def _age(entry: os.DirEntry[str], now: float) -> float:
    """Seconds since ``entry`` was last modified (0 if it vanished meanwhile)."""
    try:
        return now - entry.stat(follow_symlinks=False).st_mtime
    except FileNotFoundError:
        return 0.0
