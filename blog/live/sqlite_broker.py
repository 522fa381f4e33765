"""Live events between the processes of one blog, through the database they share.

Publishing delivers to this process's readers at once and writes the event to the
live_events table, then marks a shared change stamp (store/changes.py). Every
process watches the stamp (8 bytes of shared memory, checked every 10 ms) and reads
the new events only when it moved, so a reader on another process hears a comment
within a few milliseconds and an idle blog costs no queries. Events are kept a minute.
Their ids are never reused (AUTOINCREMENT), so reading "after the last id I saw" stays
right however long the blog idles and however much is pruned meanwhile. A row's channel
is its topic's kind ("post", "member") or "control", and its post_id column the topic's id.

This is for several processes on one machine. Several machines need a broker on a
server they all reach (PostgreSQL LISTEN/NOTIFY, Redis pub/sub) behind the same interface."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from pathlib import Path
from typing import Any

from blog.live.broker import TOPIC_KINDS, ControlHandler, LocalBroker, Topic, encode
from blog.store.changes import ChangeStamp
from blog.store.live_events import LiveEvents

log = logging.getLogger(__name__)
POLL_INTERVAL = 0.01
EVENTS_PER_READ = 1000
PRUNE_INTERVAL = 30.0
KEEP_SECONDS = 60.0


class SqliteBroker(LocalBroker):
    def __init__(self, events: LiveEvents, stamp_path: Path, *, prune_interval: float = PRUNE_INTERVAL,
                 keep_seconds: float = KEEP_SECONDS) -> None:
        super().__init__()
        self.events = events
        self.stamp_path = stamp_path
        self.prune_interval = prune_interval
        self.keep_seconds = keep_seconds
        self.origin = secrets.token_hex(8)
        self._control_handlers: list[ControlHandler] = []
        self._stamp: ChangeStamp | None = None
        self._last_id = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def alone(self) -> bool:
        return False

    async def start(self) -> None:
        self._stamp = ChangeStamp(self.stamp_path)
        self._last_id = await self.events.last_id()
        self._task = asyncio.create_task(self._watch())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._stamp is not None:
            self._stamp.close()

    async def publish_to(self, topic: Topic, event: dict[str, Any]) -> None:
        message = encode(event)
        self.deliver(topic, message)
        await self._send(topic[0], topic[1], message)

    async def publish_control(self, event: dict[str, Any]) -> None:
        await self._send("control", None, encode(event))

    def on_control(self, handler: ControlHandler) -> None:
        self._control_handlers.append(handler)

    async def _send(self, channel: str, topic_id: int | None, message: str) -> None:
        await self.events.add(self.origin, channel, topic_id, message)
        assert self._stamp is not None, "broker not started"
        self._stamp.stamp()

    async def _watch(self) -> None:
        last_prune = time.monotonic()
        while True:
            await asyncio.sleep(POLL_INTERVAL)
            try:
                assert self._stamp is not None
                if self._stamp.changed_elsewhere():
                    await self._receive()
                if time.monotonic() - last_prune > self.prune_interval:
                    last_prune = time.monotonic()
                    await self.events.prune(self.keep_seconds)
            except Exception:  # a bad moment must not end live updates for good
                log.exception("reading live events failed")

    async def _receive(self) -> None:
        while True:
            events = await self.events.after(self._last_id)
            self._dispatch(events)
            if len(events) < EVENTS_PER_READ:
                return

    def _dispatch(self, events: list[tuple[int, str, str, int | None, str]]) -> None:
        for event_id, origin, channel, topic_id, message in events:
            self._last_id = event_id
            if origin == self.origin:
                continue
            if channel in TOPIC_KINDS and topic_id is not None:
                self.deliver((channel, topic_id), message)
            elif channel == "control":
                event = json.loads(message)
                for handler in self._control_handlers:
                    handler(event)
