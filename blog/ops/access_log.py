"""The access log: one line per request, with the client's real address (through trusted
proxies, as accounts/addresses.py finds it) and the request id the error page shows.

Lines are made here and written together once per turn of the event loop, as nginx's
`access_log ... buffer=` does. Through the logging module each line cost the loop about
25 µs (a record, a formatter, a lock, a write(2)): with the log on, as `serve` runs by
default, cached pages went out at half the rate they reach without it."""

from __future__ import annotations

import asyncio
import atexit
import logging
import sys
import time

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from blog.accounts.addresses import client_address

# A write(2) of at most PIPE_BUF (4096) bytes to a pipe is never interleaved with another
# process's, and the --workers processes share one standard error. In characters, as the
# lines are counted, at most 4 bytes each in UTF-8.
ATOMIC_WRITE = 4096 // 4


class AccessLog(AbstractAccessLogger):
    """'2026-12-04 05:29:31,123 INFO aiohttp.access: 203.0.113.9 5f1c0a2b00000001 "GET / HTTP/1.1" 200 1377 0.003512s',
    laid out as the command line's logging format lays out every other line.

    aiohttp's own %a format reads the connection's address: behind a proxy, always the
    proxy's. This logger asks the one place that knows the client's."""

    @property
    def enabled(self) -> bool:
        """No line to make when the log level hides it (BLOG_LOG_LEVEL=WARNING): aiohttp then
        neither times the request nor calls log()."""
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        version = request.version
        LINES.add(f'{LINES.stamp()} INFO {self.logger.name}: {client_address(request)} '
                  f'{response.headers.get("X-Request-Id", "-")} "{request.method} {request.path_qs} '
                  f'HTTP/{version.major}.{version.minor}" {response.status} {response.body_length} {time:.6f}s\n')


class LineBuffer:
    """Lines kept until the loop's next turn, then written to standard error in few writes."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._second = -1
        self._second_text = ""

    def stamp(self) -> str:
        """The time as logging's %(asctime)s writes it, the date and time made once a second."""
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second, self._second_text = second, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        return f"{self._second_text},{int((now - second) * 1000):03d}"

    def add(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) == 1:
            try:
                asyncio.get_running_loop().call_soon(self.flush)
            except RuntimeError:  # outside a loop nothing would call back: now, then
                self.flush()

    def flush(self) -> None:
        lines, self.lines = self.lines, []
        chunk: list[str] = []
        size = 0
        for line in lines:
            if chunk and size + len(line) > ATOMIC_WRITE:
                _write("".join(chunk))
                chunk, size = [], 0
            chunk.append(line)
            size += len(line)
        if chunk:
            _write("".join(chunk))


def _write(text: str) -> None:
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (OSError, ValueError):  # standard error closed or gone: the lines cannot be kept anywhere
        pass


LINES = LineBuffer()
atexit.register(LINES.flush)
