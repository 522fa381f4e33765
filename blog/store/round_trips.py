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
        self._next: asyncio.Future[None] | None = None  # for those who came since the last one left
        self._sending: asyncio.Task[None] | None = None

    async def passed(self) -> None:
        """Returns once a round trip sent after this call has come back."""
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            if self._sending is None:
                self._sending = asyncio.create_task(self._send())
        await asyncio.shield(self._next)

    async def _send(self) -> None:
        try:
            while (waiting := self._next) is not None:
                self._next = None
                try:
                    await self._round_trip()
                finally:
                    _release(waiting)
        finally:  # cancelled (a stop): nobody is left waiting for ever
            if self._next is not None:
                _release(self._next)
                self._next = None
            self._sending = None


def _release(waiting: asyncio.Future[None]) -> None:
    if not waiting.done():
        waiting.set_result(None)
