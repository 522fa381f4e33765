"""Member sockets: one WebSocket per signed-in browser tab, for everything live that concerns
the member (messages, typing, "seen", notifications), subscribed to the member's own topic.

On (re)connecting, a tab asks for what came after the last message and notification it has.
Live events that arrive while that catch-up is read from the database are held back, then
released without the ones the catch-up already sent: nothing is missed, nothing comes twice."""

from __future__ import annotations

import asyncio
import json
import logging

from aiohttp import WSCloseCode, web

from blog.live.broker import Broker, member_topic

log = logging.getLogger(__name__)
RESUMABLE = ("message", "notification")  # kinds with ids a catch-up can send again


class MemberSocket:
    """One tab's socket. Messages wait in a bounded queue; a tab that falls that far behind
    is dropped (it reconnects and catches up) so it never holds up the others."""

    def __init__(self, ws: web.WebSocketResponse, user_id: int, username: str, queue_size: int) -> None:
        self.ws = ws
        self.user_id = user_id
        self.username = username
        self.queue: asyncio.Queue[str] = asyncio.Queue(queue_size)
        self.overflowed = asyncio.Event()
        self._held: list[str] | None = None

    def deliver(self, message: str) -> None:
        if self._held is not None:
            self._held.append(message)
        else:
            self._put(message)

    def _put(self, message: str) -> None:
        if self.overflowed.is_set():
            return
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            log.info("dropping a slow member socket of user %d", self.user_id)
            self.overflowed.set()

    def hold(self) -> None:
        """From now until release(), live events wait (a catch-up is being read)."""
        self._held = []

    def release(self, caught_up: list[str], sent: set[tuple[str, int]]) -> None:
        """Sends the catch-up, then the held live events it did not already contain."""
        held, self._held = self._held or [], None
        for message in caught_up:
            self._put(message)
        for message in held:
            if _identity(message) not in sent:
                self._put(message)

    async def send_queued(self) -> None:
        while True:
            await self.ws.send_str(await self.queue.get())


def _identity(message: str) -> tuple[str, int] | None:
    """(kind, id) of a resumable event, None for the others (typing, seen, counts)."""
    if not message.startswith(('{"kind":"message"', '{"kind":"notification"')):
        return None
    event = json.loads(message)
    return (str(event["kind"]), int(event["id"])) if event.get("kind") in RESUMABLE else None


class Members:
    """This process's member sockets: subscribed to their member's topic, closed at shutdown."""

    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self._sockets: set[MemberSocket] = set()

    def join(self, socket: MemberSocket) -> None:
        self._sockets.add(socket)
        self.broker.subscribe_to(member_topic(socket.user_id), socket)

    def leave(self, socket: MemberSocket) -> None:
        if socket in self._sockets:
            self._sockets.discard(socket)
            self.broker.unsubscribe_from(member_topic(socket.user_id), socket)

    def __len__(self) -> int:
        return len(self._sockets)

    async def close_all(self) -> None:
        """on_shutdown: every tab hears 1001 (going away) and reconnects to the next server."""
        await asyncio.gather(*(socket.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")
                               for socket in list(self._sockets)), return_exceptions=True)
