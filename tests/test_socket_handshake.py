"""A tab that goes away while its live socket is being opened costs the server nothing and
logs no error: a closed tab is no fault of the blog's."""

from __future__ import annotations

import logging

import aiohttp
import pytest
from aiohttp import web

from blog.app import create_app

from .conftest import register
from .test_comments import publish


async def _leave_during_handshake(request: web.Request, response: web.StreamResponse) -> None:
    """The connection resets while the server answers an upgrade with its 101: what a tab that
    is closed, or navigates on, while its page's socket is connecting does to the server."""
    if isinstance(response, web.WebSocketResponse):
        raise ConnectionResetError("Cannot write to closing transport")


@pytest.fixture
async def leaving_client(aiohttp_client, config):  # type: ignore[no-untyped-def]
    app = create_app(config)
    app.on_response_prepare.append(_leave_during_handshake)
    return await aiohttp_client(app)


async def _socket_left_quietly(client, path: str, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.clear()
    with pytest.raises(aiohttp.ClientError):
        async with client.ws_connect(path):
            pass
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == [], [record.getMessage() for record in errors]


async def test_leaving_while_a_post_socket_opens_is_no_error(leaving_client, caplog):
    await register(leaving_client, "alice")
    post = await publish(leaving_client)
    await _socket_left_quietly(leaving_client, post + "/live", caplog)
    # The server goes on answering: the same page still loads.
    assert (await leaving_client.get(post)).status == 200


async def test_leaving_while_a_member_socket_opens_is_no_error(leaving_client, caplog):
    await register(leaving_client, "alice")
    await _socket_left_quietly(leaving_client, "/live", caplog)
    assert (await leaving_client.get("/notifications")).status == 200
