"""Fan-out of live events: publish an event for a post; subscribe to a post.

Views only see this interface. LocalBroker serves one process; SqliteBroker
(live/sqlite_broker.py) serves the processes of `serve --workers N` through the
database they share; one on PostgreSQL LISTEN/NOTIFY or Redis pub/sub can serve
several machines the same way, carrying the same already-encoded messages.

Besides readers' events there are control events, from process to process (the
rooms use them to add up presence); a single process has nobody to tell."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol

ControlHandler = Callable[[dict[str, Any]], None]


class Subscriber(Protocol):
    def deliver(self, message: str) -> None:
        """Takes one encoded message; must never block or await (a slow reader queues or drops)."""


def encode(event: dict[str, Any]) -> str:
    """Encoded once per event, however many readers receive it."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


class Broker(ABC):
    @abstractmethod
    async def publish(self, post_id: int, event: dict[str, Any]) -> None: ...

    @abstractmethod
    def subscribe(self, post_id: int, subscriber: Subscriber) -> None: ...

    @abstractmethod
    def unsubscribe(self, post_id: int, subscriber: Subscriber) -> None: ...

    @abstractmethod
    async def publish_control(self, event: dict[str, Any]) -> None:
        """Tells the other processes (never this one)."""

    @abstractmethod
    def on_control(self, handler: ControlHandler) -> None: ...

    @property
    def alone(self) -> bool:
        """True when no other process can be listening."""
        return False

    async def start(self) -> None:
        """Connects to whatever carries events between processes, where there is something."""

    async def close(self) -> None:
        """Releases what start took."""


class LocalBroker(Broker):
    """In-process fan-out: publishing hands the message to every subscriber at once."""

    def __init__(self) -> None:
        self._subscribers: defaultdict[int, set[Subscriber]] = defaultdict(set)

    async def publish(self, post_id: int, event: dict[str, Any]) -> None:
        self.deliver(post_id, encode(event))

    def deliver(self, post_id: int, message: str) -> None:
        """Hands an encoded message to this process's subscribers of the post."""
        for subscriber in list(self._subscribers.get(post_id, ())):
            subscriber.deliver(message)

    async def publish_control(self, event: dict[str, Any]) -> None:
        pass  # nobody else to tell

    def on_control(self, handler: ControlHandler) -> None:
        pass

    @property
    def alone(self) -> bool:
        return True

    def subscribe(self, post_id: int, subscriber: Subscriber) -> None:
        self._subscribers[post_id].add(subscriber)

    def unsubscribe(self, post_id: int, subscriber: Subscriber) -> None:
        subscribers = self._subscribers.get(post_id)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self._subscribers[post_id]
