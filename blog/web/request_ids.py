"""Request ids: logged with each request and shown on error pages."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator


class RequestIds(Iterator[str]):
    """Unique ids from a random prefix per process and a counter: no system call per request."""

    def __init__(self) -> None:
        self._prefix = secrets.token_hex(4)
        self._count = itertools.count(1)

    def __iter__(self) -> "RequestIds":
        return self

    def __next__(self) -> str:
        return f"{self._prefix}{next(self._count):08x}"
