"""The Mailer: composes a message, then delivers it in the background with retries.

Without BLOG_SMTP_HOST each mail becomes a file in <data dir>/outbox/ (the log says
where), so a fresh install works and an operator can still read what was sent. A mail
that cannot be delivered after every retry is logged and kept in outbox/failed/."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Coroutine
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path
from typing import Any

import aiosmtplib

from blog import clock
from blog.config import Config

log = logging.getLogger(__name__)
# Seconds to wait before each new attempt; a mail server that is down for a few minutes loses nothing.
RETRY_DELAYS = (5.0, 30.0, 120.0)
SMTP_TIMEOUT = 30.0
# How long shutting down waits for mails still on their way before keeping them in outbox/failed/.
CLOSE_TIMEOUT = 5.0


class Mailer:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.retry_delays: tuple[float, ...] = RETRY_DELAYS
        self._pending: set[asyncio.Task[None]] = set()

    def compose(self, to: str, subject: str, text: str, sender_name: str) -> EmailMessage:
        sender = self.config.sender_address
        message = EmailMessage()
        message["From"] = formataddr((sender_name, sender))
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = format_datetime(clock.now())
        message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
        message.set_content(text)
        return message

    def send(self, message: EmailMessage) -> None:
        """Hands the message over for delivery and returns at once."""
        task = asyncio.get_running_loop().create_task(self._deliver(message))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def in_background(self, job: Coroutine[Any, Any, None]) -> None:
        """Runs work that ends in a mail (looking up whom to write to, making a link) after the
        response: the page a visitor sees then takes the same time whatever the work finds."""
        async def guarded() -> None:
            try:
                await job
            except Exception:
                log.exception("preparing a mail failed")

        task = asyncio.get_running_loop().create_task(guarded())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def drain(self) -> None:
        """Waits until every mail handed over so far is delivered or given up."""
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    async def close(self) -> None:
        if not self._pending:
            return
        _, unfinished = await asyncio.wait(set(self._pending), timeout=CLOSE_TIMEOUT)
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)

    async def _deliver(self, message: EmailMessage) -> None:
        attempts = 1 + len(self.retry_delays)
        try:
            for attempt, delay in enumerate((0.0, *self.retry_delays), start=1):
                if delay:
                    await asyncio.sleep(delay)
                try:
                    await self._transport(message)
                    return
                except (aiosmtplib.SMTPException, OSError) as exc:
                    log.warning("mail to %s not sent (attempt %d of %d): %s", message["To"], attempt, attempts, exc)
        except asyncio.CancelledError:  # shutting down: keep it for the operator rather than lose it
            path = await self._keep_failed(message)
            log.error("mail to %s (%s) was still unsent at shutdown; it is kept in %s",
                      message["To"], message["Subject"], path)
            raise
        path = await self._keep_failed(message)
        log.error("mail to %s (%s) could not be sent after %d attempts; it is kept in %s",
                  message["To"], message["Subject"], attempts, path)

    async def _transport(self, message: EmailMessage) -> None:
        config = self.config
        if not config.smtp_host:
            path = await asyncio.to_thread(_write_eml, config.outbox_dir, message)
            log.info("no BLOG_SMTP_HOST: the mail to %s is in %s", message["To"], path)
            return
        await aiosmtplib.send(
            message,
            hostname=config.smtp_host,
            port=config.smtp_port,
            username=config.smtp_username or None,
            password=config.smtp_password or None,
            use_tls=config.smtp_tls == "tls",
            start_tls=config.smtp_tls == "starttls",
            timeout=SMTP_TIMEOUT,
        )

    async def _keep_failed(self, message: EmailMessage) -> Path:
        return await asyncio.to_thread(_write_eml, self.config.outbox_dir / "failed", message)


def _write_eml(folder: Path, message: EmailMessage) -> Path:
    """Writes the message whole under a temporary name, then renames it: a reader never sees half."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{clock.now().strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}.eml"
    temporary = folder / f".{name}.tmp"
    temporary.write_bytes(bytes(message))
    temporary.chmod(0o600)  # mails carry reset links: as private as the database beside them
    return temporary.replace(folder / name)
