"""Opening a WebSocket when the browser may already have gone."""

from __future__ import annotations

from aiohttp import web


async def opened(ws: web.WebSocketResponse, request: web.Request) -> bool:
    """Completes the handshake; False when the client left during it (a tab closed or
    navigated away while the page's socket was connecting). That is no error: the handler
    returns `ws` unopened and aiohttp notes the disconnection quietly."""
    try:
        await ws.prepare(request)
    except ConnectionResetError:
        return False
    return True
