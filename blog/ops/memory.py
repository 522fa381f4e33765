"""Keeping the server's memory small on glibc.

argon2 needs a 19 MiB buffer per login. glibc serves such a request with mmap and
returns it on free, but after the first free it raises its mmap threshold and keeps
later buffers in the thread's heap, which it seldom gives back: two hashing threads
left ~40 MiB behind after a burst of logins. Fixing the threshold keeps big buffers
in mmap, and capping the arenas keeps every thread from growing a heap of its own."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD = 1024 * 1024
ARENA_MAX = 2


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


_LIBC = _libc()


def give_back_free_memory() -> None:
    """Returns freed heap memory to the system (glibc's malloc_trim); a no-op elsewhere."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


def tune_allocator() -> None:
    mallopt = getattr(_LIBC, "mallopt", None)
    if mallopt is None:  # not glibc: nothing to tune
        return
    if not mallopt(M_ARENA_MAX, ARENA_MAX):
        log.debug("mallopt refused; memory is left as the allocator sees fit")
