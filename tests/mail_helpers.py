"""A real SMTP server for tests (aiosmtpd's Controller, in a thread, on a free port) that keeps
what it receives, and can refuse the first deliveries to exercise retries."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MailCatcher:
    """The SMTP server's handler: every accepted message, parsed, in arrival order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse_next = 0  # answer this many deliveries with a temporary failure (451)
        self.refused = 0
        self._arrived = threading.Condition()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's API)
        if self.refuse_next:
            self.refuse_next -= 1
            self.refused += 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 15.0) -> list[EmailMessage]:
        """Blocks until `count` messages have arrived (for a server in another process)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"expected {count} mail(s), got {len(self.messages)} within {timeout} s")
            return list(self.messages)


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    content = body.get_content()
    assert isinstance(content, str)
    return content


def link_in(message: EmailMessage) -> str:
    match = LINK.search(text_of(message))
    assert match, text_of(message)
    return match.group(0)
