"""Rooms of live readers, one per post: who is reading, and every open socket for shutdown."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict

from aiohttp import WSCloseCode, web

from blog.live.broker import Broker, encode

log = logging.getLogger(__name__)

# Usernames go only to logged-in readers. Anonymous readers hear how many read and that
# someone types, never who: the page shows them no names, so their sockets carry none.
TYPING_PREFIX = '{"kind":"typing"'
ANONYMOUS_TYPING = encode({"kind": "typing"})


def typing_event(username: str) -> dict[str, object]:
    """The event of a reader typing; `kind` comes first so Reader.deliver recognises it unparsed."""
    return {"kind": "typing", "username": username}


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
        if self.username is None and message.startswith(TYPING_PREFIX):
            message = ANONYMOUS_TYPING
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
    """Readers per post in this process, and presence: how many read, and which users,
    added up over every process (each tells the others its own part).

    Presence is announced to a room at most every PRESENCE_INTERVAL seconds: when a
    thousand readers arrive at once, each hears a few summaries, not a thousand
    announcements each (which is a million messages). A newcomer hears it at once."""

    PRESENCE_INTERVAL = 0.25
    PART_REFRESH = 30.0  # each process repeats its parts this often ...
    PART_TTL = 75.0  # ... so a part not heard of for this long belongs to a process that died

    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self._readers: defaultdict[int, set[Reader]] = defaultdict(set)
        self._others: defaultdict[int, dict[str, tuple[float, int, list[str]]]] = defaultdict(dict)
        self._announcing: dict[int, asyncio.TimerHandle] = {}
        self._changed_here: set[int] = set()
        self._refresher: asyncio.Task[None] | None = None
        self._telling: set[asyncio.Task[None]] = set()
        # Set by close_all: from then on nothing is announced or told, so nothing can reach
        # the broker after it closes (it closes after the rooms, in the app's cleanup).
        self._closed = False
        broker.on_control(self._heard)

    def presence(self, post_id: int) -> dict[str, object]:
        count, names = self._local_part(post_id)
        now = time.monotonic()
        for origin, (heard_at, their_count, their_names) in list(self._others.get(post_id, {}).items()):
            if now - heard_at > self.PART_TTL:
                del self._others[post_id][origin]
                continue
            count += their_count
            names = names | set(their_names)
        return {"kind": "presence", "count": count, "usernames": sorted(names)}

    def _local_part(self, post_id: int) -> tuple[int, set[str]]:
        readers = self._readers.get(post_id, set())
        return len(readers), {reader.username for reader in readers if reader.username}

    def _presence_messages(self, post_id: int) -> tuple[str, str]:
        """Presence encoded for logged-in readers (with names) and for anonymous ones (without)."""
        presence = self.presence(post_id)
        return encode(presence), encode({"kind": "presence", "count": presence["count"]})

    @staticmethod
    def _deliver_presence(reader: Reader, messages: tuple[str, str]) -> None:
        named, anonymous = messages
        reader.deliver(named if reader.username else anonymous)

    async def join(self, reader: Reader) -> None:
        self._readers[reader.post_id].add(reader)
        self.broker.subscribe(reader.post_id, reader)
        self._deliver_presence(reader, self._presence_messages(reader.post_id))
        self._announce_soon(reader.post_id, changed_here=True)

    async def leave(self, reader: Reader) -> None:
        readers = self._readers.get(reader.post_id)
        if readers is None or reader not in readers:
            return
        readers.discard(reader)
        self.broker.unsubscribe(reader.post_id, reader)
        if not readers:
            del self._readers[reader.post_id]
        self._announce_soon(reader.post_id, changed_here=True)

    def _heard(self, event: dict[str, object]) -> None:
        """Another process's part of a room's presence."""
        if event.get("type") != "presence":
            return
        post_id, origin, count, names = event.get("post_id"), event.get("origin"), event.get("count"), \
            event.get("usernames")
        if not (isinstance(post_id, int) and isinstance(origin, str) and isinstance(count, int)
                and isinstance(names, list)):
            log.warning("ignoring a malformed presence event from another process")
            return
        newcomer = origin not in self._others[post_id]
        self._others[post_id][origin] = (time.monotonic(), count, [str(name) for name in names])
        if post_id in self._readers:
            # A process we had not heard from about this room has not heard our part either.
            self._announce_soon(post_id, changed_here=newcomer)

    def _announce_soon(self, post_id: int, *, changed_here: bool) -> None:
        if self._closed:
            return
        if changed_here:
            self._changed_here.add(post_id)
        if post_id not in self._announcing:
            loop = asyncio.get_running_loop()
            self._announcing[post_id] = loop.call_later(self.PRESENCE_INTERVAL, self._announce, post_id)

    def _announce(self, post_id: int) -> None:
        del self._announcing[post_id]
        messages = self._presence_messages(post_id)
        for reader in list(self._readers.get(post_id, ())):
            self._deliver_presence(reader, messages)
        if post_id in self._changed_here:
            self._changed_here.discard(post_id)
            task = asyncio.create_task(self._tell_others(post_id))
            self._telling.add(task)
            task.add_done_callback(self._told)

    def _told(self, task: asyncio.Task[None]) -> None:
        self._telling.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("telling the other processes about post presence failed", exc_info=task.exception())

    async def _tell_others(self, post_id: int) -> None:
        if self.broker.alone:
            return
        count, names = self._local_part(post_id)
        origin = getattr(self.broker, "origin", "")
        await self.broker.publish_control(
            {"type": "presence", "origin": origin, "post_id": post_id, "count": count, "usernames": sorted(names)})

    async def start(self) -> None:
        if not self.broker.alone:
            self._refresher = asyncio.create_task(self._refresh_parts())

    async def _refresh_parts(self) -> None:
        while True:
            await asyncio.sleep(self.PART_REFRESH)
            for post_id in list(self._readers):
                await self._tell_others(post_id)

    async def close_all(self) -> None:
        """on_shutdown: every client hears 1001 (going away) and reconnects to the next server.

        Announcing stops first: readers leaving while their sockets close must not schedule
        anything that would run after the broker has closed."""
        self._closed = True
        if self._refresher is not None:
            self._refresher.cancel()
        for handle in self._announcing.values():
            handle.cancel()
        self._announcing.clear()
        if self._telling:
            await asyncio.gather(*self._telling, return_exceptions=True)
        sockets = [reader.ws for readers in self._readers.values() for reader in readers]
        await asyncio.gather(
            *(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down") for ws in sockets),
            return_exceptions=True,
        )
        for post_id in list(self._readers):  # tell the others these readers are gone
            self._readers.pop(post_id, None)
            await self._tell_others(post_id)
