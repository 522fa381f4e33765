"""The member socket across processes: a message, "typing" and a notification reach a member
connected to another `serve --workers N` process (SQLite) or another server (PostgreSQL)."""

from __future__ import annotations

import dataclasses

import aiohttp
import pytest
from aiohttp import CookieJar

from blog.app import create_app
from blog.keys import BROKER
from blog.live.sqlite_broker import SqliteBroker

from .conftest import post_form, register
from .messaging_helpers import caught_up, next_event, send
from .servers import form
from .servers import register as register_on


@pytest.mark.sqlite_only("workers of one machine share the SQLite file")
async def test_a_message_reaches_a_member_on_another_worker(aiohttp_client, config):
    shared = dataclasses.replace(config, workers=2)
    first = await aiohttp_client(create_app(shared))
    second = await aiohttp_client(create_app(shared))
    assert isinstance(first.app[BROKER], SqliteBroker)
    await register(first, "ana")
    await register(second, "ben")
    async with second.ws_connect("/live") as ben_live:
        await caught_up(ben_live)
        await send(first, "ben", "Across workers")
        message = await next_event(ben_live, "message")
        assert message["body_html"].strip() == "<p>Across workers</p>"
        assert (await next_event(ben_live, "notification"))["unread_messages"] == 1
        await post_form(first, "/authors/ben/follow", {}, form_page="/authors/ben")
        assert (await next_event(ben_live, "notification"))["text"] == "ana followed you"


@pytest.mark.postgresql_only("several servers share a PostgreSQL database")
async def test_a_message_reaches_a_member_connected_to_another_server(start_server):
    first, second = await start_server(), await start_server()
    async with aiohttp.ClientSession(cookie_jar=CookieJar(unsafe=True)) as ana, \
            aiohttp.ClientSession(cookie_jar=CookieJar(unsafe=True)) as ben:
        await register_on(ana, first.url, "ana")
        await register_on(ben, second.url, "ben")
        async with ben.ws_connect(second.url + "/live") as ben_live, ana.ws_connect(first.url + "/live") as ana_live:
            await caught_up(ben_live)
            await caught_up(ana_live)
            await ana_live.send_json({"kind": "typing", "to": "ben"})
            assert (await next_event(ben_live, "typing"))["from"] == "ana"
            sent = await form(ana, first.url + "/messages/ben", first.url + "/messages/ben", {"body": "Across servers"})
            assert sent.status == 303
            message = await next_event(ben_live, "message")
            assert message["body_html"].strip() == "<p>Across servers</p>"
            await ben_live.send_json({"kind": "seen", "message_id": message["id"]})
            assert (await next_event(ana_live, "seen"))["up_to"] == message["id"]
        # Reconnecting to the other server brings what was missed meanwhile.
        await form(ana, first.url + "/messages/ben", first.url + "/messages/ben", {"body": "While you were away"})
        async with ben.ws_connect(first.url + "/live") as ben_again:
            events = await caught_up(ben_again, messages_after=message["id"])
            assert [e["body_html"].strip() for e in events if e["kind"] == "message"] == ["<p>While you were away</p>"]
