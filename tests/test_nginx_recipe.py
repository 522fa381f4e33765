"""The README's recipe for several app servers, run as written: its nginx configuration in
front of two real servers on one PostgreSQL database. A reader is spread over both servers
and notices nothing: one session, live comments through the proxy's WebSockets."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
from pathlib import Path

import aiohttp
import pytest
from aiohttp import WSMsgType

from .servers import form, free_port, publish, register, text

pytestmark = [pytest.mark.postgresql_only("the recipe is for PostgreSQL"),
              pytest.mark.skipif(shutil.which("nginx") is None, reason="needs nginx (apt-get install nginx-light)")]
README = Path(__file__).resolve().parents[1] / "README.md"


def recipe() -> str:
    """The README's nginx block with an upstream of several servers."""
    blocks = re.findall(r"```nginx\n(.*?)```", README.read_text(), re.S)
    found = [block for block in blocks if "upstream blog" in block]
    assert found, "the README has no nginx recipe for several app servers"
    return found[0]


@pytest.fixture
def nginx(tmp_path: Path):  # type: ignore[no-untyped-def]
    processes: list[subprocess.Popen[bytes]] = []

    def start(upstreams: list[str]) -> str:
        config = recipe()
        servers = re.findall(r"server (\S+);", config)
        assert len(servers) == len(upstreams)
        for old, new in zip(servers, upstreams):
            config = config.replace(f"server {old};", f"server {new};")
        port = free_port()
        config = config.replace("server {", f"server {{\n        listen 127.0.0.1:{port};", 1)
        conf = tmp_path / "nginx.conf"
        conf.write_text(
            f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
            f"http {{\n access_log off;\n client_body_temp_path {tmp_path};\n proxy_temp_path {tmp_path};\n"
            f" {config}\n}}\n")
        processes.append(subprocess.Popen(["nginx", "-c", str(conf), "-p", str(tmp_path)]))
        return f"http://127.0.0.1:{port}"

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


async def test_two_servers_behind_the_readmes_nginx(start_server, nginx, cookie_browser):
    first, second = await start_server(), await start_server()
    front = nginx([first.url.removeprefix("http://"), second.url.removeprefix("http://")])
    for _ in range(100):  # nginx starting
        try:
            await text(cookie_browser, front + "/")
            break
        except aiohttp.ClientError:
            await asyncio.sleep(0.05)
    await register(cookie_browser, front, "alice")
    for _ in range(6):  # round robin: every other request is the other server's
        assert "alice" in await text(cookie_browser, front + "/account")
    post = await publish(cookie_browser, front, "Through the proxy")
    async with aiohttp.ClientSession() as reader, reader.ws_connect(front + post + "/live") as ws:
        for _ in range(2):  # the comment goes through whichever server nginx picks
            body = f"Live through nginx {_}"
            response = await form(cookie_browser, front + post, front + post + "/comments", {"body": body})
            assert response.status == 303
            while True:
                message = await asyncio.wait_for(ws.receive(), 2.0)
                assert message.type == WSMsgType.TEXT
                event = json.loads(message.data)
                if event["kind"] == "comment_added":
                    assert body in event["body_html"]
                    break
