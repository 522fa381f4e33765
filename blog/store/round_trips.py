"""One round trip that every waiter of the moment shares: how a PostgreSQL process makes sure
it has heard of every change committed before a request came.

PostgreSQL tells each process of another's commit by a notification on its listening
connection, sent as the commit happens, but the process reads it in its own time: a reader
who saved on one server and reads on the next could get a page kept from before the save.
A query on that same connection is answered after the notifications queued ahead of it, and
their handlers run first. So once it is back, everything committed before it was sent has
been heard. One query serves every request that came before it was sent; a request that
comes while one is on its way waits for the next, since that one may have left before the
commit the request follows."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class SharedRoundTrip:
    def __init__(self, round_trip: Callable[[], Awaitable[None]]) -> None:
        self._round_trip = round_trip
        self._waiting: list[asyncio.Future[None]] = []  # came since the last one left
        self._sending: asyncio.Task[None] | None = None

    async def passed(self) -> None:
        """Returns once a round trip sent after this call has come back."""
        # A future each, not one shared: a waiter cancelled (its client gone) leaves the others be.
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        if self._sending is None:
            self._sending = asyncio.create_task(self._send())
        await waiter

    async def _send(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    await self._round_trip()
                finally:
                    _release(batch)
        finally:  # cancelled (a stop): nobody is left waiting for ever
            _release(self._waiting)
            self._waiting = []
            self._sending = None


def _release(waiting: list[asyncio.Future[None]]) -> None:
    for waiter in waiting:
        if not waiter.done():
            waiter.set_result(None)
