"""Fan-out of live events by topic: a post's room ("post", id) or a member's own
channel ("member", id: their messages, typing, "seen", notifications); publish an
event to a topic, subscribe to one.

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
# ("post", post id) or ("member", user id): the kinds of topic every broker carries.
Topic = tuple[str, int]
TOPIC_KINDS = ("post", "member")


def post_topic(post_id: int) -> Topic:
    return ("post", post_id)


def member_topic(user_id: int) -> Topic:
    return ("member", user_id)


class Subscriber(Protocol):
    def deliver(self, message: str) -> None:
        """Takes one encoded message; must never block or await (a slow reader queues or drops)."""


def encode(event: dict[str, Any]) -> str:
    """Encoded once per event, however many readers receive it."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


def decode(data: str) -> dict[str, Any] | None:
    """A socket message sent by a browser, or None unless it is a JSON object."""
    try:
        event = json.loads(data)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        return None
    return event if isinstance(event, dict) else None


def send_error(subscriber: Subscriber, message: str) -> None:
    subscriber.deliver(encode({"kind": "error", "message": message}))


class Broker(ABC):
    @abstractmethod
    async def publish_to(self, topic: Topic, event: dict[str, Any]) -> None: ...

    @abstractmethod
    def subscribe_to(self, topic: Topic, subscriber: Subscriber) -> None: ...

    @abstractmethod
    def unsubscribe_from(self, topic: Topic, subscriber: Subscriber) -> None: ...

    # A post's room, as the comment rooms have always said it.
    async def publish(self, post_id: int, event: dict[str, Any]) -> None:
        await self.publish_to(post_topic(post_id), event)

    def subscribe(self, post_id: int, subscriber: Subscriber) -> None:
        self.subscribe_to(post_topic(post_id), subscriber)

    def unsubscribe(self, post_id: int, subscriber: Subscriber) -> None:
        self.unsubscribe_from(post_topic(post_id), subscriber)

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
        self._subscribers: defaultdict[Topic, set[Subscriber]] = defaultdict(set)

    async def publish_to(self, topic: Topic, event: dict[str, Any]) -> None:
        self.deliver(topic, encode(event))

    def deliver(self, topic: Topic, message: str) -> None:
        """Hands an encoded message to this process's subscribers of the topic."""
        for subscriber in list(self._subscribers.get(topic, ())):
            subscriber.deliver(message)

    async def publish_control(self, event: dict[str, Any]) -> None:
        pass  # nobody else to tell

    def on_control(self, handler: ControlHandler) -> None:
        pass

    @property
    def alone(self) -> bool:
        return True

    def subscribe_to(self, topic: Topic, subscriber: Subscriber) -> None:
        self._subscribers[topic].add(subscriber)

    def unsubscribe_from(self, topic: Topic, subscriber: Subscriber) -> None:
        subscribers = self._subscribers.get(topic)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self._subscribers[topic]
