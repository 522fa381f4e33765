"""The yardstick for bench/run.py: the smallest aiohttp app, answering "Hello, world".

    python bench/hello.py --host 127.0.0.1 --port 8081

Run by the same Python, the same aiohttp and the same event loop (plain asyncio, as
`python -m blog serve` uses) as the blog, so that "blog req/s / hello req/s" measured
on the same machine a moment apart says how much of the framework's own speed the
blog keeps. No middlewares, no access log, nothing else.
"""

from __future__ import annotations

import argparse

from aiohttp import web


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="Hello, world")


def create_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/", hello)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="aiohttp hello world, the yardstick of bench/run.py")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--reuse-port", action="store_true",
                        help="share the port with other processes (two of them: the machine's ceiling for two workers)")
    args = parser.parse_args()
    web.run_app(create_app(), host=args.host, port=args.port, reuse_port=args.reuse_port or None, access_log=None,
                print=None)


if __name__ == "__main__":
    main()
