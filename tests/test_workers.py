"""Several processes serving one blog (serve --workers N): two apps on one database here,
exactly as two worker processes share it, and the real command at the end."""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from blog.app import create_app

from .conftest import post_form, register
from .test_cli import free_port
from .test_comments import comment, publish
from .test_live import next_event


@pytest.fixture
async def two_workers(aiohttp_client, config):  # type: ignore[no-untyped-def]
    shared = dataclasses.replace(config, workers=2)
    first = await aiohttp_client(create_app(shared))
    second = await aiohttp_client(create_app(shared))
    return first, second


async def test_a_comment_on_one_worker_reaches_readers_of_the_other(two_workers):
    first, second = two_workers
    await register(first, "alice")
    post = await publish(first)
    async with second.ws_connect(post + "/live") as reader:
        await next_event(reader, "presence")
        await comment(first, post, "Across processes")
        event = await next_event(reader, "comment_added")
    assert event["author"] == "alice" and "Across processes" in event["body_html"]


async def test_presence_adds_up_readers_of_every_worker(two_workers):
    first, second = two_workers
    await register(first, "alice")
    post = await publish(first)
    async with first.ws_connect(post + "/live") as on_first:
        await next_event(on_first, "presence")
        async with second.ws_connect(post + "/live") as on_second:
            while (await next_event(on_first, "presence"))["count"] != 2:
                pass
            while (await next_event(on_second, "presence"))["count"] != 2:
                pass
        while (event := await next_event(on_first, "presence"))["count"] != 1:
            pass
    assert event["usernames"] == ["alice"]


async def test_sessions_csrf_and_caches_agree_across_workers(two_workers):
    first, second = two_workers
    await register(first, "alice")
    cookies = {c.key: c.value for c in first.session.cookie_jar}
    second.session.cookie_jar.update_cookies(cookies)
    assert "alice" in await (await second.get("/account")).text()  # the session works on both
    await second.get("/")  # cached on the second worker
    post = await publish(first, "Published on the first")  # a form loaded from the first, posted there
    assert "Published on the first" in await (await second.get("/")).text()
    # a form loaded from one worker can be sent to the other: the token lives in the shared cookie
    page = await (await second.get(post)).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = await first.post(post + "/comments", data={"body": "hi", "csrf_token": token}, allow_redirects=False)
    assert response.status == 303
    await post_form(first, "/logout", {}, form_page="/logout")
    assert (await second.get("/account", allow_redirects=False)).status == 303  # logged out everywhere


def test_serve_with_two_workers_answers_on_one_port(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOG_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "blog", "serve", "--workers", "2", "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        start_new_session=True)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("no answer from the workers")
        workers = [pid for pid in _children(process.pid) if "serve" in _command(pid)]
        assert len(workers) == 2, workers
        for _ in range(20):  # every answer is a whole page, whichever worker gives it
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                assert b"</html>" in response.read()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "Traceback" not in output, output


def _children(parent: int) -> list[int]:
    children = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(parent):
            children.append(int(status.parent.name))
    return children


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
