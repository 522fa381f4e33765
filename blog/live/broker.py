"""Fan-out of live events: publish an event for a post; subscribe to a post.

Views only see this interface. LocalBroker serves one process; an implementation
on PostgreSQL LISTEN/NOTIFY or Redis pub/sub can serve several processes by
carrying the same already-encoded messages, without touching the views."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections import defaultdict
from typing import Any, Protocol


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

    async def close(self) -> None:
        """Releases connections to an outside server, where there is one."""


class LocalBroker(Broker):
    """In-process fan-out: publishing hands the message to every subscriber at once."""

    def __init__(self) -> None:
        self._subscribers: defaultdict[int, set[Subscriber]] = defaultdict(set)

    async def publish(self, post_id: int, event: dict[str, Any]) -> None:
        message = encode(event)
        for subscriber in list(self._subscribers.get(post_id, ())):
            subscriber.deliver(message)

    def subscribe(self, post_id: int, subscriber: Subscriber) -> None:
        self._subscribers[post_id].add(subscriber)

    def unsubscribe(self, post_id: int, subscriber: Subscriber) -> None:
        subscribers = self._subscribers.get(post_id)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self._subscribers[post_id]
