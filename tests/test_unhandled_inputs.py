"""Inputs nobody planned for get a message or a 404, never a 500 or a traceback: numbers in
URLs larger than the database can hold, on every route (HTML and API, every method), and
live socket messages out of range or nested too deeply."""

from __future__ import annotations

import asyncio
import json
import logging
import re

import pytest
from aiohttp import web

from .conftest import csrf_token, register
from .test_api_helpers import auth
from .test_comments import comment, publish
from .test_live import TIMEOUT, next_event

HUGE_NUMBERS = ("99999999999999999999", "9" * 25, str(2**63), str(2**64))
PARAMETER = re.compile(r"\{[^}]+\}")


def route_templates(app: web.Application, prefix: str = "") -> list[tuple[str, str]]:
    """(method, path template) of every route of the app and its sub-applications."""
    found = []
    for resource in app.router.resources():
        sub_app = getattr(resource, "_app", None)
        if isinstance(sub_app, web.Application):
            found += route_templates(sub_app, prefix + resource.canonical)
            continue
        for route in resource:
            if route.method not in ("HEAD", "OPTIONS", "*"):
                found.append((route.method, prefix + resource.canonical))
    return found


@pytest.fixture
async def logged_in(client):  # type: ignore[no-untyped-def]
    """An admin with a post, a comment and an API token, so every handler gets past its checks."""
    await register(client, "alice")
    post = await publish(client)
    await comment(client, post, "A comment")
    token = (await (await client.post("/api/users/login", json={"user": {
        "email": "alice@example.com", "password": "correct horse battery staple"}})).json())["user"]["token"]
    return post, token


async def test_every_route_answers_huge_numbers_without_a_server_error(client, logged_in, caplog):
    _, token = logged_in
    form_token = await csrf_token(client, "/account")
    templates = route_templates(client.app)
    assert len(templates) > 40  # the walk really covers the routes
    answered = []
    for method, template in templates:
        for number in HUGE_NUMBERS:
            path = PARAMETER.sub(number, template)
            if path.startswith("/api"):
                response = await client.request(method, path, headers=auth(token), json={})
            else:
                response = await client.request(method, path, data={"csrf_token": form_token},
                                                 allow_redirects=False)
            answered.append((method, path, response.status))
            assert response.status < 500, (method, path, response.status, await response.text())
            assert b"Traceback" not in await response.read()  # /favicon.ico, for one, is not text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    statuses = {status for _, path, status in answered if "/posts/" in path or "/comments/" in path}
    assert 404 in statuses


@pytest.mark.parametrize("path", [
    "/posts/99999999999999999999/x",
    "/posts/1/a-post-to-discuss/comments/99999999999999999999/delete",
    "/posts/1/a-post-to-discuss/comments/9999999999999999999999999/delete",
    "/account/tokens/99999999999999999999/revoke",
    "/account/tokens/9999999999999999999999999/revoke",
    "/trash/99999999999999999999/restore",
    "/posts/1/a-post-to-discuss/history/99999999999999999999",
])
async def test_the_reported_addresses_give_404_with_the_site_page(client, logged_in, path):
    method = "GET" if path.startswith("/posts/99") or "/history/" in path else "POST"
    data = {"csrf_token": await csrf_token(client, "/account")} if method == "POST" else None
    response = await client.request(method, path, data=data, allow_redirects=False)
    assert response.status == 404
    page = await response.text()
    assert "<main" in page and "Traceback" not in page


async def test_api_ids_out_of_range_are_404(client, logged_in):
    _, token = logged_in
    response = await client.delete(f"/api/articles/a-post-to-discuss/comments/{'9' * 25}", headers=auth(token))
    assert response.status == 404
    assert (await response.json())["errors"] == {"comment": ["not found"]}


@pytest.mark.parametrize("message, expected", [
    (json.dumps({"kind": "catch_up", "after": 2**64}), "catch_up needs"),
    (json.dumps({"kind": "catch_up", "after": 2**63}), "catch_up needs"),
    (json.dumps({"kind": "catch_up", "after": 1e308}), "catch_up needs"),
    ("[" * 2000, "Messages are JSON objects"),
    ('{"kind": "ping", "deep": ' + "[" * 2000 + "}", "Messages are JSON objects"),
])
async def test_live_messages_out_of_range_get_an_error_message_and_the_socket_stays(client, logged_in, message,
                                                                                      expected, caplog):
    post, _ = logged_in
    async with client.ws_connect(post + "/live") as ws:
        await next_event(ws, "presence")
        await ws.send_str(message)
        assert expected in (await next_event(ws, "error"))["message"]
        await ws.send_json({"kind": "catch_up", "after": 0})  # still open and answering
        assert len((await asyncio.wait_for(next_event(ws, "caught_up"), TIMEOUT))["ids"]) == 1
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize("path", ["/static/missing.css", "/static/js/nothing-here.js", "/static/css"])
async def test_a_missing_static_file_gets_the_site_404_page(client, path):
    response = await client.get(path)
    assert response.status == 404
    assert response.content_type == "text/html"
    page = await response.text()
    assert "<main" in page and "There is no file at this address." in page


async def test_static_files_are_still_served(client):
    page = await (await client.get("/")).text()
    stylesheet = re.search(r'href="(/static/css/site\.css[^"]*)"', page).group(1)
    response = await client.get(stylesheet)
    assert response.status == 200 and response.content_type == "text/css"
