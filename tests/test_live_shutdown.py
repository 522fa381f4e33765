"""SIGTERM to `serve --workers 2` while live readers are connected: the rooms stop before the
broker, so nothing is logged but the shutdown itself (no "Task exception was never retrieved")."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import logging
import os
import signal
import subprocess
import sys

from aiohttp import ClientSession, CookieJar

from blog.app import create_app
from blog.live.rooms import Rooms

from .conftest import register
from .test_cli import free_port
from .test_comments import publish
from .test_live import next_event


async def _wait_until_serving(url: str, process: subprocess.Popen[str]) -> None:
    async with ClientSession() as session:
        for _ in range(300):
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                async with session.get(url + "/") as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("the workers never answered")


async def test_sigterm_with_live_readers_on_two_workers_logs_no_task_errors(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOG_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "blog", "serve", "--workers", "2", "--port", str(port), "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
    browsers = [ClientSession(base_url=url, cookie_jar=CookieJar(unsafe=True)) for _ in range(30)]
    try:
        await _wait_until_serving(url, process)
        await register(browsers[0], "alice")
        post = await publish(browsers[0])
        sockets = [await browser.ws_connect(post + "/live") for browser in browsers]  # spread over both workers
        for ws in sockets:
            await next_event(ws, "presence")
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = await asyncio.get_running_loop().run_in_executor(None, lambda: process.communicate(timeout=60))
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for browser in browsers:
            await browser.close()
    assert process.returncode == 0, output
    for noise in ("Task exception was never retrieved", "Traceback", "mmap closed", "Error"):
        assert noise not in output, output


async def test_readers_leaving_during_shutdown_schedule_nothing_after_the_broker_closed(aiohttp_client, config, caplog):
    """The same in one process: the server closes while readers are connected (their handlers
    leave their rooms while the sockets close); afterwards nothing the rooms scheduled may run
    against the closed broker. The wait is for presence announcements that must not come."""
    client = await aiohttp_client(create_app(dataclasses.replace(config, workers=2)))
    await register(client, "alice")
    post = await publish(client)
    sockets = [await client.ws_connect(post + "/live") for _ in range(5)]
    for ws in sockets:
        await next_event(ws, "presence")
    await client.server.close()
    await asyncio.sleep(Rooms.PRESENCE_INTERVAL * 3)
    gc.collect()  # a task that failed unobserved is reported when it is collected
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == [], [record.getMessage() for record in errors]
