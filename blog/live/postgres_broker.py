"""Live events between every process of every server, through PostgreSQL's LISTEN/NOTIFY.

A published event is delivered to this process's readers at once and sent as a
notification that every other process hears (each process listens on one connection,
which the store keeps). A notification carries at most 8,000 bytes, so a long message
(a comment's HTML can be longer) is stored in live_messages and only its id is sent;
listeners read it from there. Those rows are deleted after a minute."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from blog.live.broker import TOPIC_KINDS, ControlHandler, LocalBroker, Topic, encode
from blog.store.live_messages import LiveMessages
from blog.store.postgres import PostgresDatabase

log = logging.getLogger(__name__)
CHANNEL = "blog_live"
INLINE_LIMIT = 7000  # bytes of payload sent in the notification itself
PRUNE_INTERVAL = 30.0


class PostgresBroker(LocalBroker):
    def __init__(self, db: PostgresDatabase, messages: LiveMessages) -> None:
        super().__init__()
        self.db = db
        self.messages = messages
        self.origin = db.origin
        self._control_handlers: list[ControlHandler] = []
        self._last_prune = time.monotonic()

    @property
    def alone(self) -> bool:
        return False

    async def start(self) -> None:
        await self.db.listen(CHANNEL, self._heard)

    async def publish_to(self, topic: Topic, event: dict[str, Any]) -> None:
        message = encode(event)
        self.deliver(topic, message)
        await self._send({"topic": [topic[0], topic[1]]}, message)

    async def publish_control(self, event: dict[str, Any]) -> None:
        await self._send({"control": True}, encode(event))

    def on_control(self, handler: ControlHandler) -> None:
        self._control_handlers.append(handler)

    async def _send(self, envelope: dict[str, Any], message: str) -> None:
        envelope["origin"] = self.origin
        if len(message.encode()) <= INLINE_LIMIT:
            envelope["message"] = message
        else:
            envelope["ref"] = await self.messages.add(message)
        await self.db.notify(CHANNEL, json.dumps(envelope, separators=(",", ":"), ensure_ascii=False))
        if time.monotonic() - self._last_prune > PRUNE_INTERVAL:
            self._last_prune = time.monotonic()
            await self.messages.prune()

    def _heard(self, payload: str) -> None:
        try:
            envelope = json.loads(payload)
        except ValueError:
            log.warning("ignoring a live notification that is not JSON")
            return
        if not isinstance(envelope, dict) or envelope.get("origin") == self.origin:
            return
        if "ref" in envelope:
            asyncio.ensure_future(self._fetch_and_dispatch(envelope))
        else:
            self._dispatch(envelope, str(envelope.get("message", "")))

    async def _fetch_and_dispatch(self, envelope: dict[str, Any]) -> None:
        message = await self.messages.get(int(envelope["ref"]))
        if message is not None:
            self._dispatch(envelope, message)

    def _dispatch(self, envelope: dict[str, Any], message: str) -> None:
        topic = envelope.get("topic")
        if isinstance(topic, list) and len(topic) == 2 and topic[0] in TOPIC_KINDS and isinstance(topic[1], int):
            self.deliver((topic[0], topic[1]), message)
        elif envelope.get("control"):
            event = json.loads(message)
            for handler in self._control_handlers:
                handler(event)
