"""The access log: one line per request, with the client's real address (through trusted
proxies, as accounts/addresses.py finds it) and the request id the error page shows."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from blog.accounts.addresses import client_address


class AccessLog(AbstractAccessLogger):
    """'203.0.113.9 5f1c0a2b00000001 "GET / HTTP/1.1" 200 1377 0.003512s'.

    aiohttp's own %a format reads the connection's address: behind a proxy, always the
    proxy's. This logger asks the one place that knows the client's."""

    @property
    def enabled(self) -> bool:
        """No line to make when the log level hides it (BLOG_LOG_LEVEL=WARNING): aiohttp then
        neither times the request nor calls log()."""
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        version = request.version
        self.logger.info(
            '%s %s "%s %s HTTP/%d.%d" %d %d %.6fs', client_address(request),
            response.headers.get("X-Request-Id", "-"), request.method, request.path_qs, version.major,
            version.minor, response.status, response.body_length, time)
