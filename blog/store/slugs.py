"""A post's address: a slug made from its title, unique among all posts."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import TypeVar

from slugify import slugify

from blog.store.db import Transaction, UniqueViolation

SLUG_MAX_LENGTH = 80
SLUG_ATTEMPTS = 3
T = TypeVar("T")


async def retrying_slug(write: Callable[[bool], Awaitable[T]]) -> T:
    """`write` again when another writer took the slug it chose between its look and its save
    (the unique index is the judge; on PostgreSQL two transactions can both see it free).
    The last try is told the title is crowded, and takes a random suffix."""
    for attempt in range(SLUG_ATTEMPTS):
        try:
            return await write(attempt == SLUG_ATTEMPTS - 1)
        except UniqueViolation as exc:
            if "slug" not in exc.constraint or attempt == SLUG_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


async def unique_slug(tx: Transaction, title: str, post_id: int | None, base: str | None = None,
                       crowded: bool = False) -> str:
    base = base or slugify(title, max_length=SLUG_MAX_LENGTH, word_boundary=True) or "post"
    if crowded:
        return f"{base}-{secrets.token_hex(3)}"
    for candidate in [base, *(f"{base}-{n}" for n in range(2, 6))]:
        taken = await tx.fetchvalue("SELECT id FROM posts WHERE slug = ?", (candidate,))
        if taken is None or taken == post_id:
            return candidate
    return f"{base}-{secrets.token_hex(3)}"
