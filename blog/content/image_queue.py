"""Image decoding, bounded: one decode at a time, a few more waiting, the rest refused.

A picture at the pixel limit costs about 100 MiB while it is decoded (content/images.py
keeps it to the decode itself); several at once would take the memory a small server
has. Uploads are rare (writers, not readers), so they take turns; a crowd of them gets a
clear "try again" at the image field, with the rest of the form kept, instead of waiting
in an unbounded queue while each holds its upload in memory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from blog.content.images import ImageRejected

BUSY = "Too many images are being processed right now. Try again in a minute."


class ImageQueue:
    def __init__(self, decoding: int = 1, waiting: int = 8) -> None:
        self._turns = asyncio.Semaphore(decoding)
        self._most = decoding + waiting
        self._holding = 0  # decoding or waiting to

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Waits for a turn to decode; ImageRejected when too many are decoding or waiting already."""
        if self._holding >= self._most:
            raise ImageRejected(BUSY)
        self._holding += 1
        try:
            async with self._turns:
                yield
        finally:
            self._holding -= 1
