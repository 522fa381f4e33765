"""Password hashing (argon2id, off the event loop) and the rules a new password must meet."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from blog.ops.memory import give_back_free_memory

T = TypeVar("T")
MIN_LENGTH = 8
# argon2 would happily hash a megabyte; nobody's password is that long.
MAX_LENGTH = 1024
_COMMON = frozenset(FREQUENCY_LISTS["passwords"])
# argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 30 ms of one
# core here. The library's default (64 MiB, 3 passes) cost 140 ms and 64 MiB per login in
# flight, which a small machine serving many readers pays for in latency and memory.
# Hashes made with other parameters are upgraded at the next login (needs_rehash).
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified when the account does not exist, so both answers take the same time.
_DUMMY_HASH = _HASHER.hash("not a real password, only for timing")


def password_problem(password: str, username: str) -> str | None:
    """Why a new password is refused, as a sentence, or None when it is fine."""
    if password and not password.strip():
        return "A password of only spaces is too easy to guess; use letters, digits or other characters too."
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.lower() in _COMMON:
        return "This password is one of the most common ones; choose another."
    if username and password.lower() == username.lower():
        return "The password must not be your username."
    return None


def hash_blocking(password: str) -> str:
    """For the command line, where no event loop waits on us."""
    return _HASHER.hash(password)


class Passwords:
    """Hashes and checks passwords in a bounded thread pool (argon2 releases the GIL)."""

    def __init__(self, executor: ThreadPoolExecutor) -> None:
        self.executor = executor

    async def _run(self, func: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, func, *args)

    async def hash(self, password: str) -> str:
        return await self._run(_hash_and_give_back, password)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """True when the password matches; a missing account still costs one verification."""
        return await self._run(_verify, stored_hash or _DUMMY_HASH, password) and stored_hash is not None

    @staticmethod
    def needs_rehash(stored_hash: str) -> bool:
        return _HASHER.check_needs_rehash(stored_hash)


def _hash_and_give_back(password: str) -> str:
    try:
        return _HASHER.hash(password)
    finally:
        give_back_free_memory()  # argon2's 19 MiB buffer, which glibc would otherwise keep


def _verify(stored_hash: str, password: str) -> bool:
    if len(password) > MAX_LENGTH:  # could never have been set; refuse without hashing a megabyte
        return False
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    finally:
        give_back_free_memory()
