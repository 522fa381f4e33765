"""Opening a WebSocket when the browser may already have gone."""

from __future__ import annotations

from aiohttp import web


async def opened(ws: web.WebSocketResponse, request: web.Request) -> bool:
    """Completes the handshake; False when the client left during it (a tab closed or
    navigated away while the page's socket was connecting). That is no error: the handler
    then returns `gone()`."""
    try:
        await ws.prepare(request)
    except ConnectionResetError:
        return False
    return True


def gone() -> web.StreamResponse:
    """The answer for a client that left during the handshake. Not the half-opened socket:
    when the reset comes as its 101 is being written, aiohttp would end that socket with a
    close frame it has no writer for (`RuntimeError: Call .prepare() first`, logged as an
    unhandled exception). A plain response fails to write on the reset connection, which
    aiohttp takes quietly as the client's leaving."""
    return web.StreamResponse()
