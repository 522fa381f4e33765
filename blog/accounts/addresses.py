"""The client's address, as the login throttle and the session list see it."""

from __future__ import annotations

import ipaddress

from aiohttp import web


def client_address(request: web.Request) -> str:
    """The peer's address, normalised (so one client is always counted under one spelling)."""
    remote = request.remote or ""
    try:
        return str(ipaddress.ip_address(remote))
    except ValueError:
        return remote or "unknown"
