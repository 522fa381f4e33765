"""Rooms of live readers, one per post: who is reading, and every open socket for shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict

from aiohttp import WSCloseCode, web

from .broker import Broker, encode

log = logging.getLogger(__name__)


class Reader:
    """One WebSocket connection reading one post.

    Messages wait in a bounded queue; a reader that falls that far behind is
    dropped (it reconnects and catches up) so it never holds up the others."""

    def __init__(self, ws: web.WebSocketResponse, post_id: int, username: str | None, queue_size: int) -> None:
        self.ws = ws
        self.post_id = post_id
        self.username = username
        self.queue: asyncio.Queue[str] = asyncio.Queue(queue_size)
        self.overflowed = asyncio.Event()

    def deliver(self, message: str) -> None:
        if self.overflowed.is_set():
            return
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            log.info("dropping a slow live reader of post %d", self.post_id)
            self.overflowed.set()

    async def send_queued(self) -> None:
        """Runs beside the receive loop: sends what the queue holds, in order."""
        while True:
            message = await self.queue.get()
            await self.ws.send_str(message)


class Rooms:
    """Readers per post in this process, and presence: how many read, and which users.

    Presence is announced to a room at most every PRESENCE_INTERVAL seconds: when a
    thousand readers arrive at once, each hears a few summaries, not a thousand
    announcements each (which is a million messages). A newcomer hears it at once."""

    PRESENCE_INTERVAL = 0.25

    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self._readers: defaultdict[int, set[Reader]] = defaultdict(set)
        self._announcing: dict[int, asyncio.TimerHandle] = {}

    def presence(self, post_id: int) -> dict[str, object]:
        readers = self._readers.get(post_id, set())
        names = Counter(reader.username for reader in readers if reader.username)
        return {"kind": "presence", "count": len(readers), "usernames": sorted(names)}

    async def join(self, reader: Reader) -> None:
        self._readers[reader.post_id].add(reader)
        self.broker.subscribe(reader.post_id, reader)
        reader.deliver(encode(self.presence(reader.post_id)))
        self._announce_soon(reader.post_id)

    async def leave(self, reader: Reader) -> None:
        readers = self._readers.get(reader.post_id)
        if readers is None or reader not in readers:
            return
        readers.discard(reader)
        self.broker.unsubscribe(reader.post_id, reader)
        if not readers:
            del self._readers[reader.post_id]
        self._announce_soon(reader.post_id)

    def _announce_soon(self, post_id: int) -> None:
        if post_id not in self._announcing:
            loop = asyncio.get_running_loop()
            self._announcing[post_id] = loop.call_later(self.PRESENCE_INTERVAL, self._announce, post_id)

    def _announce(self, post_id: int) -> None:
        del self._announcing[post_id]
        if post_id in self._readers:
            asyncio.ensure_future(self.broker.publish(post_id, self.presence(post_id)))

    async def close_all(self) -> None:
        """on_shutdown: every client hears 1001 (going away) and reconnects to the next server."""
        for handle in self._announcing.values():
            handle.cancel()
        self._announcing.clear()
        sockets = [reader.ws for readers in self._readers.values() for reader in readers]
        await asyncio.gather(
            *(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down") for ws in sockets),
            return_exceptions=True,
        )
